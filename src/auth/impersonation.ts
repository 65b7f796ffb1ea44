// Impersonation (apiserver/pkg/endpoints/filters/impersonation.go): `kubectl --as`, `--as-group`,
// `--as-uid` send Impersonate-* headers; the requester must be allowed the `impersonate` verb on
// each (users, groups, uids, userextras, or a service account by namespace and name), and the
// request then runs as that user.
import { badRequest, type ApiError } from "../api/status";
import type { Attributes } from "./attributes";
import type { Decision } from "./decision";
import { forbiddenError } from "./forbidden";
import { ANONYMOUS_USER, AUTHENTICATED, SERVICE_ACCOUNTS, UNAUTHENTICATED, serviceAccountOf, type UserInfo } from "./user";

const EXTRA_PREFIX = "impersonate-extra-";

export type Impersonated = { ok: true; user: UserInfo } | { ok: false; error: ApiError };

function attributes(requester: UserInfo, resource: string, name: string, extra: { namespace?: string; subresource?: string } = {}): Attributes {
  return { user: requester, verb: "impersonate", resourceRequest: true, path: "", apiGroup: resource === "userextras" || resource === "uids" ? "authentication.k8s.io" : "", apiVersion: "", resource, subresource: extra.subresource ?? "", namespace: extra.namespace ?? "", name };
}

function list(value: string | null): string[] {
  return (value ?? "").split(",").map((v) => v.trim()).filter(Boolean);
}

/** The user a request acts as: the requester, or whom its Impersonate-* headers name if it may. */
export async function impersonate(headers: Headers, requester: UserInfo, authorize: (attrs: Attributes) => Promise<Decision>): Promise<Impersonated> {
  const username = headers.get("impersonate-user") ?? undefined;
  const groups = list(headers.get("impersonate-group"));
  const uid = headers.get("impersonate-uid") ?? undefined;
  const extra: Record<string, string[]> = {};
  headers.forEach((value, key) => {
    if (key.toLowerCase().startsWith(EXTRA_PREFIX)) extra[decodeURIComponent(key.slice(EXTRA_PREFIX.length).toLowerCase())] = list(value);
  });
  if (username === undefined) {
    if (groups.length || uid || Object.keys(extra).length) return { ok: false, error: badRequest("requested impersonation without impersonating a user") };
    return { ok: true, user: requester };
  }
  const sa = serviceAccountOf(username);
  const checks: Attributes[] = [
    sa ? attributes(requester, "serviceaccounts", sa.name, { namespace: sa.namespace }) : attributes(requester, "users", username),
    ...groups.map((g) => attributes(requester, "groups", g)),
    ...(uid ? [attributes(requester, "uids", uid)] : []),
    ...Object.entries(extra).flatMap(([key, values]) => values.map((v) => attributes(requester, "userextras", v, { subresource: key }))),
  ];
  for (const attrs of checks) {
    const decision = await authorize(attrs);
    if (!decision.allowed) return { ok: false, error: forbiddenError(attrs, decision.reason) };
  }
  const effective = groups.length === 0 && sa ? [SERVICE_ACCOUNTS, `${SERVICE_ACCOUNTS}:${sa.namespace}`] : [...groups];
  if (username !== ANONYMOUS_USER) {
    if (!effective.includes(AUTHENTICATED) && !effective.includes(UNAUTHENTICATED)) effective.push(AUTHENTICATED);
  } else if (!effective.includes(UNAUTHENTICATED)) {
    effective.push(UNAUTHENTICATED);
  }
  return { ok: true, user: { name: username, ...(uid ? { uid } : {}), groups: effective, ...(Object.keys(extra).length ? { extra } : {}) } };
}
