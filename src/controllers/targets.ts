// Which reconcilers a commit wakes: the object itself when a controller owns its kind or it is
// being finalized, its owners (they count their dependents), and, when it is gone, the
// collection of its dependents. Pure: the wiring turns targets into Durable Object calls.
import type { KubeObject } from "../apis/types";
import { kindByApiVersion } from "../apis/registry";
import { resourceKey } from "../api/paths";
import type { Commit } from "../store/store";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from "../api/writes";
import type { NodeLike } from "../scheduler/types";
import { daemonSetsToWake, type DaemonSet } from "./daemonset";
import type { Pod } from "./podutil";
import { ROOT_CA_CONFIGMAP } from "../auth/serviceaccount/automount";

export type ReconcileTarget =
  | { type: "object"; resource: string; namespace: string; name: string }
  /** The dependents of an owner that is gone. */
  | { type: "orphans"; uid: string };

/** The Durable Object name of a target: one reconciler per object. */
export function targetName(t: ReconcileTarget): string {
  return t.type === "object" ? `${t.resource}/${t.namespace}/${t.name}` : `orphans/${t.uid}`;
}

/** Kinds whose objects never own anything and have no controller: their commits wake no one. */
const INERT = new Set(["events", "events.k8s.io/events", "coordination.k8s.io/leases"]);

function finalizing(obj: KubeObject): boolean {
  if (!obj.metadata.deletionTimestamp) return false;
  if (obj.kind === "Namespace") return true;
  const f = obj.metadata.finalizers ?? [];
  return f.includes(ORPHAN_FINALIZER) || f.includes(FOREGROUND_FINALIZER);
}

export function ownerTargets(obj: KubeObject): ReconcileTarget[] {
  const out: ReconcileTarget[] = [];
  for (const ref of obj.metadata.ownerReferences ?? []) {
    const kind = kindByApiVersion(ref.apiVersion, ref.kind);
    if (!kind) continue;
    out.push({ type: "object", resource: resourceKey(kind), namespace: kind.namespaced ? (obj.metadata.namespace ?? "") : "", name: ref.name });
  }
  return out;
}

export function reconcileTargets(commit: Commit, controlled: (resource: string) => boolean): ReconcileTarget[] {
  if (INERT.has(commit.resource)) return [];
  const obj = commit.object;
  const targets = ownerTargets(obj);
  if (commit.type === "DELETED") {
    if (obj.metadata.uid) targets.push({ type: "orphans", uid: obj.metadata.uid });
  } else if (controlled(commit.resource) || finalizing(obj)) {
    targets.push({ type: "object", resource: commit.resource, namespace: obj.metadata.namespace ?? "", name: obj.metadata.name ?? "" });
  }
  // The root CA publisher puts its ConfigMap back when someone edits or deletes it.
  if (commit.resource === "configmaps" && obj.metadata.name === ROOT_CA_CONFIGMAP && controlled("namespaces")) {
    targets.push({ type: "object", resource: "namespaces", namespace: "", name: obj.metadata.namespace ?? "" });
  }
  return targets;
}

/** Node commits concern DaemonSets, which are not the Node's owners: the wiring reads them and asks daemonSetTargets. */
export function concernsDaemonSets(commit: Commit): boolean {
  return commit.resource === "nodes";
}

/** The DaemonSets a Node commit wakes, given every DaemonSet and the pods bound to the node (daemonset/wake.ts). */
export function daemonSetTargets(commit: Commit, daemonSets: readonly KubeObject[], podsOnNode: readonly KubeObject[]): ReconcileTarget[] {
  const change = { type: commit.type, node: commit.object as NodeLike };
  return daemonSetsToWake(change, daemonSets as DaemonSet[], podsOnNode as Pod[]).map((ds) => ({
    type: "object",
    resource: "apps/daemonsets",
    namespace: ds.metadata.namespace ?? "",
    name: ds.metadata.name ?? "",
  }));
}
