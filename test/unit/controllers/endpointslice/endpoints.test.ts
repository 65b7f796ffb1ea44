import { describe, expect, it } from "vitest";
import { decideEndpoints, desiredSubsets } from "../../../../src/controllers/endpointslice/endpoints";
import { decideService } from "../../../../src/controllers/endpointslice/decide";
import { findPort } from "../../../../src/controllers/endpointslice/podendpoint";
import { SelectorIndex } from "../../../../src/controllers/endpointslice/selectorindex";
import type { Endpoints, Pod, Service } from "../../../../src/controllers/endpointslice/types";

const svc = (spec: Record<string, unknown> = {}, name = "web"): Service =>
  ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "ns", uid: "svc-uid" },
    spec: { clusterIP: "10.96.0.10", selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }, { name: "metrics", port: 9100, protocol: "TCP", targetPort: 9100 }], ...spec },
  }) as Service;

function pod(name: string, ip: string, ready: boolean, extra: { named?: boolean; deleting?: boolean; labels?: Record<string, string> } = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "ns", uid: `uid-${name}`, labels: extra.labels ?? { app: "web" }, ...(extra.deleting ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}) },
    spec: { nodeName: "n1", containers: [{ name: "c", image: "i", ports: extra.named === false ? [] : [{ name: "http", containerPort: 8080, protocol: "TCP" }] }] },
    status: { phase: "Running", podIP: ip, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  } as Pod;
}

describe("core/v1 Endpoints", () => {
  it("puts ready and not-ready addresses in subsets by the ports they have", () => {
    const { subsets } = desiredSubsets(svc(), [pod("a", "10.0.0.2", true), pod("b", "10.0.0.1", false), pod("c", "10.0.0.3", true, { named: false }), pod("d", "10.0.0.4", true, { deleting: true })]);
    const ref = (n: string) => ({ kind: "Pod", namespace: "ns", name: n, uid: `uid-${n}` });
    expect(subsets).toEqual([
      {
        addresses: [{ ip: "10.0.0.2", nodeName: "n1", targetRef: ref("a") }],
        notReadyAddresses: [{ ip: "10.0.0.1", nodeName: "n1", targetRef: ref("b") }],
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      },
      {
        addresses: [
          { ip: "10.0.0.2", nodeName: "n1", targetRef: ref("a") },
          { ip: "10.0.0.3", nodeName: "n1", targetRef: ref("c") },
        ],
        notReadyAddresses: [{ ip: "10.0.0.1", nodeName: "n1", targetRef: ref("b") }],
        ports: [{ name: "metrics", port: 9100, protocol: "TCP" }],
      },
    ]);
  });

  it("creates the object once and updates it only when it changes", () => {
    const pods = [pod("a", "10.0.0.2", true)];
    const [create] = decideEndpoints(svc(), pods, undefined);
    expect(create).toMatchObject({ type: "create", resource: "endpoints", object: { metadata: { name: "web", namespace: "ns", labels: {} } } });
    const current = { ...(create as { object: Endpoints }).object, metadata: { ...(create as { object: Endpoints }).object.metadata, resourceVersion: "5" } };
    expect(decideEndpoints(svc(), pods, current)).toEqual([]);
    expect(decideEndpoints(svc(), [pod("a", "10.0.0.2", false)], current)).toMatchObject([{ type: "update", object: { metadata: { resourceVersion: "5" } } }]);
  });
});

describe("decideService", () => {
  it("leaves selectorless and ExternalName Services' endpoints alone, and publishes LoadBalancers at the edge", () => {
    expect(decideService({ service: svc({ selector: undefined }), pods: [], slices: [], clusterDomain: "x.test" }).actions).toEqual([]);
    expect(decideService({ service: svc({ type: "ExternalName", externalName: "a.b" }), pods: [], slices: [], clusterDomain: "x.test" }).actions).toEqual([]);
    const lb = decideService({ service: svc({ type: "LoadBalancer", selector: undefined }), pods: [], slices: [], clusterDomain: "x.test" });
    expect(lb.actions).toMatchObject([{ type: "updateStatus", resource: "services", object: { status: { loadBalancer: { ingress: [{ hostname: "web.ns.x.test" }] } } } }]);
    const done = { ...svc({ type: "LoadBalancer", selector: undefined }), status: { loadBalancer: { ingress: [{ hostname: "web.ns.x.test" }] } } };
    expect(decideService({ service: done, pods: [], slices: [], clusterDomain: "x.test" }).actions).toEqual([]);
  });
});

describe("findPort", () => {
  it("resolves numbers, names with their protocol, and restartable init containers", () => {
    const p = pod("a", "10.0.0.2", true);
    (p.spec as Record<string, unknown>).initContainers = [{ name: "side", image: "i", restartPolicy: "Always", ports: [{ name: "side", containerPort: 7000, protocol: "TCP" }] }];
    expect(findPort(p, { port: 80, targetPort: 81 })).toBe(81);
    expect(findPort(p, { port: 80 })).toBe(80);
    expect(findPort(p, { port: 80, targetPort: "http" })).toBe(8080);
    expect(findPort(p, { port: 80, targetPort: "http", protocol: "UDP" })).toBeUndefined();
    expect(findPort(p, { port: 80, targetPort: "side" })).toBe(7000);
  });
});

describe("SelectorIndex", () => {
  it("wakes the Services a pod matches now or matched before, once per relevant change", () => {
    const index = new SelectorIndex();
    index.upsert(svc({}, "web"));
    index.upsert(svc({ selector: { app: "web", tier: "a" } }, "web-a"));
    index.upsert(svc({ selector: { app: "db" } }, "db"));
    index.upsert(svc({ selector: undefined }, "manual"));
    const a = pod("a", "10.0.0.2", false);
    expect(index.servicesFor({ type: "ADDED", object: a })).toEqual(["web"]);
    // Nothing endpoints are made of changed.
    expect(index.servicesFor({ type: "MODIFIED", object: { ...a, status: { ...a.status, containerStatuses: [] } } as Pod })).toEqual([]);
    expect(index.servicesFor({ type: "MODIFIED", object: pod("a", "10.0.0.2", true) })).toEqual(["web"]);
    const moved = pod("a", "10.0.0.2", true, { labels: { app: "db" } });
    expect(index.servicesFor({ type: "MODIFIED", object: moved, prevLabels: { app: "web" } })).toEqual(["db", "web"]);
    index.remove("ns", "db");
    expect(index.servicesFor({ type: "DELETED", object: moved })).toEqual([]);
    expect(index.size).toBe(2);
  });
});
