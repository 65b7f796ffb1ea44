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
  COMPACTION_MIN_REVISIONS?: string;
  NODE_MONITOR_GRACE_SECONDS?: string;
}
