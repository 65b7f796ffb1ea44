// The auth settings, read from the Worker's bindings with defaults.
import type { Env } from "../env";

export const DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";

export interface AuthConfig {
  adminTokens: string[];
  issuer: string;
  /** Audiences a token must be for to reach the API: the issuer, as kube-apiserver defaults them. */
  apiAudiences: string[];
  rateLimit: { qps: number; burst: number };
  auditRetentionMs: number;
  nodeCredentialTtlSeconds: number;
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function authConfig(env: Env): AuthConfig {
  const issuer = env.SERVICE_ACCOUNT_ISSUER?.trim() || DEFAULT_ISSUER;
  return {
    adminTokens: (env.ADMIN_TOKENS ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    issuer,
    apiAudiences: [issuer],
    rateLimit: { qps: positive(env.RATE_LIMIT_QPS, 50), burst: positive(env.RATE_LIMIT_BURST, 200) },
    auditRetentionMs: positive(env.AUDIT_RETENTION_DAYS, 7) * 24 * 3600 * 1000,
    nodeCredentialTtlSeconds: positive(env.NODE_CREDENTIAL_TTL_SECONDS, 365 * 24 * 3600),
  };
}
