// The EndpointSlice and Endpoints controllers through the real Worker: pods are played by
// patching their status (address, readiness) as an agent would.
import { describe, expect, it } from "vitest";
import { del, get, namespace, patch, post } from "./client";

interface Endpoint {
  addresses: string[];
  conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
  targetRef?: { name: string };
  nodeName?: string;
}
interface Slice {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
  addressType: string;
  endpoints?: Endpoint[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}
interface Subset {
  addresses?: { ip: string }[];
  notReadyAddresses?: { ip: string }[];
  ports?: { name?: string; port: number }[];
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    last = await read();
  }
  return last;
}

// Bound to a node from the start, so the scheduler leaves them alone.
const pod = (name: string, labels: Record<string, string>, port = 8080) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels },
  spec: { nodeName: "node-1", containers: [{ name: "web", image: "httpd", ports: [{ name: "http", containerPort: port }] }] },
});

async function setStatus(ns: string, name: string, ip: string, ready: boolean): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const status = {
    phase: "Running",
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [
      { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: now },
      { type: "ContainersReady", status: ready ? "True" : "False", lastTransitionTime: now },
    ],
  };
  const r = await patch(`/api/v1/namespaces/${ns}/pods/${name}/status`, { status }, "application/merge-patch+json");
  if (r.status !== 200) throw new Error(`status of ${name}: ${r.status} ${JSON.stringify(r.body)}`);
}

