import { describe, expect, it } from "vitest";
import { preparePod } from "../../../src/scheduler/podinfo";
import {
  balancedAllocationScore,
  defaultNormalize,
  leastAllocatedScore,
  nodeAffinityRawScore,
  scoreNodes,
  taintRawScore,
} from "../../../src/scheduler/scores";
import { normalizeSpread, prepareSpreadScore, spreadRawScore } from "../../../src/scheduler/spread";
import { cacheWith, makeNode, makePod } from "./fixtures";

describe("LeastAllocated", () => {
  it("averages the free share of cpu and memory after placing the pod", () => {
    const cache = cacheWith([makeNode("busy"), makeNode("idle")], [makePod("old", { nodeName: "busy", cpu: "1", memory: "2Gi" })]);
    const pod = preparePod(makePod("new", { cpu: "1", memory: "2Gi" }));
    expect(leastAllocatedScore(pod, cache.node("busy")!)).toBe(50);
    expect(leastAllocatedScore(pod, cache.node("idle")!)).toBe(75);
  });

  it("counts 100m and 200Mi for a pod that requests nothing", () => {
    const cache = cacheWith([makeNode("n")]);
    // cpu (4000 − 100) × 100 / 4000 = 97; memory (8192Mi − 200Mi) × 100 / 8192Mi = 97.
    expect(leastAllocatedScore(preparePod(makePod("be")), cache.node("n")!)).toBe(97);
  });
});

describe("BalancedAllocation", () => {
  it("prefers nodes whose cpu and memory fractions are close", () => {
    const cache = cacheWith([makeNode("n")]);
    // Fractions 0.25 and 0.5: 100 × (1 − 0.125) = 87.
    expect(balancedAllocationScore(preparePod(makePod("p", { cpu: "1", memory: "4Gi" })), cache.node("n")!)).toBe(87);
    expect(balancedAllocationScore(preparePod(makePod("p", { cpu: "2", memory: "4Gi" })), cache.node("n")!)).toBe(100);
  });

  it("skips BestEffort pods", () => {
    const cache = cacheWith([makeNode("n")]);
    expect(balancedAllocationScore(preparePod(makePod("be")), cache.node("n")!)).toBe(0);
  });
});

describe("NodeAffinity and TaintToleration scores", () => {
  it("sums the weights of matching preferred terms and normalises by the best", () => {
    const cache = cacheWith([makeNode("a"), makeNode("b", { labels: { disk: "ssd" } }), makeNode("c", { labels: { disk: "ssd", gpu: "yes" } })]);
    const pod = preparePod(
      makePod("p", {
        spec: {
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 5, preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] } },
                { weight: 5, preference: { matchExpressions: [{ key: "gpu", operator: "Exists" }] } },
                { weight: 0, preference: { matchExpressions: [{ key: "disk", operator: "Exists" }] } },
              ],
            },
          },
        },
      }),
    );
    const raw = ["a", "b", "c"].map((n) => nodeAffinityRawScore(pod, cache.node(n)!));
    expect(raw).toEqual([0, 5, 10]);
    defaultNormalize(raw, false);
    expect(raw).toEqual([0, 50, 100]);
  });

  it("counts untolerated PreferNoSchedule taints, fewer being better", () => {
    const soft = (key: string) => ({ key, effect: "PreferNoSchedule" });
    const cache = cacheWith([makeNode("a"), makeNode("b", { taints: [soft("x")] }), makeNode("c", { taints: [soft("x"), soft("y")] })]);
    const pod = preparePod(makePod("p", { spec: { tolerations: [{ key: "y", operator: "Exists", effect: "NoSchedule" }] } }));
    const raw = ["a", "b", "c"].map((n) => taintRawScore(pod, cache.node(n)!));
    // The NoSchedule toleration does not count for PreferNoSchedule taints.
    expect(raw).toEqual([0, 1, 2]);
    defaultNormalize(raw, true);
    expect(raw).toEqual([100, 50, 0]);
    const tolerant = preparePod(makePod("p", { spec: { tolerations: [{ key: "y", operator: "Exists" }] } }));
    expect(taintRawScore(tolerant, cache.node("c")!)).toBe(1);
  });
});

describe("PodTopologySpread score", () => {
  it("spreads an owner's pods by hostname with the system default constraints", () => {
    const cache = cacheWith(
      [makeNode("a"), makeNode("b"), makeNode("c")],
      [makePod("p1", { nodeName: "a", owner: "rs" }), makePod("p2", { nodeName: "a", owner: "rs" }), makePod("p3", { nodeName: "c", owner: "rs" })],
    );
    const pod = preparePod(makePod("new", { owner: "rs" }));
    const nodes = cache.nodes;
    const state = prepareSpreadScore(cache, pod, nodes)!;
    // Weight ln(3 + 2); counts 2, 0, 1 plus maxSkew − 1 = 2: raw 5, 2, 4.
    const scores = nodes.map((n) => spreadRawScore(state, n));
    expect(scores).toEqual([5, 2, 4]);
    normalizeSpread(state, nodes, scores);
    expect(scores).toEqual([40, 100, 60]);
  });

  it("counts zones over every node, not only the feasible ones", () => {
    const zone = (z: string) => ({ labels: { "topology.kubernetes.io/zone": z } });
    const cache = cacheWith(
      [makeNode("a1", zone("a")), makeNode("a2", zone("a")), makeNode("b1", zone("b"))],
      [makePod("p1", { nodeName: "a1", owner: "rs" }), makePod("p2", { nodeName: "a1", owner: "rs" })],
    );
    const pod = preparePod(makePod("new", { owner: "rs" }));
    const feasible = [cache.node("a2")!, cache.node("b1")!];
    const state = prepareSpreadScore(cache, pod, feasible)!;
    // a2: hostname 0 + 2, zone a has 2 pods × ln(2 + 2) + 4; b1: 0 + 2 + 0 + 4.
    expect(feasible.map((n) => spreadRawScore(state, n))).toEqual([Math.round(2 + 2 * Math.log(4) + 4), 6]);
  });

  it("has nothing to say about a pod without an owner or constraints", () => {
    const cache = cacheWith([makeNode("a")]);
    expect(prepareSpreadScore(cache, preparePod(makePod("lonely")), cache.nodes)).toBeUndefined();
  });

  it("honours explicit ScheduleAnyway constraints with label selectors and ignores nodes without the key", () => {
    const cache = cacheWith(
      [makeNode("a", { labels: { rack: "r1" } }), makeNode("b", { labels: { rack: "r2" } }), makeNode("c")],
      [makePod("w1", { nodeName: "a", labels: { app: "web" } }), makePod("x", { nodeName: "b", labels: { app: "db" } })],
    );
    const pod = preparePod(
      makePod("new", {
        labels: { app: "web" },
        spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "rack", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "web" } } }] },
      }),
    );
    const scores = scoreNodes(cache, pod, cache.nodes);
    expect(scores[1]).toBeGreaterThan(scores[0]);
    const state = prepareSpreadScore(cache, pod, cache.nodes)!;
    const raw = cache.nodes.map((n) => spreadRawScore(state, n));
    normalizeSpread(state, cache.nodes, raw);
    expect(raw).toEqual([0, 100, 0]);
  });
});
