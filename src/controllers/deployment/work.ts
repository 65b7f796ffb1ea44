// The working state of one Deployment pass. Kubernetes' sync functions write to the API as they
// go and carry on with the returned objects; here they change private copies of the
// ReplicaSets, and `toDecision` turns the differences into actions at the end: at most one write
// per object per pass, each ReplicaSet's scaling reported by one ScalingReplicaSet event.
import { semanticEqual } from "../hash";
import type { Action, Decision } from "../types";
import type { ReplicaSet } from "../replicaset/types";
import { desiredReplicas, maxSurge, replicasOf } from "./arithmetic";
import { replicasAnnotationsNeedUpdate, setReplicasAnnotations } from "./revision";
import { REVISION, type Deployment, type DeploymentInput, type DeploymentStatus } from "./types";
import { clone } from "../../util/json";

const RS_RESOURCE = "apps/replicasets";
const DEPLOYMENT_RESOURCE = "apps/deployments";

interface Entry {
  /** As read, or undefined for the ReplicaSet this pass creates. */
  original?: ReplicaSet;
  current: ReplicaSet;
}

export interface Work {
  input: DeploymentInput;
  d: Deployment;
  now: number;
  /** d.Status as Kubernetes mutates it in place during a sync (conditions, collisionCount). */
  status: DeploymentStatus;
  /** The status to write, once a status sync ran; undefined leaves the status alone. */
  finalStatus?: DeploymentStatus;
  /** The revision the Deployment's annotation should carry, once known. */
  revision?: string;
  entries: Map<ReplicaSet, Entry>;
  /** ReplicaSets in the order they were first changed, for a stable order of writes. */
  touched: ReplicaSet[];
  created?: ReplicaSet;
  deletes: ReplicaSet[];
  events: Action[];
  requeueAfterMs?: number;
  /** A hash collision stopped the pass: only the bumped collisionCount is written. */
  aborted: boolean;
}

export function newWork(input: DeploymentInput): Work {
  const d = input.deployment;
  return {
    input,
    d,
    now: input.now,
    status: clone(d.status ?? {}),
    entries: new Map(),
    touched: [],
    deletes: [],
    events: [],
    aborted: false,
  };
}

/** Our private copy of a ReplicaSet read from the store; `original` is what a write is compared with. */
export function track(work: Work, original: ReplicaSet | undefined, current: ReplicaSet): ReplicaSet {
  work.entries.set(current, { original, current });
  return current;
}

export function touch(work: Work, rs: ReplicaSet): void {
  if (!work.touched.includes(rs)) work.touched.push(rs);
}

/**
 * scaleReplicaSet: set the size and the replicas annotations; whether the size changed.
 * Kubernetes also writes when only the annotations are stale, which is how a scaling event ends.
 */
export function scaleReplicaSet(work: Work, rs: ReplicaSet, newScale: number): boolean {
  const replicas = desiredReplicas(work.d);
  const max = replicas + maxSurge(work.d);
  const sizeChanged = replicasOf(rs) !== newScale;
  if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, replicas, max)) return false;
  rs.spec = { ...rs.spec, replicas: newScale };
  setReplicasAnnotations(rs, replicas, max);
  touch(work, rs);
  return sizeChanged;
}

/** scaleReplicaSetAndRecordEvent: nothing at all when the size is already right. */
export function scaleAndRecord(work: Work, rs: ReplicaSet, newScale: number): boolean {
  if (replicasOf(rs) === newScale) return false;
  return scaleReplicaSet(work, rs, newScale);
}

/** Changes to our copy since it was read (adoption, release, annotations, size). */
function changedSinceRead(entry: Entry): boolean {
  return entry.original !== undefined && !semanticEqual(entry.original, entry.current);
}

function scalingEvent(work: Work, name: string, from: number, to: number): Action {
  const direction = to > from ? "up" : "down";
  return { type: "event", about: work.d, eventType: "Normal", reason: "ScalingReplicaSet", message: `Scaled ${direction} replica set ${name} from ${from} to ${to}` };
}

function replicaSetActions(work: Work): Action[] {
  const actions: Action[] = [];
  if (work.created) {
    actions.push({ type: "create", resource: RS_RESOURCE, object: work.created });
    const to = replicasOf(work.created);
    if (to > 0) actions.push(scalingEvent(work, work.created.metadata.name ?? "", 0, to));
  }
  for (const rs of work.touched) {
    const entry = work.entries.get(rs);
    if (!entry?.original || !changedSinceRead(entry)) continue;
    actions.push({ type: "update", resource: RS_RESOURCE, object: entry.current });
    const from = replicasOf(entry.original);
    const to = replicasOf(entry.current);
    if (from !== to) actions.push(scalingEvent(work, rs.metadata.name ?? "", from, to));
  }
  for (const rs of work.deletes) {
    const m = rs.metadata;
    actions.push({ type: "delete", resource: RS_RESOURCE, namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid, propagationPolicy: "Background" });
  }
  return actions;
}

/** Go's zero values filled in, so that an absent count equals 0 (collisionCount is a pointer: kept as is). */
function normalized(s: DeploymentStatus | undefined): DeploymentStatus {
  return {
    observedGeneration: s?.observedGeneration ?? 0,
    replicas: s?.replicas ?? 0,
    updatedReplicas: s?.updatedReplicas ?? 0,
    readyReplicas: s?.readyReplicas ?? 0,
    availableReplicas: s?.availableReplicas ?? 0,
    unavailableReplicas: s?.unavailableReplicas ?? 0,
    conditions: s?.conditions ?? [],
    collisionCount: s?.collisionCount,
  };
}

export function deploymentStatusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return semanticEqual(normalized(a), normalized(b));
}

/**
 * The Deployment's own write. The status subresource cannot change annotations and a plain update
 * cannot change status, and both are conditional on the same resourceVersion, so a pass makes at
 * most one of them: the status first; the revision annotation on a pass where the status is
 * already right (the status write itself triggers that pass).
 */
function deploymentAction(work: Work): Action | undefined {
  const d = work.d;
  const status = work.aborted ? work.status : work.finalStatus;
  if (status && !deploymentStatusEqual(d.status, status)) {
    return { type: "updateStatus", resource: DEPLOYMENT_RESOURCE, object: { ...d, status } };
  }
  if (work.revision !== undefined && d.metadata.annotations?.[REVISION] !== work.revision && !d.metadata.deletionTimestamp) {
    const annotations = { ...(d.metadata.annotations ?? {}), [REVISION]: work.revision };
    return { type: "update", resource: DEPLOYMENT_RESOURCE, object: { ...d, metadata: { ...d.metadata, annotations } } };
  }
  return undefined;
}

/** Actions in the order Kubernetes makes the calls: new ReplicaSet, scaling, clean-up, events, the Deployment. */
export function toDecision(work: Work): Decision {
  const actions = work.aborted ? [] : replicaSetActions(work);
  actions.push(...work.events);
  const own = deploymentAction(work);
  if (own) actions.push(own);
  return work.requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs: work.requeueAfterMs };
}
