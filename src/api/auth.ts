// Until RBAC lands ([6 of 6]) every request must carry one of the admin bearer tokens.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { toStatus, unauthorized } from "./status";

/** Compare without leaking the position of the first difference through timing. */
function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function bearerTokens(options: { tokens: (env: AppEnv["Bindings"]) => string[] }): MiddlewareHandler<AppEnv> {
  return async function bearerAuth(c, next) {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const presented = match?.[1];
    const tokens = options.tokens(c.env);
    if (!presented || !tokens.some((t) => sameToken(t, presented))) {
      return c.json(toStatus(unauthorized()), 401);
    }
    await next();
  };
}

export function adminTokens(env: AppEnv["Bindings"]): string[] {
  return (env.ADMIN_TOKENS ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}
