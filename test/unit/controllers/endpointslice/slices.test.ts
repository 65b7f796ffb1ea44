import { describe, expect, it } from "vitest";
import { decideSlices, endpointKey, SLICES } from "../../../../src/controllers/endpointslice/slices";
import type { Endpoint, EndpointSlice, Pod, Service } from "../../../../src/controllers/endpointslice/types";
import type { Action } from "../../../../src/controllers/types";

const svc: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "ns", uid: "svc-uid", labels: { team: "a" } },
  spec: { clusterIP: "10.96.0.10", selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }] },
};

function pod(i: number, opts: { ready?: boolean; port?: number; deleting?: boolean; phase?: string; ip?: string } = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `p${i}`, namespace: "ns", uid: `uid-${i}`, labels: { app: "web" }, ...(opts.deleting ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}) },
    spec: { nodeName: "n1", containers: [{ name: "c", image: "i", ports: [{ name: "http", containerPort: opts.port ?? 8080, protocol: "TCP" }] }] },
    status: {
      phase: opts.phase ?? "Running",
      ...(opts.ip === "" ? {} : { podIP: opts.ip ?? `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}` }),
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
    },
  } as Pod;
}

/** Applies the actions to a list of slices, as the store would (names for creates). */
function apply(slices: EndpointSlice[], actions: Action[]): EndpointSlice[] {
  let out = [...slices];
  let n = slices.length;
  for (const a of actions) {
    if (a.type === "create") out.push({ ...(a.object as EndpointSlice), metadata: { ...a.object.metadata, name: `web-${n++}`, uid: `s${n}` } });
    if (a.type === "update") out = out.map((s) => (s.metadata.name === a.object.metadata.name ? (a.object as EndpointSlice) : s));
    if (a.type === "delete") out = out.filter((s) => s.metadata.name !== a.name);
  }
  return out;
}

const all = (slices: EndpointSlice[]) => slices.flatMap((s) => s.endpoints ?? []);

describe("decideSlices", () => {
  it("makes a placeholder slice for a Service with no endpoints", () => {
    const actions = decideSlices(svc, [pod(1, { ip: "" })], []);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      type: "create",
      resource: SLICES,
      object: {
        addressType: "IPv4",
        endpoints: [],
        metadata: {
          generateName: "web-",
          labels: { team: "a", "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" },
          ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "web", uid: "svc-uid", controller: true, blockOwnerDeletion: true }],
        },
      },
    });
    expect(decideSlices(svc, [], apply([], actions))).toEqual([]);
  });

  it("describes each pod with its conditions, node and resolved port", () => {
    const [create] = decideSlices(svc, [pod(1), pod(2, { ready: false }), pod(3, { deleting: true }), pod(4, { phase: "Succeeded" })], []);
    const slice = (create as { object: EndpointSlice }).object;
    expect(slice.ports).toEqual([{ name: "http", protocol: "TCP", port: 8080 }]);
    expect(slice.endpoints).toEqual([
      { addresses: ["10.0.0.2"], conditions: { ready: true, serving: true, terminating: false }, nodeName: "n1", targetRef: { kind: "Pod", namespace: "ns", name: "p1", uid: "uid-1" } },
      { addresses: ["10.0.0.3"], conditions: { ready: false, serving: false, terminating: false }, nodeName: "n1", targetRef: { kind: "Pod", namespace: "ns", name: "p2", uid: "uid-2" } },
      { addresses: ["10.0.0.4"], conditions: { ready: false, serving: true, terminating: true }, nodeName: "n1", targetRef: { kind: "Pod", namespace: "ns", name: "p3", uid: "uid-3" } },
    ] satisfies Endpoint[]);
  });

  it("packs at most 100 endpoints to a slice, one group of slices per resolved port", () => {
    const pods = [...Array.from({ length: 250 }, (_, i) => pod(i)), pod(900, { port: 9090 })];
    const slices = apply([], decideSlices(svc, pods, []));
    expect(slices.map((s) => [s.ports?.[0].port, s.endpoints?.length])).toEqual([
      [8080, 100],
      [8080, 100],
      [8080, 50],
      [9090, 1],
    ]);
    expect(decideSlices(svc, pods, slices)).toEqual([]);
  });

  it("changes only the slice a pod is in, and fills room before making slices", () => {
    const pods = Array.from({ length: 150 }, (_, i) => pod(i));
    const slices = apply([], decideSlices(svc, pods, []));
    pods[120] = pod(120, { ready: false });
    const actions = decideSlices(svc, pods, slices);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ type: "update", object: { metadata: { name: "web-1" } } });
    // 20 more pods: they go into the slice with room rather than into a new one.
    const more = [...pods, ...Array.from({ length: 20 }, (_, i) => pod(500 + i))];
    const next = decideSlices(svc, more, apply(slices, actions));
    expect(next.map((a) => a.type)).toEqual(["update"]);
    expect(all(apply(apply(slices, actions), next)).map(endpointKey).sort()).toEqual(more.map((p) => p.metadata.uid).sort());
  });

  it("deletes slices left empty and slices of ports no pod has any more", () => {
    const pods = [pod(1), pod(2, { port: 9090 })];
    const slices = apply([], decideSlices(svc, pods, []));
    const actions = decideSlices(svc, [pod(1)], slices);
    expect(actions).toEqual([{ type: "delete", resource: SLICES, namespace: "ns", name: "web-1", uid: "s2" }]);
    // No endpoints at all: the last slice becomes the placeholder.
    const last = decideSlices(svc, [], apply(slices, actions));
    expect(last).toMatchObject([{ type: "update", object: { endpoints: [] } }]);
    expect((last[0] as { object: EndpointSlice }).object).not.toHaveProperty("ports");
  });

  it("labels headless Services' slices and follows the Service's labels", () => {
    const headless: Service = { ...svc, metadata: { ...svc.metadata, labels: { team: "b" } }, spec: { ...svc.spec, clusterIP: "None" } };
    const slices = apply([], decideSlices(svc, [pod(1)], []));
    const [update] = decideSlices(headless, [pod(1)], slices);
    expect(update).toMatchObject({ type: "update", object: { metadata: { labels: { team: "b", "service.kubernetes.io/headless": "" } } } });
  });
});
