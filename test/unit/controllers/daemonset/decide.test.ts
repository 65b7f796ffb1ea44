import { describe, expect, it } from "vitest";
import { daemonPodTemplate, decideDaemonSet, REVISION_HASH_LABEL, type DaemonSet } from "../../../../src/controllers/daemonset";
import type { Pod } from "../../../../src/controllers/podutil";
import { iso, summary, T0 } from "../fixtures";
import { Cluster, daemonSet, node } from "./sim";

const statusOf = (c: Cluster) => c.ds.status;

/** A DaemonSet whose pods run and are ready on every node. */
function running(ds: DaemonSet, nodeCount = 3): Cluster {
  const c = new Cluster(ds, Array.from({ length: nodeCount }, (_, i) => node(`n${i + 1}`)));
  c.settle();
  c.kubelet();
  c.settle();
  return c;
}

describe("placing daemon pods", () => {
  it("records a revision, then creates one pod per node in slow-start batches, pinned to its node", () => {
    const c = new Cluster(daemonSet(), [node("n1"), node("n2"), node("n3")]);
    const first = decideDaemonSet({ ds: c.ds, nodes: [...c.nodes.values()], pods: [], revisions: [], now: T0 });
    expect(summary(first.actions)).toEqual([
      expect.stringMatching(/^create apps\/controllerrevisions agent-[a-z0-9]+$/),
      "create pods agent-",
      "event SuccessfulCreate: Created pod: $(CREATED_NAME)",
      "updateStatus apps/daemonsets agent",
    ]);
    expect(first.requeueAfterMs).toBe(0);
    c.settle();
    const pods = [...c.pods.values()];
    expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual(["n1", "n2", "n3"]);
    const hash = [...c.revisions.values()][0].metadata.labels?.[REVISION_HASH_LABEL];
    const pod = pods.find((p) => p.spec?.nodeName === "n2") as Pod;
    expect(pod.metadata).toMatchObject({
      generateName: "agent-",
      labels: { app: "agent", [REVISION_HASH_LABEL]: hash },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "agent", uid: "uid-agent", controller: true, blockOwnerDeletion: true }],
    });
    expect(pod.spec?.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n2"] }] }] } } });
    expect((pod.spec?.tolerations as unknown[]).length).toBe(6);
    expect(c.events.filter((e) => e.startsWith("SuccessfulCreate"))).toHaveLength(3);
  });

  it("labels pods with the template generation of a DaemonSet that carries the deprecated annotation", () => {
    const ds = daemonSet();
    expect(daemonPodTemplate(ds, "abc").metadata?.labels).toEqual({ app: "agent", [REVISION_HASH_LABEL]: "abc" });
    ds.metadata.annotations = { "deprecated.daemonset.template.generation": "4" };
    expect(daemonPodTemplate(ds, "abc").metadata?.labels).toEqual({ app: "agent", "pod-template-generation": "4", [REVISION_HASH_LABEL]: "abc" });
  });

  it("reports the status Kubernetes reports, and nothing more once converged", () => {
    const c = new Cluster(daemonSet(), [node("n1"), node("n2"), node("n3", {}, [{ key: "dedicated", effect: "NoSchedule" }])]);
    c.settle();
    expect(statusOf(c)).toEqual({ currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 0, observedGeneration: 1, updatedNumberScheduled: 2, numberUnavailable: 2 });
    c.kubelet();
    c.settle();
    expect(statusOf(c)).toEqual({ currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2, observedGeneration: 1, updatedNumberScheduled: 2, numberAvailable: 2 });
    expect(c.decide().actions).toEqual([]);
  });

  it("counts pods on nodes that no longer fit as misscheduled and removes them when they must go", () => {
    const c = running(daemonSet({ podSpec: { nodeSelector: { role: "edge" } } }), 0);
    for (const n of ["n1", "n2"]) c.nodes.set(n, node(n, { role: "edge" }));
    c.settle();
    c.kubelet();
    c.settle();
    expect(statusOf(c)?.desiredNumberScheduled).toBe(2);
    // A NoSchedule taint keeps the pod, misscheduled; losing the label removes it.
    c.nodes.set("n1", node("n1", { role: "edge" }, [{ key: "maintenance", effect: "NoSchedule" }]));
    c.settle();
    expect(c.podsOn("n1")).toHaveLength(1);
    expect(statusOf(c)).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 1 });
    c.nodes.set("n2", node("n2"));
    c.settle();
    expect(c.podsOn("n2")).toHaveLength(0);
    expect(c.events).toContainEqual(expect.stringMatching(/^SuccessfulDelete: Deleted pod: agent-/));
  });

  it("a node that joins gets its pod; a node that goes takes its pods with it, at once", () => {
    const c = running(daemonSet());
    c.nodes.set("n4", node("n4"));
    c.settle();
    expect(c.podsOn("n4")).toHaveLength(1);
    c.nodes.delete("n2");
    const decision = c.decide();
    expect(decision.actions).toContainEqual(expect.objectContaining({ type: "delete", resource: "pods", gracePeriodSeconds: 0 }));
    c.apply(decision.actions);
    expect([...c.pods.values()].some((p) => p.spec?.nodeName === "n2")).toBe(false);
  });

  it("deletes an unbound pod meant for a node that is gone", () => {
    const c = new Cluster(daemonSet(), [node("n1")]);
    c.apply(c.decide().actions);
    c.nodes.delete("n1");
    expect(summary(c.decide().actions)).toContainEqual(expect.stringMatching(/^delete pods agent-/));
  });

  it("keeps the oldest of two pods on a node", () => {
    const c = running(daemonSet(), 1);
    const [only] = c.pods.values();
    const extra = structuredClone(only);
    extra.metadata = { ...extra.metadata, name: "agent-extra", uid: "uid-extra", creationTimestamp: iso(T0 + 5000) };
    c.pods.set("agent-extra", extra);
    expect(summary(c.decide().actions)).toContain("delete pods agent-extra");
  });

  it("adopts a matching orphan instead of creating a pod for its node", () => {
    const c = new Cluster(daemonSet(), [node("n1")]);
    const orphan: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "stray", namespace: "default", uid: "uid-stray", labels: { app: "agent" } }, spec: { nodeName: "n1" }, status: { phase: "Running" } };
    c.pods.set("stray", orphan);
    const actions = c.decide().actions;
    expect(summary(actions)).toContain("update pods stray");
    expect(summary(actions)).not.toContain("create pods agent-");
  });
});

