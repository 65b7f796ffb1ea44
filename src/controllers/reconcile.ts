// One reconcile pass: read the current state, decide, carry the decision out. Controllers are
// looked up by resource; finalization (garbage collection, namespace termination) comes first.
import type { KubeObject, OwnerReference } from "../apis/types";
import { kindByApiVersion } from "../apis/registry";
import { resourceKey } from "../api/paths";
import type { Client } from "./client";
import { decideDeletingOwner, decideOrphans, decideTerminatingNamespace, type Dependent } from "./garbagecollector";
import type { ReconcileTarget } from "./targets";
import type { Decision } from "./types";
import type { ApiError } from "../api/status";

/** A controller: reads what it needs through the client and returns its decision. */
export type Controller = (client: Client, obj: KubeObject) => Promise<Decision>;

export interface PassResult {
  requeueAfterMs?: number;
  error?: ApiError;
}

/** Namespaces can hold many objects: take them in bounded bites, one pass each. */
const NAMESPACE_BITE = 200;

async function ownerAlive(client: Client, ref: OwnerReference, d: Dependent): Promise<boolean> {
  const kind = kindByApiVersion(ref.apiVersion, ref.kind);
  if (!kind) return false;
  const owner = await client.get(resourceKey(kind), kind.namespaced ? (d.object.metadata.namespace ?? "") : "", ref.name);
  return owner?.metadata.uid === ref.uid;
}

async function finalize(client: Client, resource: string, obj: KubeObject): Promise<Decision> {
  if (obj.kind === "Namespace" && resource === "namespaces") {
    return decideTerminatingNamespace(obj, await client.store.inNamespace(obj.metadata.name ?? "", NAMESPACE_BITE));
  }
  return decideDeletingOwner(resource, obj, await client.store.owned(obj.metadata.uid ?? ""));
}

async function collectOrphans(client: Client, uid: string): Promise<Decision> {
  const dependents = await client.store.owned(uid);
  const alive = new Map<string, boolean>();
  for (const d of dependents) {
    for (const ref of d.object.metadata.ownerReferences ?? []) {
      if (ref.uid !== uid && !alive.has(ref.uid)) alive.set(ref.uid, await ownerAlive(client, ref, d));
    }
  }
  return decideOrphans(uid, dependents, (ref) => alive.get(ref.uid) ?? false);
}

export async function reconcileOnce(client: Client, target: ReconcileTarget, controllers: ReadonlyMap<string, Controller>): Promise<PassResult> {
  let decision: Decision;
  if (target.type === "orphans") {
    decision = await collectOrphans(client, target.uid);
  } else {
    const obj = await client.get(target.resource, target.namespace, target.name);
    if (!obj) return {};
    const controller = controllers.get(target.resource);
    if (obj.metadata.deletionTimestamp) decision = await finalize(client, target.resource, obj);
    else if (controller) decision = await controller(client, obj);
    else return {};
  }
  const error = await client.applyAll(decision.actions);
  return { requeueAfterMs: decision.requeueAfterMs, error };
}
