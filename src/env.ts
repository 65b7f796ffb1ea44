// The Worker's bindings, declared once (wrangler.toml) and typed here for every module.
import type { WatchHub } from "./store/watchhub";
import type { Reconciler } from "./controllers/reconciler";
import type { Scheduler } from "./scheduler/scheduler";
import type { NodeTunnel } from "./tunnel/nodetunnel";

export interface Env {
  DB: D1Database;
  WATCH_HUB: DurableObjectNamespace<WatchHub>;
  RECONCILER: DurableObjectNamespace<Reconciler>;
  SCHEDULER: DurableObjectNamespace<Scheduler>;
  /** One per node: the agent's WebSocket, through which the Worker reaches the agent (logs, proxy). */
  NODE_TUNNEL: DurableObjectNamespace<NodeTunnel>;
  /** Comma-separated admin bearer tokens (a Worker secret in production). */
  ADMIN_TOKENS: string;
  COMPACTION_WINDOW_SECONDS?: string;
  /** Service cluster IPs (default 10.96.0.0/12), node ports (default 30000-32767), edge domain: src/services/config.ts. */
  SERVICE_CLUSTER_IP_RANGE?: string;
  SERVICE_NODE_PORT_RANGE?: string;
  CLUSTER_DOMAIN?: string;
  COMPACTION_MIN_REVISIONS?: string;
  NODE_MONITOR_GRACE_SECONDS?: string;
}
