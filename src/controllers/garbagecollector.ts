// Garbage collection decisions (Kubernetes' garbage collector and namespace controller):
//  - an owner deleting with the `orphan` finalizer frees its dependents, then drops the finalizer;
//  - an owner deleting with `foregroundDeletion` deletes its dependents and waits for those that
//    block its deletion, then drops the finalizer;
//  - dependents whose owners are all gone are deleted; references to gone owners are removed;
//  - a terminating Namespace deletes everything in it, then drops its `kubernetes` finalizer.
import type { KubeObject, OwnerReference } from "../apis/types";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from "../api/writes";
import type { Action, Decision, ResourceKey } from "./types";

export interface Dependent {
  resource: ResourceKey;
  object: KubeObject;
}

function withoutOwner(d: Dependent, uid: string): Action {
  const refs = (d.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
  const metadata = { ...d.object.metadata, ownerReferences: refs.length ? refs : undefined };
  if (!metadata.ownerReferences) delete metadata.ownerReferences;
  return { type: "update", resource: d.resource, object: { ...d.object, metadata } };
}

function dropFinalizer(resource: ResourceKey, owner: KubeObject, finalizer: string): Action {
  const finalizers = (owner.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  const metadata = { ...owner.metadata, finalizers: finalizers.length ? finalizers : undefined };
  if (!metadata.finalizers) delete metadata.finalizers;
  return { type: "update", resource, object: { ...owner, metadata } };
}

function deleteAction(d: Dependent, propagationPolicy: "Background" | "Foreground"): Action {
  const m = d.object.metadata;
  return { type: "delete", resource: d.resource, namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid, propagationPolicy };
}

function refTo(d: Dependent, uid: string): OwnerReference | undefined {
  return d.object.metadata.ownerReferences?.find((r) => r.uid === uid);
}

/** An owner being deleted with the orphan or foreground finalizer, and its dependents. */
export function decideDeletingOwner(resource: ResourceKey, owner: KubeObject, dependents: Dependent[]): Decision {
  const uid = owner.metadata.uid ?? "";
  const finalizers = owner.metadata.finalizers ?? [];
  if (finalizers.includes(ORPHAN_FINALIZER)) {
    // Free every dependent, then drop the finalizer: actions stop at the first failure, so the
    // finalizer goes only once every dependent was freed (freed dependents no longer wake us).
    return { actions: [...dependents.map((d) => withoutOwner(d, uid)), dropFinalizer(resource, owner, ORPHAN_FINALIZER)] };
  }
  if (finalizers.includes(FOREGROUND_FINALIZER)) {
    const actions: Action[] = dependents.filter((d) => !d.object.metadata.deletionTimestamp).map((d) => deleteAction(d, "Foreground"));
    const blocking = dependents.filter((d) => refTo(d, uid)?.blockOwnerDeletion === true);
    if (!blocking.length) actions.push(dropFinalizer(resource, owner, FOREGROUND_FINALIZER));
    return { actions };
  }
  return { actions: [] };
}

/**
 * Dependents of an owner that is gone. `alive` tells which of their other owners still exist.
 * Owners waiting in foreground deletion still count as alive; their dependents go through them.
 */
export function decideOrphans(goneUid: string, dependents: Dependent[], alive: (ref: OwnerReference, d: Dependent) => boolean): Decision {
  const actions: Action[] = [];
  for (const d of dependents) {
    if (d.object.metadata.deletionTimestamp || !refTo(d, goneUid)) continue;
    const others = (d.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== goneUid);
    if (others.some((r) => alive(r, d))) actions.push(withoutOwner(d, goneUid));
    else actions.push(deleteAction(d, "Background"));
  }
  return { actions };
}

export const NAMESPACE_FINALIZER = "kubernetes";
const NAMESPACE_RECHECK_MS = 500;

/** A terminating namespace: delete its contents, then release the namespace. */
export function decideTerminatingNamespace(namespace: KubeObject, contents: Dependent[]): Decision {
  const pending = contents.filter((d) => !d.object.metadata.deletionTimestamp);
  // Deleting the contents changes nothing the namespace watches: look again until it is empty.
  if (contents.length) return { actions: pending.map((d) => deleteAction(d, "Background")), requeueAfterMs: NAMESPACE_RECHECK_MS };
  const spec = (namespace.spec ?? {}) as { finalizers?: string[] };
  if (!(spec.finalizers ?? []).includes(NAMESPACE_FINALIZER)) return { actions: [] };
  const finalizers = (spec.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
  return { actions: [{ type: "update", resource: "namespaces", object: { ...namespace, spec: { ...spec, finalizers } } }] };
}
