// A small HTTP client for Worker tests: requests go through the real Worker entry (routing,
// auth, D1, Durable Objects) with the test admin token.
import { exports } from "cloudflare:workers";

export const TOKEN = "test-admin-token";

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${TOKEN}`, ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const res = await exports.default.fetch(new Request(`http://edgeplane.test${path}`, init));
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (health endpoints, YAML): keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const get = <T = Record<string, unknown>>(path: string, headers?: Record<string, string>) => call<T>("GET", path, undefined, headers);
export const post = <T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>) => call<T>("POST", path, body, headers);
export const put = <T = Record<string, unknown>>(path: string, body: unknown) => call<T>("PUT", path, body);
export const del = <T = Record<string, unknown>>(path: string, body?: unknown) => call<T>("DELETE", path, body);
export const patch = <T = Record<string, unknown>>(path: string, body: unknown, type: string) => call<T>("PATCH", path, body, { "content-type": type });

export function configMap(name: string, data: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...extra }, data };
}

/**
 * A new namespace, once its controllers have settled it as in any Kubernetes cluster: the root CA
 * publisher has put kube-root-ca.crt in it (so lists and watches that follow see a fixed state).
 */
export async function namespace(name: string): Promise<void> {
  const r = await post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  if (r.status !== 201) throw new Error(`namespace ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  const deadline = Date.now() + 10_000;
  while ((await get(`/api/v1/namespaces/${name}/configmaps/kube-root-ca.crt`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`namespace ${name}: no kube-root-ca.crt after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Read a watch stream until `count` events arrived or `ms` passed. */
export async function watchEvents(path: string, count: number, ms = 5000, headers: Record<string, string> = {}): Promise<{ type: string; object: Record<string, unknown> }[]> {
  const res = await exports.default.fetch(new Request(`http://edgeplane.test${path}`, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } }));
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { type: string; object: Record<string, unknown> }[] = [];
  let buffer = "";
  const deadline = Date.now() + ms;
  while (events.length < count && Date.now() < deadline) {
    const next = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((r) => setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()))]);
    if (next.done) break;
    buffer += decoder.decode(next.value, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) events.push(JSON.parse(line) as { type: string; object: Record<string, unknown> });
    }
  }
  await reader.cancel().catch(() => {});
  return events;
}
