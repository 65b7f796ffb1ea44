import { describe, expect, it } from "vitest";
import { REVISION_HASH_LABEL, rollingLimits, surgeCount, unavailableCount, type DaemonSet } from "../../../../src/controllers/daemonset";
import { newPass } from "../../../../src/controllers/daemonset/pass";
import { isPodAvailable } from "../../../../src/controllers/podutil";
import { T0 } from "../fixtures";
import { Cluster, daemonSet, imageOf, node } from "./sim";

const rolling = (maxUnavailable: number | string, maxSurge: number | string = 0) => daemonSet({ strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable, maxSurge } } });

function running(ds: DaemonSet, nodeCount: number): Cluster {
  const c = new Cluster(ds, Array.from({ length: nodeCount }, (_, i) => node(`n${i + 1}`)));
  c.settle();
  c.kubelet();
  c.settle();
  return c;
}

/** Nodes without an available pod that is not being deleted. */
function unavailableNodes(c: Cluster): number {
  return [...c.nodes.keys()].filter((n) => !c.podsOn(n).some((p) => isPodAvailable(p, 0, c.now))).length;
}

/** Plays the kubelet and the controller until every pod runs `image`; returns the most nodes down at once and the steps. */
function rollOut(c: Cluster, image: string): { worst: number; steps: number; mostPodsOnANode: number } {
  let worst = 0;
  let mostPodsOnANode = 0;
  c.onChange = () => {
    worst = Math.max(worst, unavailableNodes(c));
    for (const n of c.nodes.keys()) mostPodsOnANode = Math.max(mostPodsOnANode, c.podsOn(n).length);
  };
  for (let steps = 1; steps <= 50; steps++) {
    c.settle();
    const pods = [...c.pods.values()];
    if (pods.length === c.nodes.size && pods.every((p) => imageOf(p) === image && p.status?.phase === "Running")) return { worst, steps, mostPodsOnANode };
    c.kubelet();
  }
  throw new Error("the rollout does not finish");
}

describe("rolling update arithmetic", () => {
  it.each<[number | string, number | string, number, number, number]>([
    // maxUnavailable, maxSurge, desired nodes → maxUnavailable, maxSurge
    [1, 0, 10, 1, 0],
    ["25%", 0, 10, 3, 0], // 2.5 rounds up
    ["10%", 0, 3, 1, 0],
    [0, "20%", 10, 0, 2],
    [0, "1%", 10, 0, 1],
    [0, 0, 5, 1, 0], // neither: one node at a time
  ])("maxUnavailable %s, maxSurge %s over %i nodes → %i unavailable, %i surge", (maxUnavailable, maxSurge, nodes, wantUnavailable, wantSurge) => {
    const ds = rolling(maxUnavailable, maxSurge);
    const pass = newPass({ ds, nodes: Array.from({ length: nodes }, (_, i) => node(`n${i}`)), pods: [], now: T0, hash: "h", backoff: new Map() });
    expect(rollingLimits(pass)).toEqual({ desired: nodes, maxUnavailable: wantUnavailable, maxSurge: wantSurge });
  });

  it("OnDelete allows neither", () => {
    const ds = daemonSet({ strategy: { type: "OnDelete" } });
    expect([surgeCount(ds, 10), unavailableCount(ds, 10)]).toEqual([0, 0]);
  });
});

describe("RollingUpdate", () => {
  it("with maxUnavailable 1 replaces one node's pod at a time", () => {
    const c = running(rolling(1), 3);
    c.setImage("agent:2");
    const first = c.step();
    expect(first.actions.filter((a) => a.type === "delete")).toHaveLength(1);
    expect(c.step().actions.filter((a) => a.type === "delete" || a.type === "create")).toEqual([]);
    const { worst, mostPodsOnANode } = rollOut(c, "agent:2");
    expect(worst).toBe(1);
    expect(mostPodsOnANode).toBe(1);
    expect(c.ds.status).toMatchObject({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
    expect(c.ds.status).not.toHaveProperty("numberUnavailable");
  });

  it("with maxUnavailable 50% of 4 nodes replaces two at a time", () => {
    const c = running(rolling("50%"), 4);
    c.setImage("agent:2");
    expect(c.step().actions.filter((a) => a.type === "delete")).toHaveLength(2);
    expect(rollOut(c, "agent:2").worst).toBe(2);
  });

  it("replaces an unavailable old pod at once, beyond the budget", () => {
    const c = running(rolling(1), 3);
    const [sick] = c.pods.values();
    sick.status = { phase: "Running", conditions: [{ type: "Ready", status: "False" }] };
    c.setImage("agent:2");
    const deletes = c.step().actions.filter((a) => a.type === "delete");
    expect(deletes.map((a) => (a.type === "delete" ? a.name : ""))).toEqual([sick.metadata.name]);
  });

  it("with maxSurge starts the new pod beside the old one and removes the old one once the new is available", () => {
    const c = running(rolling(0, 1), 3);
    c.setImage("agent:2");
    const first = c.step();
    expect(first.actions.filter((a) => a.type === "create" && a.resource === "pods")).toHaveLength(1);
    expect(first.actions.filter((a) => a.type === "delete")).toHaveLength(0);
    const { worst, mostPodsOnANode } = rollOut(c, "agent:2");
    expect(worst).toBe(0);
    expect(mostPodsOnANode).toBe(2);
  });

  it("OnDelete leaves old pods alone; a pod deleted by hand comes back from the new template", () => {
    const c = running(daemonSet({ strategy: { type: "OnDelete" } }), 2);
    c.setImage("agent:2");
    c.settle();
    expect([...c.pods.values()].map(imageOf)).toEqual(["agent:1", "agent:1"]);
    expect(c.ds.status?.observedGeneration).toBe(2);
    expect(c.ds.status?.updatedNumberScheduled ?? 0).toBe(0);
    const [victim] = c.pods.keys();
    c.pods.delete(victim);
    c.settle();
    expect([...c.pods.values()].map(imageOf).sort()).toEqual(["agent:1", "agent:2"]);
    expect(c.ds.status?.updatedNumberScheduled).toBe(1);
  });

  it("labels every pod with the current revision's hash", () => {
    const c = running(rolling(1), 2);
    c.setImage("agent:2");
    rollOut(c, "agent:2");
    const current = [...c.revisions.values()].sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))[0];
    for (const p of c.pods.values()) expect(p.metadata.labels?.[REVISION_HASH_LABEL]).toBe(current.metadata.labels?.[REVISION_HASH_LABEL]);
  });
});
