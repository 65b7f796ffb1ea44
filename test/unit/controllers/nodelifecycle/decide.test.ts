import { describe, expect, it } from "vitest";
import type { Action, Decision } from "../../../../src/controllers/types";
import { decideNode, evictionTime, type NodeObservation } from "../../../../src/controllers/nodelifecycle";
import type { LeaseLike, NodeLike, PodLike, Taint, Toleration } from "../../../../src/scheduler/types";

const T0 = Date.parse("2025-03-01T12:00:00Z");
const s = (seconds: number) => T0 + seconds * 1000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

function node(ready: string, heartbeat: number, taints?: Taint[]): NodeLike {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "n1", uid: "node-uid", resourceVersion: "7", creationTimestamp: iso(s(-3600)) },
    spec: { taints },
    status: {
      conditions: [
        { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory", lastHeartbeatTime: iso(heartbeat), lastTransitionTime: iso(s(-3600)) },
        { type: "Ready", status: ready, reason: "KubeletReady", lastHeartbeatTime: iso(heartbeat), lastTransitionTime: iso(s(-3600)) },
      ],
    },
  };
}

function lease(renew: number): LeaseLike {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: "n1", namespace: "kube-node-lease" },
    spec: { holderIdentity: "n1", leaseDurationSeconds: 40, renewTime: new Date(renew).toISOString().replace("Z", "000Z") },
  };
}

function pod(name: string, tolerations: Toleration[] = DEFAULT_TOLERATIONS): PodLike {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: "3" },
    spec: { nodeName: "n1", tolerations },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: iso(s(-60)) }] },
  };
}

const ofType = <T extends Action["type"]>(d: Decision, type: T) => d.actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);
const nodeOf = (a: Action) => (a as { object: NodeLike }).object;
const deleted = (d: Decision) => ofType(d, "delete").map((a) => a.name);

