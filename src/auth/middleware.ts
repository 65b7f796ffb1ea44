// The request pipeline of src/auth, as Hono middleware in kube-apiserver's order: audit (around
// everything, so it sees the final code), authentication (401), rate limiting (429),
// impersonation, authorization (403), and admission handed to the write path. Mounted by the API
// app and the tunnel app.
import type { MiddlewareHandler } from "hono";
import type { AppEnv, Ctx } from "../api/context";
import { sendError } from "../api/respond";
import { tooManyRequests, unauthorized } from "../api/status";
import { makeStore } from "../wiring";
import { admissionFor } from "./admission";
import { requestAttributes } from "./attributes";
import { audited } from "./auditpolicy";
import { sendAuditRecord } from "./auditsink";
import { authenticateRequest } from "./authn";
import { storeAuthorizer } from "./authorizer";
import { forbiddenError } from "./forbidden";
import { impersonate } from "./impersonation";
import { authConfig } from "./config";
import { aggregateClusterRoles, ensureDefaultPolicy } from "./rbac/bootstrap";
import { invalidateRbac, isRbacResource } from "./rbac/cache";
import { LeaseCache, TOO_MANY_REQUESTS, type Limits } from "./ratelimit";
import { isMaster } from "./user";

const leases = new LeaseCache();

/** Whether the identity behind `key` may make a request now: 0, or the seconds to wait (a limiter that cannot be reached lets it in). */
function rateLimited(env: AppEnv["Bindings"], key: string, limits: Limits, now: number): Promise<number> {
  return leases
    .take(key, limits, now, (want) => env.RATE_LIMITS.get(env.RATE_LIMITS.idFromName(key)).lease(want, limits))
    .catch((err: unknown) => {
      console.error("rate limiter unreachable", err instanceof Error ? err.message : err);
      return 0;
    });
}

function storeOf(c: Ctx) {
  let store = c.get("store");
  if (!store) {
    store = makeStore(c.env, (p) => c.executionCtx.waitUntil(p));
    c.set("store", store);
  }
  return store;
}

function clientAddress(c: Ctx): string {
  return c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "unknown";
}

/** Records mutating and denied requests once the response is known; the write happens after it is sent. */
function auditing(): MiddlewareHandler<AppEnv> {
  return async function audit(c, next) {
    await next();
    const user = c.get("user") ?? { name: "", groups: [] };
    const attrs = c.get("attributes") ?? requestAttributes(user, c.req.method, new URL(c.req.url));
    const code = c.res.status;
    if (code === 429 || !audited(attrs, code)) return;
    const record = {
      time: Date.now(),
      username: user.name,
      groups: user.groups,
      verb: attrs.verb,
      apiGroup: attrs.apiGroup,
      resource: attrs.resource,
      subresource: attrs.subresource,
      namespace: attrs.namespace,
      name: attrs.name,
      path: attrs.path,
      code,
      sourceIp: clientAddress(c),
      userAgent: c.req.header("user-agent") ?? "",
    };
    sendAuditRecord(c.env, (p) => c.executionCtx.waitUntil(p), record);
  };
}

function authenticating(): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const config = authConfig(c.env);
    const now = Date.now();
    const store = storeOf(c);
    const result = await authenticateRequest(c.req.header("authorization"), { config, store, d1: c.env.DB, serviceAccountKeys: c.env.SERVICE_ACCOUNT_KEYS, now });
    // Anonymous clients and failed credentials are limited by address, everyone else by name.
    const key = result.ok && !result.anonymous ? `user:${result.user.name}` : `ip:${clientAddress(c)}`;
    const exempt = result.ok && isMaster(result.user);
    const wait = exempt ? 0 : await rateLimited(c.env, key, config.rateLimit, now);
    if (wait > 0) return sendError(c, tooManyRequests(TOO_MANY_REQUESTS, wait));
    if (!result.ok) return sendError(c, unauthorized());
    await ensureDefaultPolicy(store);
    const acting = await impersonate(c.req.raw.headers, result.user, (attrs) => storeAuthorizer(store).authorize(attrs));
    if (!acting.ok) return sendError(c, acting.error);
    c.set("user", acting.user);
    await next();
  };
}

function authorizing(): MiddlewareHandler<AppEnv> {
  return async function authorize(c, next) {
    const store = storeOf(c);
    const user = c.get("user");
    const authorizer = storeAuthorizer(store);
    const attrs = requestAttributes(user, c.req.method, new URL(c.req.url));
    c.set("attributes", attrs);
    const decision = await authorizer.authorize(attrs);
    if (!decision.allowed) return sendError(c, forbiddenError(attrs, decision.reason));
    c.set("admit", admissionFor(user, authorizer));
    await next();
    const rbacWrite = attrs.resourceRequest && attrs.verb !== "get" && attrs.verb !== "list" && attrs.verb !== "watch" && isRbacResource(`${attrs.apiGroup}/${attrs.resource}`);
    if (rbacWrite && c.res.status < 300) {
      invalidateRbac();
      if (attrs.resource === "clusterroles") c.executionCtx.waitUntil(aggregateClusterRoles(store).then(invalidateRbac));
    }
  };
}

/** The whole pipeline, in order. */
export function authMiddleware(): MiddlewareHandler<AppEnv>[] {
  return [auditing(), authenticating(), authorizing()];
}
