// Helpers for the auth tests: requests with a given bearer token (or none), service accounts with
// tokens from the TokenRequest API, and RBAC objects.
import { call, post, type Reply } from "../client";

export type Obj = { metadata: Record<string, unknown>; [k: string]: unknown };

export function as(token: string | undefined) {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({ authorization: token ? `Bearer ${token}` : "", ...extra });
  return {
    get: <T = Obj>(path: string) => call<T>("GET", path, undefined, headers()),
    post: <T = Obj>(path: string, body: unknown) => call<T>("POST", path, body, headers()),
    put: <T = Obj>(path: string, body: unknown) => call<T>("PUT", path, body, headers()),
    patch: <T = Obj>(path: string, body: unknown, type = "application/merge-patch+json") => call<T>("PATCH", path, body, headers({ "content-type": type })),
    del: <T = Obj>(path: string) => call<T>("DELETE", path, undefined, headers()),
  };
}

export async function ok<T>(reply: Promise<Reply<T>>, status = 201): Promise<T> {
  const r = await reply;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function namespaceOnce(name: string): Promise<void> {
  const r = await post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  if (r.status !== 201 && r.status !== 409) throw new Error(`namespace ${name}: ${r.status}`);
}

/** A service account and a token for it from the TokenRequest API. */
export async function serviceAccountToken(namespace: string, name: string, spec: Record<string, unknown> = {}): Promise<string> {
  const sa = await post(`/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name } });
  if (sa.status !== 201 && sa.status !== 409) throw new Error(`serviceaccount ${namespace}/${name}: ${sa.status} ${JSON.stringify(sa.body)}`);
  const tr = await ok(post<{ status: { token: string } }>(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec }));
  return tr.status.token;
}

const RBAC = "/apis/rbac.authorization.k8s.io/v1";

export function saSubject(namespace: string, name: string) {
  return { kind: "ServiceAccount", name, namespace };
}

export async function roleBinding(namespace: string, name: string, role: { kind: "Role" | "ClusterRole"; name: string }, subjects: unknown[]): Promise<void> {
  await ok(post(`${RBAC}/namespaces/${namespace}/rolebindings`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...role }, subjects }));
}

export async function clusterRoleBinding(name: string, role: string, subjects: unknown[]): Promise<void> {
  await ok(post(`${RBAC}/clusterrolebindings`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role }, subjects }));
}

export async function role(namespace: string, name: string, rules: unknown[]): Promise<void> {
  await ok(post(`${RBAC}/namespaces/${namespace}/roles`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name }, rules }));
}

export function pod(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: "busybox" }], ...spec } };
}

export { RBAC };
