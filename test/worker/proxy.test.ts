// The proxy's routing in workerd: services/proxy, pods/proxy and LoadBalancer hostnames, with
// the network played by a stand-in dialer (workerd tests cannot reach a server of their own;
// real traffic is the end-to-end tests').
import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replaceDialForTests, type Outbound, type Upstream } from "../../src/services/dial";
import { TOKEN, get, namespace, patch, post } from "./client";

const NS = "proxy";
const calls: { upstream: Upstream; request: Outbound }[] = [];
const down = new Set<string>();
let answer: (u: Upstream) => Response = (u) => new Response(u.ip);

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    last = await read();
  }
  return last;
}

async function readyPod(name: string, ip: string, labels: Record<string, string>): Promise<void> {
  await post(`/api/v1/namespaces/${NS}/pods`, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { nodeName: "node-1", containers: [{ name: "web", image: "httpd", ports: [{ name: "http", containerPort: 8080 }] }] },
  });
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const status = { phase: "Running", podIP: ip, podIPs: [{ ip }], conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }] };
  await patch(`/api/v1/namespaces/${NS}/pods/${name}/status`, { status }, "application/merge-patch+json");
}

async function service(name: string, spec: Record<string, unknown>): Promise<void> {
  const r = await post(`/api/v1/namespaces/${NS}/services`, { apiVersion: "v1", kind: "Service", metadata: { name }, spec: { ports: [{ name: "http", port: 80, targetPort: "http" }], ...spec } });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
}

async function endpointsReady(name: string, count: number): Promise<void> {
  await eventually(
    () => get<{ subsets?: { addresses?: unknown[] }[] }>(`/api/v1/namespaces/${NS}/endpoints/${name}`),
    (r) => (r.body.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0) === count,
  );
  // The proxy remembers Endpoints for half a second.
  await new Promise((r) => setTimeout(r, 600));
}

/** A request through the Worker, as a client would send it (with the API token unless `anonymous`). */
async function send(path: string, init: RequestInit & { anonymous?: boolean; host?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!init.anonymous) headers.set("authorization", `Bearer ${TOKEN}`);
  if (init.host) headers.set("host", init.host);
  return exports.default.fetch(new Request(`http://${init.host ?? "edgeplane.test"}${path}`, { ...init, headers, redirect: "manual" }));
}

beforeAll(async () => {
  replaceDialForTests(async (upstream, request) => {
    calls.push({ upstream, request });
    if (down.has(upstream.ip)) throw new Error(`dial tcp ${upstream.ip}:${upstream.port}: connect: connection refused`);
    return answer(upstream);
  });
  await namespace(NS);
  await readyPod("a", "10.88.1.1", { app: "web" });
  await readyPod("b", "10.88.1.2", { app: "web" });
  await service("web", { selector: { app: "web" } });
  await service("sticky", { selector: { app: "web" }, sessionAffinity: "ClientIP" });
  await service("edge", { selector: { app: "web" }, type: "LoadBalancer" });
  await service("empty", { selector: { app: "nobody" } });
  await Promise.all([endpointsReady("web", 2), endpointsReady("sticky", 2), endpointsReady("edge", 2)]);
});

afterAll(() => replaceDialForTests(undefined));

