import { describe, expect, it } from "vitest";
import { fitErrorMessage, numFeasibleNodesToFind, schedule, scheduleBatch } from "../../../src/scheduler/schedule";
import { SchedulerCache } from "../../../src/scheduler/cache";
import type { PodLike } from "../../../src/scheduler/types";
import { cacheWith, firstOfTies, makeNode, makePod } from "./fixtures";

const opts = { random: firstOfTies };

describe("FitError message", () => {
  it("reproduces kube-scheduler's wording and counts", () => {
    const cache = cacheWith([
      makeNode("n1", { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2025-01-01T00:00:00Z" }] }),
      makeNode("n2", { cpu: "1" }),
      makeNode("n3", { cpu: "1" }),
    ]);
    expect(schedule(makePod("p", { cpu: "2" }), cache, opts)).toEqual({
      unschedulable: "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 Insufficient cpu.",
    });
  });

  it("counts every reason of a node and sorts the entries as strings", () => {
    const reasons = new Map([
      ["node(s) were unschedulable", 10],
      ["Insufficient cpu", 2],
    ]);
    expect(fitErrorMessage(12, reasons)).toBe("0/12 nodes are available: 10 node(s) were unschedulable, 2 Insufficient cpu.");
    const cache = cacheWith([makeNode("n1", { cpu: "1", memory: "1Gi" })]);
    expect(schedule(makePod("p", { cpu: "2", memory: "2Gi" }), cache, opts)).toEqual({
      unschedulable: "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.",
    });
  });

  it("says so when there are no nodes", () => {
    expect(schedule(makePod("p"), new SchedulerCache())).toEqual({ unschedulable: "no nodes available to schedule pods" });
  });

  it("reports the nodes a DaemonSet pod's affinity leaves out as NodeAffinity's", () => {
    const cache = cacheWith([makeNode("n1"), makeNode("n2", { cpu: "1" }), makeNode("n3")]);
    const pod = makePod("ds", {
      cpu: "2",
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n2"] }] }] },
          },
        },
      },
    });
    expect(schedule(pod, cache, opts)).toEqual({
      unschedulable: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    });
    expect(schedule({ ...pod, spec: { ...pod.spec, containers: [{}] } }, cache, opts)).toEqual({ node: "n2" });
  });

  it("reports terms that pin no node as a PreFilter conflict", () => {
    const cache = cacheWith([makeNode("n1"), makeNode("n2")]);
    const names = (...values: string[]) => ({ key: "metadata.name", operator: "In", values });
    const pod = makePod("p", {
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [names("n1"), names("n2")] }] } } } },
    });
    expect(schedule(pod, cache, opts)).toEqual({ unschedulable: "0/2 nodes are available: pod affinity terms conflict." });
  });

  it("uses the readiness and cordon reasons", () => {
    const cache = cacheWith([makeNode("n1", { ready: "False" }), makeNode("n2", { unschedulable: true }), makeNode("n3", { labels: { disk: "hdd" } })]);
    expect(schedule(makePod("p", { spec: { nodeSelector: { disk: "ssd" } } }), cache, opts)).toEqual({
      unschedulable:
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable.",
    });
  });
});

describe("percentageOfNodesToScore", () => {
  it.each([
    [50, 0, 50],
    [100, 0, 100],
    [1000, 0, 420],
    [5000, 0, 500],
    [6000, 0, 300],
    [10000, 0, 500],
    [1000, 30, 300],
    [1000, 1, 100],
    [1000, 100, 1000],
  ])("%i nodes at %i%% → %i", (nodes, pct, expected) => {
    expect(numFeasibleNodesToFind(nodes, pct)).toBe(expected);
  });

  it("examines only a rotating sample of a large cluster", () => {
    const cache = cacheWith(Array.from({ length: 5000 }, (_, i) => makeNode(`n${i}`)));
    const first = schedule(makePod("p1"), cache, opts);
    expect(cache.nextStartIndex).toBe(500);
    const second = schedule(makePod("p2"), cache, opts);
    expect(cache.nextStartIndex).toBe(1000);
    // Both pods found the same (empty) nodes equally good; the second looked at other nodes.
    expect(first).not.toEqual(second);
  });
});