describe("failed and succeeded daemon pods", () => {
  it("deletes a failed pod with a warning, then backs off (1 s, doubling) before deleting the next", () => {
    const c = running(daemonSet(), 1);
    const fail = () => {
      const [p] = c.pods.values();
      p.status = { phase: "Failed" };
    };
    fail();
    c.step();
    expect(c.events).toContainEqual(expect.stringMatching(/^FailedDaemonPod: Found failed daemon pod default\/agent-\w+ on node n1, will try to kill it$/));
    c.kubelet();
    c.settle();
    c.kubelet();
    fail();
    c.now += 400;
    const held = c.step();
    expect(summary(held.actions).filter((a) => a.startsWith("delete"))).toEqual([]);
    expect(held.requeueAfterMs).toBe(600);
    c.now += 600;
    expect(summary(c.step().actions).filter((a) => a.startsWith("delete"))).toHaveLength(1);
    // The third failure waits twice as long.
    c.kubelet();
    c.settle();
    c.kubelet();
    fail();
    c.now += 1000;
    expect(c.step().requeueAfterMs).toBe(1000);
  });

  it("deletes a succeeded pod with a Normal event", () => {
    const c = running(daemonSet(), 1);
    const [p] = c.pods.values();
    p.status = { phase: "Succeeded" };
    c.apply(c.decide().actions);
    expect(c.events).toContainEqual(expect.stringMatching(/^SucceededDaemonPod: Found succeeded daemon pod default\/agent-\w+ on node n1, will try to delete it$/));
  });
});
