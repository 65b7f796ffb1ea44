// A Deployment's status and its Progressing/Available conditions (sync.go calculateStatus,
// progress.go syncRolloutStatus and requeueStuckDeployment, checkPausedConditions).
import { getCondition, parseTime, removeCondition, rfc3339, setCondition, type StatusCondition } from "../podutil";
import { REPLICA_FAILURE as RS_REPLICA_FAILURE, type ReplicaSet } from "../replicaset/types";
import { desiredReplicas, maxUnavailable, sumReplicas, sumStatus } from "./arithmetic";
import { AVAILABLE, MAX_INT32, PROGRESSING, REPLICA_FAILURE, Reason, type Deployment, type DeploymentStatus } from "./types";
import type { Work } from "./work";

/** HasProgressDeadline: set, and not MaxInt32 ("never"). */
export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== MAX_INT32;
}

function condition(type: string, status: string, reason: string, message: string, now: number): StatusCondition {
  const t = rfc3339(now);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

/** checkPausedConditions: Progressing=Unknown DeploymentPaused / DeploymentResumed, unless it already timed out. */
export function checkPausedConditions(work: Work): void {
  const d = work.d;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(work.status.conditions, PROGRESSING);
  if (cond?.reason === Reason.ProgressDeadlineExceeded) return;
  const pausedCondExists = cond?.reason === Reason.DeploymentPaused;
  if (d.spec?.paused && !pausedCondExists) {
    work.status.conditions = setCondition(work.status.conditions, condition(PROGRESSING, "Unknown", Reason.DeploymentPaused, "Deployment is paused", work.now));
  } else if (!d.spec?.paused && pausedCondExists) {
    work.status.conditions = setCondition(work.status.conditions, condition(PROGRESSING, "Unknown", Reason.DeploymentResumed, "Deployment is resumed", work.now));
  }
}

/**
 * calculateStatus: counts from the ReplicaSets' own status (what their controller observed), the
 * Available condition from maxUnavailable. Zero counts are left out, as Go's omitempty does.
 */
export function calculateStatus(work: Work, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentStatus {
  const d = work.d;
  const available = sumStatus(allRSs, "availableReplicas");
  const counts = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatus(allRSs, "replicas"),
    updatedReplicas: sumStatus([newRS], "replicas"),
    readyReplicas: sumStatus(allRSs, "readyReplicas"),
    availableReplicas: available,
    // More available than asked for (scaling down) is not negative unavailability.
    unavailableReplicas: Math.max(0, sumReplicas(allRSs) - available),
  };
  const status: DeploymentStatus = {};
  for (const [k, v] of Object.entries(counts) as [keyof typeof counts, number][]) if (v !== 0) status[k] = v;
  const conditions =
    available >= desiredReplicas(d) - maxUnavailable(d)
      ? setCondition(work.status.conditions, condition(AVAILABLE, "True", Reason.MinimumReplicasAvailable, "Deployment has minimum availability.", work.now))
      : setCondition(work.status.conditions, condition(AVAILABLE, "False", Reason.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", work.now));
  if (conditions.length > 0) status.conditions = conditions;
  if (work.status.collisionCount !== undefined) status.collisionCount = work.status.collisionCount;
  return status;
}

/** DeploymentComplete: all replicas updated and available, no old ones, this generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus | undefined): boolean {
  const replicas = desiredReplicas(d);
  return (s?.updatedReplicas ?? 0) === replicas && (s?.replicas ?? 0) === replicas && (s?.availableReplicas ?? 0) === replicas && (s?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than last observed. */
export function deploymentProgressing(d: Deployment, next: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/**
 * DeploymentTimedOut: no progress reported for progressDeadlineSeconds since the Progressing
 * condition's lastUpdateTime. A condition without a time gives no base and does not time out.
 */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(s.conditions, PROGRESSING);
  if (!cond || cond.reason === Reason.NewReplicaSetAvailable) return false;
  if (cond.reason === Reason.ProgressDeadlineExceeded) return true;
  const from = parseTime(cond.lastUpdateTime);
  return from !== undefined && from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now;
}

function rsName(newRS: ReplicaSet | undefined): string | undefined {
  return newRS?.metadata.name;
}

/** The Progressing condition for a rollout in flight (the switch in syncRolloutStatus). */
function progressCondition(work: Work, next: DeploymentStatus, newRS: ReplicaSet | undefined): StatusCondition[] | undefined {
  const d = work.d;
  const name = rsName(newRS);
  const subject = name ? `ReplicaSet "${name}"` : `Deployment "${d.metadata.name}"`;
  if (deploymentComplete(d, next)) {
    return setCondition(next.conditions, condition(PROGRESSING, "True", Reason.NewReplicaSetAvailable, `${subject} has successfully progressed.`, work.now));
  }
  if (deploymentProgressing(d, next)) {
    // Progress refreshes lastUpdateTime even with the same reason; only a status change moves lastTransitionTime.
    const fresh = condition(PROGRESSING, "True", Reason.ReplicaSetUpdated, `${subject} is progressing.`, work.now);
    const current = getCondition(work.status.conditions, PROGRESSING);
    if (current?.status === "True") fresh.lastTransitionTime = current.lastTransitionTime;
    return [...removeCondition(next.conditions, PROGRESSING), fresh];
  }
  if (deploymentTimedOut(d, next, work.now)) {
    return setCondition(next.conditions, condition(PROGRESSING, "False", Reason.ProgressDeadlineExceeded, `${subject} has timed out progressing.`, work.now));
  }
  return undefined;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else an old one's, as a Deployment condition. */
function replicaFailure(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): StatusCondition | undefined {
  for (const rs of [newRS, ...allRSs]) {
    const c = getCondition(rs?.status?.conditions, RS_REPLICA_FAILURE);
    if (c) return { type: REPLICA_FAILURE, status: c.status, reason: c.reason, message: c.message, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime };
  }
  return undefined;
}

/**
 * When to look again for ProgressDeadlineExceeded: a second past the deadline of the Progressing
 * condition being written, unless the rollout is complete, already timed out, or reported
 * available (those never time out, so a wake-up would be wasted).
 */
function deadlineRequeue(d: Deployment, s: DeploymentStatus, now: number): number | undefined {
  const cond = getCondition(s.conditions, PROGRESSING);
  if (!hasProgressDeadline(d) || !cond || deploymentComplete(d, s)) return undefined;
  if (cond.reason === Reason.ProgressDeadlineExceeded || cond.reason === Reason.NewReplicaSetAvailable) return undefined;
  const from = parseTime(cond.lastUpdateTime);
  if (from === undefined) return undefined;
  return Math.max(0, from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now) + 1000;
}

/** syncRolloutStatus: status, progress estimate, replica failures, and the deadline wake-up. */
export function syncRolloutStatus(work: Work, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): void {
  const d = work.d;
  const next = calculateStatus(work, allRSs, newRS);
  if (!hasProgressDeadline(d)) next.conditions = removeCondition(next.conditions, PROGRESSING);
  const current = getCondition(work.status.conditions, PROGRESSING);
  const isComplete = next.replicas === next.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const conditions = progressCondition(work, next, newRS);
    if (conditions) next.conditions = conditions;
  }
  const failure = replicaFailure(allRSs, newRS);
  next.conditions = failure ? setCondition(next.conditions, failure) : removeCondition(next.conditions, REPLICA_FAILURE);
  if (next.conditions.length === 0) delete next.conditions;
  work.finalStatus = next;
  work.requeueAfterMs = deadlineRequeue(d, next, work.now);
}

/** syncDeploymentStatus: the status without progress estimates (scaling, paused, deleting). */
export function syncDeploymentStatus(work: Work, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): void {
  work.finalStatus = calculateStatus(work, allRSs, newRS);
}