describe("decideNode", () => {
  const pods = [
    pod("defaults"),
    pod("intolerant", []),
    pod("forever", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }]),
    pod("short", [{ operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 }]),
  ];

  it("leaves a healthy node alone, without an alarm", () => {
    expect(decideNode({ node: node("True", s(0)), lease: lease(s(30)), pods, now: s(60) })).toEqual({ actions: [] });
  });

  it("marks a node whose lease is older than the grace period Unknown, then taints it, then evicts on schedule", () => {
    // Pass 1, 41 s after the last renewal: conditions go Unknown, pods stop being Ready.
    const obs: NodeObservation = { node: node("True", s(0)), lease: lease(s(0)), pods, now: s(41) };
    const first = decideNode(obs);
    const status = ofType(first, "updateStatus").filter((a) => a.resource === "nodes");
    expect(status).toHaveLength(1);
    const conditions = (nodeOf(status[0]).status?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message, c.lastTransitionTime]);
    expect(conditions).toEqual([
      ["MemoryPressure", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", iso(s(41))],
      ["Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", iso(s(41))],
      ["DiskPressure", "Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status.", iso(s(41))],
      ["PIDPressure", "Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status.", iso(s(41))],
    ]);
    expect(ofType(first, "event").map((e) => [e.about.metadata.name, e.eventType, e.reason, e.message])).toEqual([
      ["n1", "Normal", "NodeNotReady", "Node n1 status is now: NodeNotReady"],
      ...pods.map((p) => [p.metadata.name, "Warning", "NodeNotReady", "Node is not ready"]),
    ]);
    const podStatus = ofType(first, "updateStatus").filter((a) => a.resource === "pods");
    expect(podStatus.map((a) => (a.object as PodLike).status?.conditions?.[0])).toEqual(pods.map(() => ({ type: "Ready", status: "False", lastTransitionTime: iso(s(41)) })));
    expect(ofType(first, "update")).toHaveLength(0);
    expect(first.requeueAfterMs).toBe(0);

    // Pass 2: the unreachable taints, stamped now; the intolerant pod will have to go at once.
    const unknown = nodeOf(status[0]);
    const second = decideNode({ ...obs, node: unknown });
    const update = ofType(second, "update");
    expect(update).toHaveLength(1);
    expect(nodeOf(update[0]).spec?.taints).toEqual([
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: iso(s(41)) },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: iso(s(41)) },
    ]);
    expect(deleted(second)).toEqual([]);
    expect(second.requeueAfterMs).toBe(0);

    // Pass 3: evictions as tolerations run out, counted from timeAdded.
    const tainted = nodeOf(update[0]);
    const third = decideNode({ ...obs, node: tainted, now: s(41) });
    expect(deleted(third)).toEqual(["intolerant"]);
    expect(ofType(third, "event").map((e) => [e.reason, e.message])).toEqual([["TaintManagerEviction", "Marking for deletion Pod default/intolerant"]]);
    expect(ofType(third, "delete")[0]).toEqual({ type: "delete", resource: "pods", namespace: "default", name: "intolerant", uid: "uid-intolerant" });
    const disruption = (ofType(third, "updateStatus")[0].object as PodLike).status?.conditions?.find((c) => c.type === "DisruptionTarget");
    expect(disruption).toEqual({
      type: "DisruptionTarget",
      status: "True",
      reason: "DeletionByTaintManager",
      message: "Taint manager: deleting due to NoExecute taint",
      lastTransitionTime: iso(s(41)),
    });
    expect(third.requeueAfterMs).toBe(30_000);

    const remaining = pods.filter((p) => p.metadata.name !== "intolerant");
    const at70 = decideNode({ ...obs, node: tainted, pods: remaining, now: s(70) });
    expect(deleted(at70)).toEqual([]);
    expect(at70.requeueAfterMs).toBe(1_000);
    const at71 = decideNode({ ...obs, node: tainted, pods: remaining, now: s(71) });
    expect(deleted(at71)).toEqual(["short"]);
    expect(at71.requeueAfterMs).toBe(270_000);
    const at341 = decideNode({ ...obs, node: tainted, pods: remaining.filter((p) => p.metadata.name !== "short"), now: s(341) });
    expect(deleted(at341)).toEqual(["defaults"]);
    expect(at341.requeueAfterMs).toBeUndefined();
    expect(ofType(at341, "update")).toHaveLength(0);
  });

  it("uses the Ready heartbeat when there is no lease, and the later of the two when there is", () => {
    expect(ofType(decideNode({ node: node("True", s(0)), pods: [], now: s(40) }), "updateStatus")).toHaveLength(0);
    expect(ofType(decideNode({ node: node("True", s(0)), pods: [], now: s(41) }), "updateStatus")).toHaveLength(1);
    expect(ofType(decideNode({ node: node("True", s(30)), lease: lease(s(0)), pods: [], now: s(60) }), "updateStatus")).toHaveLength(0);
    expect(ofType(decideNode({ node: node("True", s(0)), lease: lease(s(0)), pods: [], now: s(20), gracePeriodMs: 10_000 }), "updateStatus")).toHaveLength(1);
  });

  it("gives a node that never reported the startup grace period", () => {
    const fresh: NodeLike = { apiVersion: "v1", kind: "Node", metadata: { name: "n1", creationTimestamp: iso(s(0)) }, spec: {}, status: {} };
    expect(decideNode({ node: fresh, pods: [], now: s(59) })).toEqual({ actions: [] });
    const d = decideNode({ node: fresh, pods: [], now: s(61) });
    const conditions = nodeOf(ofType(d, "updateStatus")[0]).status?.conditions ?? [];
    expect(conditions.map((c) => [c.type, c.status, c.reason, c.lastHeartbeatTime])).toEqual(
      ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"].map((t) => [t, "Unknown", "NodeStatusNeverUpdated", iso(s(0))]),
    );
    // Not Ready before, so no NodeNotReady event.
    expect(ofType(d, "event")).toHaveLength(0);
  });

  it("taints a node whose agent reports Ready=False with not-ready, without touching its conditions", () => {
    const d = decideNode({ node: node("False", s(0)), lease: lease(s(0)), pods, now: s(5) });
    expect(ofType(d, "updateStatus")).toHaveLength(0);
    expect(ofType(d, "event")).toHaveLength(0);
    expect(nodeOf(ofType(d, "update")[0]).spec?.taints).toEqual([
      { key: "node.kubernetes.io/not-ready", effect: "NoSchedule", timeAdded: iso(s(5)) },
      { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: iso(s(5)) },
    ]);
    expect(d.requeueAfterMs).toBe(0);
  });

  it("swaps unreachable for not-ready keeping the eviction clock", () => {
    const taints: Taint[] = [
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: iso(s(0)) },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: iso(s(0)) },
    ];
    const d = decideNode({ node: node("False", s(100), taints), lease: lease(s(100)), pods: [pod("defaults")], now: s(100) });
    expect(nodeOf(ofType(d, "update")[0]).spec?.taints).toEqual([
      { key: "node.kubernetes.io/not-ready", effect: "NoSchedule", timeAdded: iso(s(100)) },
      { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: iso(s(0)) },
    ]);
    expect(d.requeueAfterMs).toBe(200_000);
  });

  it("removes the controller's taints when the node comes back, and keeps everyone else's", () => {
    const taints: Taint[] = [
      { key: "dedicated", value: "db", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: iso(s(0)) },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: iso(s(0)) },
    ];
    const d = decideNode({ node: node("True", s(200), taints), lease: lease(s(200)), pods, now: s(201) });
    expect(nodeOf(ofType(d, "update")[0]).spec?.taints).toEqual([{ key: "dedicated", value: "db", effect: "NoSchedule" }]);
    // Evictions read the taints as observed: pods whose time ran out while the node was away go,
    // as Kubernetes' timers would already have deleted them; the others stay.
    expect(deleted(d)).toEqual(["intolerant", "short"]);
  });

  it("drops an empty taint list and adds the cordon taint", () => {
    const back = decideNode({ node: node("True", s(0), [{ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }]), lease: lease(s(0)), pods: [], now: s(1) });
    expect(nodeOf(ofType(back, "update")[0]).spec).toEqual({});
    const cordoned = node("True", s(0));
    cordoned.spec = { unschedulable: true };
    const d = decideNode({ node: cordoned, lease: lease(s(0)), pods: [], now: s(1) });
    expect(nodeOf(ofType(d, "update")[0]).spec).toEqual({ unschedulable: true, taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: iso(s(1)) }] });
  });

  it("skips terminating pods and pods of other nodes", () => {
    const taints: Taint[] = [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: iso(s(0)) }];
    const terminating = { ...pod("going", []), metadata: { ...pod("going").metadata, deletionTimestamp: iso(s(1)) } };
    const elsewhere = { ...pod("elsewhere", []), spec: { nodeName: "n2" } };
    const d = decideNode({ node: node("Unknown", s(0), taints), pods: [terminating, elsewhere], now: s(1) });
    expect(deleted(d)).toEqual([]);
  });
});