const slicesOf = async (ns: string, svc: string) =>
  (await get<{ items: Slice[] }>(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${svc}`)).body.items;
const endpointsOf = (slices: Slice[]) => slices.flatMap((s) => s.endpoints ?? []);
const readyIPs = (slices: Slice[]) => endpointsOf(slices).filter((e) => e.conditions.ready).flatMap((e) => e.addresses).sort();

describe("endpoint slices", () => {
  it("follow the pods a Service selects, their readiness and their named ports", async () => {
    const ns = "eps-follow";
    await namespace(ns);
    await post(`/api/v1/namespaces/${ns}/pods`, pod("a", { app: "web" }, 8080));
    await post(`/api/v1/namespaces/${ns}/pods`, pod("b", { app: "web" }, 9090));
    await post(`/api/v1/namespaces/${ns}/pods`, pod("other", { app: "db" }));
    const svc = await post(`/api/v1/namespaces/${ns}/services`, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", labels: { tier: "front" } },
      spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    });
    expect(svc.status).toBe(201);

    // No pod has an address yet: a placeholder slice.
    const placeholder = await eventually(() => slicesOf(ns, "web"), (s) => s.length === 1);
    expect(placeholder[0]).toMatchObject({ addressType: "IPv4", metadata: { labels: { tier: "front", "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" } } });
    expect(placeholder[0].endpoints ?? []).toEqual([]);
    expect(placeholder[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: "Service", name: "web", controller: true });

    await setStatus(ns, "a", "10.88.0.10", false);
    await setStatus(ns, "b", "10.88.0.11", false);
    await setStatus(ns, "other", "10.88.0.12", true);
    const two = await eventually(() => slicesOf(ns, "web"), (s) => endpointsOf(s).length === 2);
    // Each pod's named port resolves to its own number: two groups of ports, two slices.
    expect(two.map((s) => s.ports?.[0].port).sort()).toEqual([8080, 9090]);
    expect(endpointsOf(two).every((e) => e.conditions.ready === false && e.conditions.serving === false)).toBe(true);

    const started = Date.now();
    await setStatus(ns, "a", "10.88.0.10", true);
    const ready = await eventually(() => slicesOf(ns, "web"), (s) => readyIPs(s).length === 1, 2000);
    expect(readyIPs(ready)).toEqual(["10.88.0.10"]);
    expect(Date.now() - started).toBeLessThan(1000);

    const ep = await eventually(
      () => get<{ subsets?: Subset[] }>(`/api/v1/namespaces/${ns}/endpoints/web`),
      (r) => (r.body.subsets ?? []).some((s) => s.addresses?.length),
    );
    const subsets = ep.body.subsets ?? [];
    expect(subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip))).toEqual(["10.88.0.10"]);
    expect(subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip))).toEqual(["10.88.0.11"]);

    // A relabelled pod leaves the Service.
    await patch(`/api/v1/namespaces/${ns}/pods/a`, { metadata: { labels: { app: "gone" } } }, "application/merge-patch+json");
    const left = await eventually(() => slicesOf(ns, "web"), (s) => endpointsOf(s).length === 1);
    expect(endpointsOf(left)[0].addresses).toEqual(["10.88.0.11"]);

    // A pod on a node stops gracefully: while it does, its endpoint is terminating and not ready.
    await setStatus(ns, "b", "10.88.0.11", true);
    await eventually(() => slicesOf(ns, "web"), (s) => readyIPs(s).length === 1);
    expect((await del(`/api/v1/namespaces/${ns}/pods/b`)).status).toBe(200);
    const terminating = await eventually(() => slicesOf(ns, "web"), (s) => endpointsOf(s)[0]?.conditions.terminating === true);
    expect(endpointsOf(terminating)[0]).toMatchObject({ nodeName: "node-1", conditions: { ready: false, serving: true, terminating: true } });
    const gone = await eventually(
      () => get<{ subsets?: Subset[] }>(`/api/v1/namespaces/${ns}/endpoints/web`),
      (r) => (r.body.subsets ?? []).length === 0,
    );
    expect(gone.body.subsets ?? []).toEqual([]);
  });

  it("pack at most 100 endpoints per slice", async () => {
    const ns = "eps-pack";
    await namespace(ns);
    await post(`/api/v1/namespaces/${ns}/services`, { apiVersion: "v1", kind: "Service", metadata: { name: "big" }, spec: { selector: { app: "big" }, ports: [{ port: 80 }] } });
    const n = 230;
    await Promise.all(
      Array.from({ length: 10 }, async (_, w) => {
        for (let i = w; i < n; i += 10) {
          await post(`/api/v1/namespaces/${ns}/pods`, pod(`p${i}`, { app: "big" }));
          await setStatus(ns, `p${i}`, `10.88.${Math.floor(i / 200) + 1}.${(i % 200) + 1}`, true);
        }
      }),
    );
    const slices = await eventually(() => slicesOf(ns, "big"), (s) => readyIPs(s).length === n, 20000);
    expect(readyIPs(slices)).toHaveLength(n);
    expect(slices.every((s) => (s.endpoints ?? []).length <= 100)).toBe(true);
    expect(slices).toHaveLength(3);
  });

  it("go with their Service; a LoadBalancer gets its edge hostname", async () => {
    const ns = "eps-lb";
    await namespace(ns);
    await post(`/api/v1/namespaces/${ns}/pods`, pod("x", { app: "lb" }));
    await setStatus(ns, "x", "10.88.0.30", true);
    await post(`/api/v1/namespaces/${ns}/services`, { apiVersion: "v1", kind: "Service", metadata: { name: "edge" }, spec: { type: "LoadBalancer", selector: { app: "lb" }, ports: [{ port: 80, targetPort: 8080 }] } });
    const lb = await eventually(
      () => get<{ status?: { loadBalancer?: { ingress?: { hostname?: string }[] } } }>(`/api/v1/namespaces/${ns}/services/edge`),
      (r) => Boolean(r.body.status?.loadBalancer?.ingress?.length),
    );
    expect(lb.body.status?.loadBalancer?.ingress).toEqual([{ hostname: "edge.eps-lb.edgeplane.local" }]);
    await eventually(() => slicesOf(ns, "edge"), (s) => readyIPs(s).length === 1);
    await eventually(() => get(`/api/v1/namespaces/${ns}/endpoints/edge`), (r) => r.status === 200);

    expect((await del(`/api/v1/namespaces/${ns}/services/edge`)).status).toBe(200);
    expect(await eventually(() => slicesOf(ns, "edge"), (s) => s.length === 0)).toEqual([]);
    expect((await eventually(() => get(`/api/v1/namespaces/${ns}/endpoints/edge`), (r) => r.status === 404)).status).toBe(404);
  });
});