describe("services/proxy", () => {
  it("balances requests evenly over the ready endpoints, path and query as sent, without the API token", async () => {
    calls.length = 0;
    const seen: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      const res = await send(`/api/v1/namespaces/${NS}/services/web:80/proxy/hello/there/?x=1&y=%2F`);
      expect(res.status).toBe(200);
      const ip = await res.text();
      seen[ip] = (seen[ip] ?? 0) + 1;
    }
    expect(seen).toEqual({ "10.88.1.1": 50, "10.88.1.2": 50 });
    expect(calls[0].upstream).toMatchObject({ scheme: "http", port: 8080, path: "/hello/there/", search: "?x=1&y=%2F", nodeName: "node-1" });
    expect(calls[0].request.headers.get("authorization")).toBeNull();
    expect(calls[0].request.headers.get("x-forwarded-for")).not.toBeNull();
  });

  it("names the port by name or number, and answers 503 with a Status when nothing is ready", async () => {
    expect((await send(`/api/v1/namespaces/${NS}/services/web:http/proxy/`)).status).toBe(200);
    expect((await send(`/api/v1/namespaces/${NS}/services/web/proxy/`)).status).toBe(200);
    const none = await send(`/api/v1/namespaces/${NS}/services/empty/proxy/`);
    expect(none.status).toBe(503);
    expect(await none.json()).toMatchObject({ kind: "Status", reason: "ServiceUnavailable", message: 'no endpoints available for service "empty"' });
    const port = await send(`/api/v1/namespaces/${NS}/services/web:81/proxy/`);
    expect(await port.json()).toMatchObject({ code: 503, message: 'no service port 81 found for service "web"' });
    expect((await send(`/api/v1/namespaces/${NS}/services/nope/proxy/`)).status).toBe(404);
  });

  it("tries another endpoint when one cannot be reached, for idempotent requests only", async () => {
    down.add("10.88.1.1");
    try {
      for (let i = 0; i < 6; i++) expect(await (await send(`/api/v1/namespaces/${NS}/services/web:80/proxy/`)).text()).toBe("10.88.1.2");
      const posts = await Promise.all(Array.from({ length: 6 }, () => send(`/api/v1/namespaces/${NS}/services/web:80/proxy/`, { method: "POST", body: "x" })));
      const statuses = posts.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 503, 503, 503]);
      const failed = posts.find((r) => r.status === 503)!;
      expect((await failed.json()) as { message: string }).toMatchObject({ message: "error trying to reach service: dial tcp 10.88.1.1:8080: connect: connection refused" });
    } finally {
      down.clear();
    }
  });

  it("keeps a client on its endpoint with ClientIP affinity", async () => {
    const from = async (client: string) => (await send(`/api/v1/namespaces/${NS}/services/sticky:80/proxy/`, { headers: { "cf-connecting-ip": client } })).text();
    for (const client of ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]) {
      const first = await from(client);
      for (let i = 0; i < 5; i++) expect(await from(client)).toBe(first);
    }
    const homes = new Set(await Promise.all(Array.from({ length: 20 }, (_, i) => from(`198.51.100.${i}`))));
    expect(homes.size).toBe(2);
  });

  it("keeps redirects to the backend's own paths under the proxy, and sends /proxy to /proxy/", async () => {
    answer = () => new Response(null, { status: 302, headers: { location: "/login?next=%2F" } });
    try {
      const res = await send(`/api/v1/namespaces/${NS}/services/web:80/proxy/admin`);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`/api/v1/namespaces/${NS}/services/web:80/proxy/login?next=%2F`);
    } finally {
      answer = (u) => new Response(u.ip);
    }
    const bare = await send(`/api/v1/namespaces/${NS}/services/web:80/proxy?q=1`);
    expect(bare.status).toBe(301);
    expect(bare.headers.get("location")).toBe(`/api/v1/namespaces/${NS}/services/web:80/proxy/?q=1`);
  });

  it("needs the API's credentials", async () => {
    // Unauthenticated (401) or anonymous and not allowed (403), depending on the authenticator.
    expect([401, 403]).toContain((await send(`/api/v1/namespaces/${NS}/services/web:80/proxy/`, { anonymous: true })).status);
  });
});

describe("pods/proxy", () => {
  it("reaches the pod on the port asked for, or its first container port", async () => {
    calls.length = 0;
    expect(await (await send(`/api/v1/namespaces/${NS}/pods/a:9000/proxy/metrics`)).text()).toBe("10.88.1.1");
    expect((await send(`/api/v1/namespaces/${NS}/pods/b/proxy/`)).status).toBe(200);
    expect(calls.map((c) => [c.upstream.ip, c.upstream.port, c.upstream.path])).toEqual([
      ["10.88.1.1", 9000, "/metrics"],
      ["10.88.1.2", 8080, "/"],
    ]);
  });

  it("refuses a pod without an address", async () => {
    await post(`/api/v1/namespaces/${NS}/pods`, { apiVersion: "v1", kind: "Pod", metadata: { name: "fresh" }, spec: { containers: [{ name: "c", image: "i" }] } });
    const res = await send(`/api/v1/namespaces/${NS}/pods/fresh/proxy/`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ reason: "BadRequest", message: "address not allowed" });
  });
});

describe("the edge", () => {
  it("publishes LoadBalancer Services at their hostname, without credentials, balanced", async () => {
    const svc = await eventually(
      () => get<{ status?: { loadBalancer?: { ingress?: { hostname: string }[] } } }>(`/api/v1/namespaces/${NS}/services/edge`),
      (r) => Boolean(r.body.status?.loadBalancer?.ingress),
    );
    const host = svc.body.status!.loadBalancer!.ingress![0].hostname;
    expect(host).toBe(`edge.${NS}.edgeplane.local`);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const res = await send("/any/path?q=1", { anonymous: true, host });
      expect(res.status).toBe(200);
      seen.add(await res.text());
    }
    expect(seen.size).toBe(2);
    expect(calls.at(-1)?.upstream).toMatchObject({ path: "/any/path", search: "?q=1", port: 8080 });
  });

  it("publishes nothing else", async () => {
    const res = await send("/", { anonymous: true, host: `web.${NS}.edgeplane.local` });
    expect(res.status).toBe(404);
    // Not a {name}.{namespace} hostname: the API answers it.
    expect([401, 403]).toContain((await send(`/api/v1/namespaces/${NS}/services`, { anonymous: true, host: `a.b.c.edgeplane.local` })).status);
  });
});
