// Authentication: the bearer token of a request is an admin token (Worker secret, members of
// system:masters), a service account JWT, or a token the server issued (bootstrap tokens, node
// credentials). No token is system:anonymous; a token none of them accepts is 401, as in
// kube-apiserver (an invalid credential never falls back to anonymous).
import type { Store } from "../store/store";
import { sameText } from "./base64";
import type { AuthConfig } from "./config";
import { looksLikeJwt } from "./serviceaccount/jwt";
import { signingKeys } from "./serviceaccount/keys";
import { validateServiceAccountToken } from "./serviceaccount/tokens";
import { looksLikeStoredToken, TokenStore } from "./tokens";
import { anonymous, AUTHENTICATED, MASTERS, type UserInfo } from "./user";

export const ADMIN_USER = "kubernetes-admin";

export interface AuthnContext {
  config: AuthConfig;
  store: Store;
  d1: D1Database;
  serviceAccountKeys: string | undefined;
  now: number;
}

export type Authenticated = { ok: true; user: UserInfo; anonymous: boolean } | { ok: false; reason: string };

/** The user a bearer token stands for; `audiences` narrows service account tokens (TokenReview). */
export async function authenticateToken(token: string, ctx: AuthnContext, audiences = ctx.config.apiAudiences): Promise<{ user: UserInfo } | { reason: string }> {
  if (ctx.config.adminTokens.some((t) => sameText(t, token))) return { user: { name: ADMIN_USER, groups: [MASTERS, AUTHENTICATED] } };
  if (looksLikeJwt(token)) {
    const keys = await signingKeys(ctx.serviceAccountKeys);
    const objects = { get: (resource: string, namespace: string, name: string) => ctx.store.get({ resource, namespace, name }) };
    const result = await validateServiceAccountToken(token, { keys, issuer: ctx.config.issuer, audiences, now: ctx.now, objects });
    return result.ok ? { user: result.user } : { reason: result.reason };
  }
  if (looksLikeStoredToken(token)) {
    const user = await new TokenStore(ctx.d1).authenticate(token, ctx.now);
    return user ? { user } : { reason: "unknown, expired or revoked token" };
  }
  return { reason: "invalid bearer token" };
}

/** The requester, from the Authorization header. */
export async function authenticateRequest(authorization: string | undefined, ctx: AuthnContext): Promise<Authenticated> {
  const match = /^Bearer\s+(\S*)\s*$/i.exec(authorization ?? "");
  const token = match?.[1];
  if (!token) return { ok: true, user: anonymous, anonymous: true };
  const found = await authenticateToken(token, ctx);
  return "user" in found ? { ok: true, user: found.user, anonymous: false } : { ok: false, reason: found.reason };
}
