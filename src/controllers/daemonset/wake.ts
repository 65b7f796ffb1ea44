// Which DaemonSets a change to a Node concerns (Kubernetes' addNode and updateNode handlers). A
// commit carries only the new Node, so instead of comparing old and new fit this compares the
// node's fit with what is on it: a DaemonSet is woken when the node should run its pod and has
// none, has one it should not, or when its status is not settled (it may count this node).
// A node's periodic status reports therefore wake nothing in a settled cluster.
import type { NodeLike } from "../../scheduler/types";
import { controllerOf, type Pod } from "../podutil";
import { placementOf } from "./eligibility";
import type { DaemonSet } from "./types";

export interface NodeChange {
  type: "ADDED" | "MODIFIED" | "DELETED";
  node: NodeLike;
}

/** Every node that should run the pod has one, no other node has one, and this generation was seen. */
function settled(ds: DaemonSet): boolean {
  const s = ds.status ?? {};
  return (s.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0) && (s.desiredNumberScheduled ?? 0) === (s.currentNumberScheduled ?? 0) && (s.numberMisscheduled ?? 0) === 0;
}

/** The DaemonSets (not being deleted) to reconcile after `change`; `podsOnNode` are the pods bound to the node. */
export function daemonSetsToWake(change: NodeChange, daemonSets: readonly DaemonSet[], podsOnNode: readonly Pod[]): DaemonSet[] {
  const live = daemonSets.filter((ds) => !ds.metadata.deletionTimestamp);
  // Node deletions are rare; unbound pods meant for the node are not on it, so every DaemonSet looks.
  if (change.type === "DELETED") return live;
  const owners = new Set(
    podsOnNode
      .filter((p) => !(p.metadata.deletionTimestamp && (p.status?.phase === "Succeeded" || p.status?.phase === "Failed")))
      .map((p) => controllerOf(p)?.uid),
  );
  return live.filter((ds) => {
    const { shouldRun } = placementOf(ds).fit(change.node);
    const hasPod = owners.has(ds.metadata.uid);
    return shouldRun !== hasPod || ((shouldRun || hasPod) && !settled(ds));
  });
}
