import { describe, expect, it } from "vitest";
import { SchedulerCache } from "../../../src/scheduler/cache";
import { makeNode, makePod } from "./fixtures";

describe("SchedulerCache", () => {
  it("sums the requests, pod count and host ports of the pods on each node", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("a"));
    cache.upsertPod(makePod("p1", { nodeName: "a", cpu: "500m", memory: "1Gi" }));
    cache.upsertPod(makePod("p2", { nodeName: "a", containers: [{ ports: [{ containerPort: 80, hostPort: 8080 }] }] }));
    const a = cache.node("a")!;
    expect(a.requested.milliCpu).toBe(500);
    expect(a.requested.memory).toBe(2 ** 30);
    expect(a.requested.nonZeroMilliCpu).toBe(600);
    expect(a.pods.size).toBe(2);
    expect(a.ports).toEqual([{ ip: "0.0.0.0", protocol: "TCP", port: 8080 }]);
  });

  it("applies updates and deletions without double counting", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("a"));
    cache.upsertNode(makeNode("b"));
    const pod = makePod("p", { cpu: "1" });
    cache.assume(pod, "a");
    cache.upsertPod({ ...pod, spec: { ...pod.spec, nodeName: "a" } });
    expect(cache.node("a")!.requested.milliCpu).toBe(1000);
    cache.upsertPod({ ...pod, spec: { ...pod.spec, nodeName: "b" } });
    expect(cache.node("a")!.requested.milliCpu).toBe(0);
    expect(cache.node("b")!.requested.milliCpu).toBe(1000);
    cache.removePod("default/p");
    expect(cache.node("b")!.requested.milliCpu).toBe(0);
    expect(cache.node("b")!.pods.size).toBe(0);
  });

  it("drops finished pods and pods without a node", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("a"));
    const pod = makePod("p", { nodeName: "a", cpu: "1" });
    cache.upsertPod(pod);
    cache.upsertPod({ ...pod, status: { phase: "Succeeded" } });
    expect(cache.node("a")!.pods.size).toBe(0);
    cache.upsertPod(makePod("q", { cpu: "1" }));
    expect(cache.pod("default/q")).toBeUndefined();
  });

  it("keeps pods that arrive before their node and counts them once it appears", () => {
    const cache = new SchedulerCache();
    cache.upsertPod(makePod("p", { nodeName: "late", cpu: "1" }));
    expect(cache.node("late")).toBeUndefined();
    expect(cache.nodes).toHaveLength(0);
    cache.upsertNode(makeNode("late"));
    expect(cache.node("late")!.requested.milliCpu).toBe(1000);
    cache.removeNode("late");
    expect(cache.nodes).toHaveLength(0);
    expect(cache.pod("default/p")).toBeDefined();
  });

  it("indexes an owner's pods per node and per zone, following label changes", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("a", { labels: { "topology.kubernetes.io/zone": "z1" } }));
    cache.upsertNode(makeNode("b", { labels: { "topology.kubernetes.io/zone": "z2" } }));
    cache.upsertPod(makePod("p1", { nodeName: "a", owner: "rs" }));
    expect(cache.ownerDomains("uid-rs", "topology.kubernetes.io/zone")).toEqual(new Map([["z1", 1]]));
    cache.upsertPod(makePod("p2", { nodeName: "b", owner: "rs" }));
    cache.upsertPod(makePod("p3", { nodeName: "b", owner: "rs" }));
    expect(cache.ownerDomains("uid-rs", "topology.kubernetes.io/zone")).toEqual(new Map([["z1", 1], ["z2", 2]]));
    cache.upsertNode(makeNode("a", { labels: { "topology.kubernetes.io/zone": "z2" } }));
    expect(cache.ownerDomains("uid-rs", "topology.kubernetes.io/zone")).toEqual(new Map([["z2", 3]]));
    const terminating = makePod("p3", { nodeName: "b", owner: "rs" });
    terminating.metadata.deletionTimestamp = "2025-01-01T00:00:00Z";
    cache.upsertPod(terminating);
    expect(cache.ownerNodes("uid-rs")?.get(cache.node("b")!)).toBe(1);
    expect(cache.ownerDomains("uid-rs", "topology.kubernetes.io/zone")).toEqual(new Map([["z2", 2]]));
  });

  it("treats a node that is not Ready as tainted not-ready or unreachable for scheduling", () => {
    const cache = new SchedulerCache();
    cache.upsertNode(makeNode("ok"));
    cache.upsertNode(makeNode("down", { ready: "False" }));
    cache.upsertNode(makeNode("gone", { ready: "Unknown" }));
    cache.upsertNode(makeNode("new", { ready: null }));
    expect(cache.node("ok")!.readinessTaint).toBeUndefined();
    expect(cache.node("down")!.readinessTaint).toEqual({ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" });
    expect(cache.node("gone")!.readinessTaint).toEqual({ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" });
    expect(cache.node("new")!.readinessTaint?.key).toBe("node.kubernetes.io/not-ready");
  });
});
