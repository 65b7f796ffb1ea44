// Tunables read from the Worker's vars (wrangler.toml), parsed once per use with defaults.
import type { Env } from "./env";
import { clusterDomain } from "./services/config";

export interface Settings {
  compactionWindowMs: number;
  compactionMinRevisions: number;
  /** A node whose Lease is older than this is Unknown (Kubernetes' node-monitor-grace-period). */
  nodeGracePeriodMs: number;
  /** LoadBalancer Services are published at {name}.{namespace}.{clusterDomain} (CLUSTER_DOMAIN). */
  clusterDomain: string;
  /** What pods trust the API with: ca.crt of every namespace's kube-root-ca.crt (CLUSTER_CA_CERT, PEM; "" for the system roots). */
  clusterCaCert: string;
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function settingsFrom(env: Env): Settings {
  return {
    compactionWindowMs: positive(env.COMPACTION_WINDOW_SECONDS, 300) * 1000,
    compactionMinRevisions: positive(env.COMPACTION_MIN_REVISIONS, 1000),
    nodeGracePeriodMs: positive(env.NODE_MONITOR_GRACE_SECONDS, 40) * 1000,
    clusterDomain: clusterDomain(env),
    clusterCaCert: env.CLUSTER_CA_CERT?.trim() ? `${env.CLUSTER_CA_CERT.trim()}\n` : "",
  };
}
