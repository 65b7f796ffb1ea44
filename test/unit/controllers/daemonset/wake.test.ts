import { describe, expect, it } from "vitest";
import { daemonSetsToWake, type DaemonSet } from "../../../../src/controllers/daemonset";
import type { Pod } from "../../../../src/controllers/podutil";
import type { Taint } from "../../../../src/scheduler/types";
import { daemonSet, node } from "./sim";

const settled = { observedGeneration: 1, desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0 };

function ds(name: string, podSpec: Record<string, unknown> = {}, status: DaemonSet["status"] = settled): DaemonSet {
  const d = daemonSet({ podSpec });
  return { ...d, metadata: { ...d.metadata, name, uid: `uid-${name}` }, status };
}

const podOf = (owner: DaemonSet, phase = "Running", deleting = false): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: `${owner.metadata.name}-x`,
    namespace: "default",
    ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: owner.metadata.name ?? "", uid: owner.metadata.uid ?? "", controller: true }],
    ...(deleting ? { deletionTimestamp: "2025-01-01T00:00:00Z" } : {}),
  },
  spec: { nodeName: "n1" },
  status: { phase },
});

const names = (list: DaemonSet[]) => list.map((d) => d.metadata.name);
const edge = ds("edge", { nodeSelector: { role: "edge" } });
const all = ds("all");

describe("which DaemonSets a Node commit wakes", () => {
  it("a node that joins wakes the DaemonSets that should run there", () => {
    expect(names(daemonSetsToWake({ type: "ADDED", node: node("n1") }, [edge, all], []))).toEqual(["all"]);
    expect(names(daemonSetsToWake({ type: "ADDED", node: node("n1", { role: "edge" }) }, [edge, all], []))).toEqual(["edge", "all"]);
  });

  it("a status report of a settled node wakes nothing", () => {
    expect(daemonSetsToWake({ type: "MODIFIED", node: node("n1") }, [edge, all], [podOf(all)])).toEqual([]);
  });

  it("a label or taint change that makes the node's pods wrong wakes their DaemonSet", () => {
    const relabelled = node("n1", { role: "edge" });
    expect(names(daemonSetsToWake({ type: "MODIFIED", node: relabelled }, [edge, all], [podOf(all)]))).toEqual(["edge"]);
    expect(names(daemonSetsToWake({ type: "MODIFIED", node: node("n1") }, [edge, all], [podOf(all), podOf(edge)]))).toEqual(["edge"]);
    const tainted: Taint[] = [{ key: "maintenance", effect: "NoSchedule" }];
    expect(names(daemonSetsToWake({ type: "MODIFIED", node: node("n1", {}, tainted) }, [all], [podOf(all)]))).toEqual(["all"]);
  });

  it("a DaemonSet whose status is not settled looks at every node that concerns it", () => {
    const misscheduled = ds("m", {}, { ...settled, numberMisscheduled: 1 });
    const behind = ds("b", {}, { ...settled, observedGeneration: 0 });
    expect(names(daemonSetsToWake({ type: "MODIFIED", node: node("n1") }, [misscheduled, behind], [podOf(misscheduled), podOf(behind)]))).toEqual(["m", "b"]);
    expect(daemonSetsToWake({ type: "MODIFIED", node: node("n1") }, [ds("e", { nodeSelector: { role: "edge" } }, { ...settled, numberMisscheduled: 1 })], [])).toEqual([]);
  });

  it("a node that goes wakes every DaemonSet; DaemonSets being deleted are left alone", () => {
    const going = { ...ds("going"), metadata: { ...all.metadata, name: "going", deletionTimestamp: "2025-01-01T00:00:00Z" } };
    expect(names(daemonSetsToWake({ type: "DELETED", node: node("n1") }, [edge, all, going], []))).toEqual(["edge", "all"]);
  });

  it("a terminal pod being deleted no longer counts as the node's pod", () => {
    expect(names(daemonSetsToWake({ type: "MODIFIED", node: node("n1") }, [all], [podOf(all, "Failed", true)]))).toEqual(["all"]);
  });
});
