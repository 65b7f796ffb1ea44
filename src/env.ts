// The Worker's bindings, declared once (wrangler.toml) and typed here for every module.
import type { WatchHub } from "./store/watchhub";
import type { Reconciler } from "./controllers/reconciler";
import type { Scheduler } from "./scheduler/scheduler";
import type { NodeTunnel } from "./tunnel/nodetunnel";
import type { AuditSink } from "./auth/auditsink";
import type { ServiceIndex } from "./controllers/endpointslice/serviceindex";
import type { RateLimits } from "./auth/ratelimits";

export interface Env {
  DB: D1Database;
  WATCH_HUB: DurableObjectNamespace<WatchHub>;
  RECONCILER: DurableObjectNamespace<Reconciler>;
  SCHEDULER: DurableObjectNamespace<Scheduler>;
  /** One per node: the agent's WebSocket, through which the Worker reaches the agent (logs, proxy). */
  NODE_TUNNEL: DurableObjectNamespace<NodeTunnel>;
  /** One for the cluster: wakes the Services a pod change concerns (controllers/endpointslice). */
  SERVICE_INDEX: DurableObjectNamespace<ServiceIndex>;
  /** Comma-separated admin bearer tokens (a Worker secret in production). */
  /** One for the cluster: writes audit records to D1 in batches (src/auth/auditsink.ts). */
  AUDIT_SINK: DurableObjectNamespace<AuditSink>;
  /** One per identity: its rate limit's token bucket (src/auth/ratelimits.ts). */
  RATE_LIMITS: DurableObjectNamespace<RateLimits>;
  ADMIN_TOKENS: string;
  /** Comma-separated ECDSA P-256 private keys (PKCS#8) signing service account tokens; the first signs (a Worker secret). */
  SERVICE_ACCOUNT_KEYS?: string;
  /** The `iss` of service account tokens, and the audience the API accepts (default https://kubernetes.default.svc.cluster.local). */
  SERVICE_ACCOUNT_ISSUER?: string;
  /** Comma-separated `keyid:base64` AES-256 keys Secrets are encrypted with in D1; the first encrypts (a Worker secret). */
  ENCRYPTION_KEYS?: string;
  /** Requests per second and burst each identity may make (rate limiting, 429 with Retry-After). */
  RATE_LIMIT_QPS?: string;
  RATE_LIMIT_BURST?: string;
  /** Days audit records are kept. */
  AUDIT_RETENTION_DAYS?: string;
  /** Lifetime of the credential a node gets for its bootstrap token, in seconds. */
  NODE_CREDENTIAL_TTL_SECONDS?: string;
  /** The CA certificate (PEM) pods are given to verify the API's TLS certificate; unset: none (system roots). */
  CLUSTER_CA_CERT?: string;
  COMPACTION_WINDOW_SECONDS?: string;
  /** Service cluster IPs (default 10.96.0.0/12), node ports (default 30000-32767), edge domain: src/services/config.ts. */
  SERVICE_CLUSTER_IP_RANGE?: string;
  SERVICE_NODE_PORT_RANGE?: string;
  CLUSTER_DOMAIN?: string;
  COMPACTION_MIN_REVISIONS?: string;
  NODE_MONITOR_GRACE_SECONDS?: string;
}
