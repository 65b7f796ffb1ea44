import { describe, expect, it } from "vitest";
import { daemonPodTolerations, pinToNode, placementOf, targetNodeName, type NodeFit } from "../../../../src/controllers/daemonset";
import type { Pod } from "../../../../src/controllers/podutil";
import type { Taint } from "../../../../src/scheduler/types";
import { daemonSet, node } from "./sim";

const fit = (podSpec: Record<string, unknown>, labels: Record<string, string> = {}, taints: Taint[] = [], name = "n1"): NodeFit =>
  placementOf(daemonSet({ podSpec })).fit(node(name, labels, taints));

const RUN: NodeFit = { shouldRun: true, shouldContinueRunning: true };
const KEEP: NodeFit = { shouldRun: false, shouldContinueRunning: true };
const NONE: NodeFit = { shouldRun: false, shouldContinueRunning: false };

describe("which nodes run a daemon pod", () => {
  it("every node, by default", () => {
    expect(fit({})).toEqual(RUN);
  });

  it("nodeSelector and required node affinity must match; a node that stops matching loses its pod", () => {
    expect(fit({ nodeSelector: { disk: "ssd" } }, { disk: "ssd" })).toEqual(RUN);
    expect(fit({ nodeSelector: { disk: "ssd" } }, { disk: "hdd" })).toEqual(NONE);
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }] } } };
    expect(fit({ affinity }, { zone: "b" })).toEqual(RUN);
    expect(fit({ affinity }, { zone: "c" })).toEqual(NONE);
    expect(fit({ affinity }, {})).toEqual(NONE);
  });

  it("a template that names a node runs only there", () => {
    expect(fit({ nodeName: "n1" }, {}, [], "n1")).toEqual(RUN);
    expect(fit({ nodeName: "n1" }, {}, [], "n2")).toEqual(NONE);
  });

  it("an untolerated NoSchedule taint keeps the pod a node has but starts none; NoExecute removes it", () => {
    expect(fit({}, {}, [{ key: "dedicated", value: "db", effect: "NoSchedule" }])).toEqual(KEEP);
    expect(fit({}, {}, [{ key: "dedicated", value: "db", effect: "NoExecute" }])).toEqual(NONE);
    expect(fit({}, {}, [{ key: "dedicated", value: "db", effect: "PreferNoSchedule" }])).toEqual(RUN);
    const tolerations = [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }];
    expect(fit({ tolerations }, {}, [{ key: "dedicated", value: "db", effect: "NoSchedule" }])).toEqual(RUN);
    expect(fit({ tolerations: [{ operator: "Exists" }] }, {}, [{ key: "anything", effect: "NoExecute" }])).toEqual(RUN);
  });

  it("the tolerations daemon pods get: cordoned, under pressure, not ready or unreachable (NoExecute) nodes still run them", () => {
    for (const key of ["node.kubernetes.io/unschedulable", "node.kubernetes.io/memory-pressure", "node.kubernetes.io/disk-pressure", "node.kubernetes.io/pid-pressure"]) {
      expect(fit({}, {}, [{ key, effect: "NoSchedule" }]), key).toEqual(RUN);
    }
    for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
      expect(fit({}, {}, [{ key, effect: "NoExecute" }]), key).toEqual(RUN);
      // The NoSchedule taint of a node that is not ready is not tolerated: no new pod there, the old one stays.
      expect(fit({}, {}, [{ key, effect: "NoSchedule" }]), key).toEqual(KEEP);
    }
    const unavailable: Taint = { key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" };
    expect(fit({}, {}, [unavailable])).toEqual(KEEP);
    expect(fit({ hostNetwork: true }, {}, [unavailable])).toEqual(RUN);
  });
});

describe("daemon pod tolerations", () => {
  it("are appended in Kubernetes' order, the network one for host-network pods only", () => {
    expect(daemonPodTolerations({}).map((t) => `${t.key}:${t.effect}`)).toEqual([
      "node.kubernetes.io/not-ready:NoExecute",
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/disk-pressure:NoSchedule",
      "node.kubernetes.io/memory-pressure:NoSchedule",
      "node.kubernetes.io/pid-pressure:NoSchedule",
      "node.kubernetes.io/unschedulable:NoSchedule",
    ]);
    expect(daemonPodTolerations({ hostNetwork: true } as never).at(-1)).toEqual({ key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" });
  });

  it("replace a matching toleration in place, so that a daemon pod is never evicted after tolerationSeconds", () => {
    const own = [
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "dedicated", operator: "Exists" },
    ];
    const result = daemonPodTolerations({ tolerations: own });
    expect(result[0]).toEqual({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" });
    expect(result[1]).toEqual({ key: "dedicated", operator: "Exists" });
    expect(result).toHaveLength(7);
  });
});

describe("binding a daemon pod to its node", () => {
  it("replaces the required node affinity by the node's metadata.name and keeps the rest", () => {
    const preferred = [{ weight: 1, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] } }];
    const spec = {
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "Exists" }] }] }, preferredDuringSchedulingIgnoredDuringExecution: preferred },
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] },
      },
    };
    expect(pinToNode(spec, "n7")).toEqual({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n7"] }] }] },
          preferredDuringSchedulingIgnoredDuringExecution: preferred,
        },
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] },
      },
    });
    expect(pinToNode({}, "n1")).toEqual({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }] } } } });
  });

  it("reads the target node of a pod: its nodeName once bound, its pinned name before", () => {
    const pinned = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: pinToNode({}, "n3") } as Pod;
    expect(targetNodeName(pinned)).toBe("n3");
    expect(targetNodeName({ ...pinned, spec: { ...pinned.spec, nodeName: "n4" } })).toBe("n4");
    expect(targetNodeName({ ...pinned, spec: {} })).toBeUndefined();
    const twoNames = { ...pinned, spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["a", "b"] }] }] } } } } };
    expect(targetNodeName(twoNames)).toBeUndefined();
  });
});