describe("evictionTime", () => {
  const taint = (timeAdded?: string): Taint => ({ key: "k", effect: "NoExecute", timeAdded });
  it("is immediate without a matching toleration, never without tolerationSeconds, and counts from timeAdded", () => {
    expect(evictionTime(pod("p", []), [taint(iso(s(0)))])).toBe(-Infinity);
    expect(evictionTime(pod("p", [{ key: "k", operator: "Exists" }]), [taint(iso(s(0)))])).toBe(Infinity);
    expect(evictionTime(pod("p", [{ key: "k", operator: "Exists", tolerationSeconds: 10 }]), [taint(iso(s(0)))])).toBe(s(10));
    expect(evictionTime(pod("p", [{ key: "k", operator: "Exists", tolerationSeconds: -5 }]), [taint(iso(s(0)))])).toBe(s(0));
    expect(evictionTime(pod("p", [{ key: "k", operator: "Exists", tolerationSeconds: 10 }]), [taint()])).toBe(10_000);
  });

  it("ignores NoSchedule taints and takes the soonest of several NoExecute taints", () => {
    const taints: Taint[] = [
      { key: "a", effect: "NoSchedule" },
      { key: "b", effect: "NoExecute", timeAdded: iso(s(0)) },
      { key: "c", effect: "NoExecute", timeAdded: iso(s(100)) },
    ];
    const tolerations: Toleration[] = [
      { key: "b", operator: "Exists", tolerationSeconds: 300 },
      { key: "c", operator: "Exists", tolerationSeconds: 60 },
    ];
    expect(evictionTime(pod("p", tolerations), taints)).toBe(s(160));
  });
});