describe("schedule", () => {
  it("prefers the least allocated node", () => {
    const cache = cacheWith([makeNode("a"), makeNode("b"), makeNode("c")], [makePod("x", { nodeName: "a", cpu: "3" }), makePod("y", { nodeName: "c", cpu: "1" })]);
    expect(schedule(makePod("p", { cpu: "500m", memory: "1Gi" }), cache, opts)).toEqual({ node: "b" });
  });

  it("honours DoNotSchedule topology spread constraints", () => {
    const zone = (z: string) => ({ labels: { "topology.kubernetes.io/zone": z } });
    const spread = {
      labels: { app: "web" },
      spec: {
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } } }],
      },
    };
    const cache = cacheWith(
      [makeNode("a1", { ...zone("a"), cpu: "8" }), makeNode("b1", { ...zone("b"), cpu: "1" }), makeNode("none")],
      [makePod("w1", { nodeName: "a1", labels: { app: "web" } })],
    );
    // a1 is far emptier, but a second pod in zone a would make the skew 2.
    expect(schedule(makePod("w2", spread), cache, opts)).toEqual({ node: "b1" });
    cache.upsertNode(makeNode("b1", { ...zone("b"), cpu: "1", unschedulable: true }));
    expect(schedule(makePod("w2", spread), cache, opts)).toEqual({
      unschedulable:
        "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) didn't match pod topology spread constraints (missing required label), 1 node(s) were unschedulable.",
    });
  });
});

describe("scheduleBatch", () => {
  it("never overcommits a node", () => {
    const cache = cacheWith([makeNode("a", { cpu: "2" }), makeNode("b", { cpu: "2" }), makeNode("c", { cpu: "2" })]);
    const pods = Array.from({ length: 10 }, (_, i) => makePod(`p${i}`, { cpu: "1", owner: "rs" }));
    const results = scheduleBatch(pods, cache, opts);
    const placed = results.filter((r) => "node" in r);
    expect(placed).toHaveLength(6);
    for (const n of cache.nodes) expect(n.requested.milliCpu).toBe(2000);
    expect(results.filter((r) => "unschedulable" in r)).toEqual(Array(4).fill({ unschedulable: "0/3 nodes are available: 3 Insufficient cpu." }));
  });

  it("spreads one owner's pods across nodes", () => {
    const cache = cacheWith(["a", "b", "c"].map((n) => makeNode(n)));
    scheduleBatch(
      Array.from({ length: 9 }, (_, i) => makePod(`p${i}`, { owner: "rs" })),
      cache,
      opts,
    );
    expect(cache.nodes.map((n) => n.pods.size)).toEqual([3, 3, 3]);
  });

  it("places higher priority pods first and returns results in input order", () => {
    const cache = cacheWith([makeNode("a", { cpu: "1" })]);
    const pods: PodLike[] = [
      makePod("low", { cpu: "1", priority: 0, created: "2025-01-01T00:00:00Z" }),
      makePod("high", { cpu: "1", priority: 1000, created: "2025-01-02T00:00:00Z" }),
    ];
    expect(scheduleBatch(pods, cache, opts)).toEqual([{ unschedulable: "0/1 nodes are available: 1 Insufficient cpu." }, { node: "a" }]);
  });

  it("answers pods like one that just failed from memory, until a placement changes the cluster", () => {
    const cache = cacheWith([makeNode("a", { cpu: "2", pods: 2 })], [makePod("old", { nodeName: "a" })]);
    const big = (name: string) => makePod(name, { cpu: "3", owner: "rs" });
    const results = scheduleBatch([big("b1"), big("b2"), makePod("small"), big("b3")], cache, opts);
    expect(results).toEqual([
      { unschedulable: "0/1 nodes are available: 1 Insufficient cpu." },
      { unschedulable: "0/1 nodes are available: 1 Insufficient cpu." },
      { node: "a" },
      { unschedulable: "0/1 nodes are available: 1 Insufficient cpu, 1 Too many pods." },
    ]);
  });

  it("keeps host ports exclusive within a batch", () => {
    const cache = cacheWith([makeNode("a"), makeNode("b")]);
    const pods = ["x", "y", "z"].map((n) => makePod(n, { containers: [{ ports: [{ containerPort: 80, hostPort: 80 }] }] }));
    const results = scheduleBatch(pods, cache, opts);
    expect(results.slice(0, 2).map((r) => ("node" in r ? r.node : "")).sort()).toEqual(["a", "b"]);
    expect(results[2]).toEqual({ unschedulable: "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports." });
  });
});
