// Administrative endpoints, authorized as non-resource URLs (cluster-admin holds "*"; grant
// others `nonResourceURLs: ["/admin/audit"]` and the like). The `edgeplane` CLI calls them:
//   POST   /admin/secrets/reencrypt   re-seal Secrets under the current key; how many remain stale
//   GET    /admin/tokens              issued tokens (never their secrets)
//   POST   /admin/tokens              a new bootstrap token {ttlSeconds, description}
//   DELETE /admin/tokens/{id}         revoke a token
//   GET    /admin/audit               audit records, newest first (?limit, ?before=<id>, ?since=<ms>)
// and the service account issuer's discovery documents (oidc.ts).
import type { Hono } from "hono";
import type { AppEnv } from "../api/context";
import { sendError } from "../api/respond";
import { badRequest, internalError, notFound } from "../api/status";
import { AuditLog } from "./audit";
import { authConfig } from "./config";
import { keyRing } from "./encryption/keys";
import { mountIssuerDiscovery } from "./oidc";
import { reencryptSecrets } from "./encryption/reencrypt";
import { TokenStore } from "./tokens";

function intParam(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : NaN;
}

export function mountAdmin(app: Hono<AppEnv>): void {
  mountIssuerDiscovery(app);
  app.post("/admin/secrets/reencrypt", async (c) => {
    const ring = await keyRing(c.env.ENCRYPTION_KEYS);
    if (!ring) return sendError(c, internalError("no encryption key is configured (ENCRYPTION_KEYS)"));
    return c.json(await reencryptSecrets(c.env.DB, ring));
  });

  app.get("/admin/tokens", async (c) => c.json({ items: await new TokenStore(c.env.DB).list() }));

  app.post("/admin/tokens", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { ttlSeconds?: unknown; description?: unknown };
    const ttl = body.ttlSeconds === undefined ? 24 * 3600 : Number(body.ttlSeconds);
    if (!Number.isInteger(ttl) || ttl < 0) return sendError(c, badRequest("ttlSeconds must be a non-negative integer (0: never expires)"));
    const description = typeof body.description === "string" ? body.description : "";
    const issued = await new TokenStore(c.env.DB).issue({ kind: "bootstrap", ttlSeconds: ttl || undefined, description, now: Date.now() });
    return c.json({ token: issued.token, ...issued.record }, 201);
  });

  app.delete("/admin/tokens/:id", async (c) => {
    const id = c.req.param("id");
    return (await new TokenStore(c.env.DB).revoke(id)) ? c.json({ id, revoked: true }) : sendError(c, notFound("tokens", "", id));
  });

  app.get("/admin/audit", async (c) => {
    const [limit, before, since] = ["limit", "before", "since"].map((p) => intParam(c.req.query(p)));
    if ([limit, before, since].some((n) => Number.isNaN(n))) return sendError(c, badRequest("limit, before and since must be non-negative integers"));
    const log = new AuditLog(c.env.DB, authConfig(c.env).auditRetentionMs);
    return c.json({ items: await log.list({ limit: Math.min(limit || 100, 1000), before, since }) });
  });
}
