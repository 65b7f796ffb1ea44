// One reconcile pass: read the current state, decide, carry the decision out. Controllers are
// looked up by resource; finalization (garbage collection, namespace termination) comes first.
import type { KubeObject, OwnerReference } from "../apis/types";
import { kindByApiVersion } from "../apis/registry";
import { resourceKey } from "../api/paths";
import { Client } from "./client";
import type { Store } from "../store/store";
import type { Settings } from "../settings";
import { decideDeletingOwner, decideOrphans, decideTerminatingNamespace, type Dependent } from "./garbagecollector";
import type { ReconcileTarget } from "./targets";
import type { Action, Decision } from "./types";
import { releaseTrackedPods } from "./job/release";
import { executeDecision, type PassResult } from "./run";

export interface ControllerContext {
  client: Client;
  now: number;
  settings: Settings;
  /** What a controller keeps between passes of one object (e.g. the last failed create). */
  memo: Map<string, unknown>;
}

/** A controller: reads what it needs, decides, and carries the decision out. */
export type Controller = (ctx: ControllerContext, obj: KubeObject) => Promise<PassResult>;

export interface RegisteredController {
  /** The identity it acts as: field manager and the source of its Events. */
  name: string;
  reconcile: Controller;
}

/** What a pass needs before it knows which controller (and so which identity) will act. */
export interface PassContext {
  store: Store;
  now: number;
  settings: Settings;
  memo: Map<string, unknown>;
  /** Told of every action the pass carries out. */
  onAction?: (action: Action) => void;
}

const GARBAGE_COLLECTOR = "generic-garbage-collector";
const NAMESPACE_CONTROLLER = "namespace-controller";

/** Namespaces can hold many objects: take them in bounded bites, one pass each. */
const NAMESPACE_BITE = 200;

async function ownerAlive(client: Client, ref: OwnerReference, d: Dependent): Promise<boolean> {
  const kind = kindByApiVersion(ref.apiVersion, ref.kind);
  if (!kind) return false;
  const owner = await client.get(resourceKey(kind), kind.namespaced ? (d.object.metadata.namespace ?? "") : "", ref.name);
  return owner?.metadata.uid === ref.uid;
}

/** Finalizers a gone or deleting owner's controller held on its dependents go before the collector acts on them. */
function withReleased(released: Action[], decision: Decision): Decision {
  return released.length ? { ...decision, actions: [...released, ...decision.actions] } : decision;
}

async function finalize(client: Client, resource: string, obj: KubeObject): Promise<Decision> {
  if (obj.kind === "Namespace" && resource === "namespaces") {
    return decideTerminatingNamespace(obj, await client.store.inNamespace(obj.metadata.name ?? "", NAMESPACE_BITE));
  }
  const uid = obj.metadata.uid ?? "";
  const dependents = await client.store.owned(uid);
  return withReleased(releaseTrackedPods(uid, dependents), decideDeletingOwner(resource, obj, dependents));
}

async function collectOrphans(client: Client, uid: string): Promise<Decision> {
  const dependents = await client.store.owned(uid);
  const alive = new Map<string, boolean>();
  for (const d of dependents) {
    for (const ref of d.object.metadata.ownerReferences ?? []) {
      if (ref.uid !== uid && !alive.has(ref.uid)) alive.set(ref.uid, await ownerAlive(client, ref, d));
    }
  }
  return withReleased(releaseTrackedPods(uid, dependents), decideOrphans(uid, dependents, (ref) => alive.get(ref.uid) ?? false));
}

/** Several controllers' passes as one: the first error, the soonest requeue. */
function combined(a: PassResult, b: PassResult): PassResult {
  const requeue = [a.requeueAfterMs, b.requeueAfterMs].filter((ms) => ms !== undefined);
  return { error: a.error ?? b.error, requeueAfterMs: requeue.length ? Math.min(...requeue) : undefined };
}

export async function reconcileOnce(pass: PassContext, target: ReconcileTarget, controllers: ReadonlyMap<string, readonly RegisteredController[]>): Promise<PassResult> {
  const clientAs = (name: string) => new Client(pass.store, () => pass.now, name, pass.onAction);
  if (target.type === "orphans") {
    const client = clientAs(GARBAGE_COLLECTOR);
    return executeDecision(client, await collectOrphans(client, target.uid));
  }
  const obj = await pass.store.get({ resource: target.resource, namespace: target.namespace, name: target.name });
  if (!obj) return {};
  if (obj.metadata.deletionTimestamp) {
    const client = clientAs(target.resource === "namespaces" ? NAMESPACE_CONTROLLER : GARBAGE_COLLECTOR);
    return executeDecision(client, await finalize(client, target.resource, obj));
  }
  let result: PassResult = {};
  for (const controller of controllers.get(target.resource) ?? []) {
    result = combined(result, await controller.reconcile({ client: clientAs(controller.name), now: pass.now, settings: pass.settings, memo: pass.memo }, obj));
  }
  return result;
}
