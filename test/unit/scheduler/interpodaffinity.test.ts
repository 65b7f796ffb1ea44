import { describe, expect, it } from "vitest";
import { schedule, scheduleBatch } from "../../../src/scheduler/schedule";
import type { PodAffinityTerm, PodLike } from "../../../src/scheduler/types";
import { cacheWith, firstOfTies, makeNode, makePod } from "./fixtures";

const opts = { random: firstOfTies };
const byHost = (app: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({
  labelSelector: { matchLabels: { app } },
  topologyKey: "kubernetes.io/hostname",
  ...extra,
});

function withAffinity(name: string, app: string, affinity: NonNullable<NonNullable<PodLike["spec"]>["affinity"]>): PodLike {
  return makePod(name, { labels: { app }, owner: app, spec: { affinity } });
}

describe("InterPodAffinity", () => {
  it("keeps replicas with required anti-affinity on separate nodes", () => {
    const cache = cacheWith(["a", "b", "c"].map((n) => makeNode(n)));
    const pods = [1, 2, 3, 4].map((i) => withAffinity(`web-${i}`, "web", { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [byHost("web")] } }));
    const results = scheduleBatch(pods, cache, opts);
    expect(new Set(results.slice(0, 3).map((r) => ("node" in r ? r.node : "")))).toEqual(new Set(["a", "b", "c"]));
    expect(results[3]).toEqual({ unschedulable: "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules." });
  });

  it("keeps other pods away from a pod whose anti-affinity selects them", () => {
    const guard = withAffinity("guard", "guard", { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [byHost("web")] } });
    const cache = cacheWith([makeNode("a"), makeNode("b", { cpu: "1" })], [{ ...guard, spec: { ...guard.spec, nodeName: "a" } }]);
    expect(schedule(makePod("web", { labels: { app: "web" }, cpu: "2" }), cache, opts)).toEqual({
      unschedulable: "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't satisfy existing pods anti-affinity rules.",
    });
    // Another namespace is out of the term's reach (it defaults to the guard's namespace).
    expect(schedule(makePod("web", { namespace: "other", labels: { app: "web" }, cpu: "2" }), cache, opts)).toEqual({ node: "a" });
  });

  it("places pods with required affinity next to the pods they select", () => {
    const cache = cacheWith(["a", "b", "c"].map((n) => makeNode(n)), [makePod("db", { labels: { app: "db" }, nodeName: "b", cpu: "3" })]);
    const pod = withAffinity("cache", "cache", { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [byHost("db")] } });
    expect(schedule(pod, cache, opts)).toEqual({ node: "b" });
    const lonely = withAffinity("x", "x", { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [byHost("nothing")] } });
    expect(schedule(lonely, cache, opts)).toEqual({ unschedulable: "0/3 nodes are available: 3 node(s) didn't match pod affinity rules." });
  });

  it("lets the first pod of a group that selects itself go anywhere", () => {
    const cache = cacheWith(["a", "b"].map((n) => makeNode(n)));
    const pods = [1, 2, 3].map((i) => withAffinity(`g-${i}`, "group", { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [byHost("group")] } }));
    const nodes = scheduleBatch(pods, cache, opts).map((r) => ("node" in r ? r.node : r.unschedulable));
    expect(new Set(nodes).size).toBe(1);
  });

  it("reads namespaceSelector {} as every namespace", () => {
    const cache = cacheWith(
      ["a", "b"].map((n) => makeNode(n)),
      [makePod("db", { namespace: "data", labels: { app: "db" }, nodeName: "a" }), makePod("load", { nodeName: "b", cpu: "3" })],
    );
    const anti = (extra: Partial<PodAffinityTerm>) => withAffinity("p", "p", { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [byHost("db", extra)] } });
    expect(schedule(anti({}), cache, opts)).toEqual({ node: "a" });
    expect(schedule(anti({ namespaceSelector: {} }), cache, opts)).toEqual({ node: "b" });
    expect(schedule(anti({ namespaces: ["data"] }), cache, opts)).toEqual({ node: "b" });
  });
});
