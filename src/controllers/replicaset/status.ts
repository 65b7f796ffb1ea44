// A ReplicaSet's status from the pods it owns (Kubernetes' replicaset calculateStatus and
// updateReplicaSetStatus): counts over active pods only, observedGeneration, and the
// ReplicaFailure condition while creates or deletes fail.
import { semanticEqual } from "../hash";
import type { Decision } from "../types";
import { getCondition, isPodAvailable, isPodReady, msUntilAvailable, removeCondition, rfc3339, setCondition, type Pod } from "../podutil";
import { REPLICA_FAILURE, type ReplicaSet, type ReplicaSetFailure, type ReplicaSetStatus } from "./types";

function hasLabels(pod: Pod, wanted: Record<string, string> | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  return Object.entries(wanted ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * The status Kubernetes would write. `pods` are the active pods the ReplicaSet owns at the start
 * of the pass (not counting creates and deletes it is about to make, as Kubernetes does).
 * Zero counts are left out as Go's omitempty leaves them out; `replicas` is always written.
 */
export function calculateReplicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], failure: ReplicaSetFailure | undefined, now: number): ReplicaSetStatus {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabels = rs.spec?.template?.metadata?.labels;
  const fullyLabeled = pods.filter((p) => hasLabels(p, templateLabels)).length;
  const ready = pods.filter(isPodReady).length;
  const available = pods.filter((p) => isPodAvailable(p, minReady, now)).length;

  let conditions = rs.status?.conditions ?? [];
  const current = getCondition(conditions, REPLICA_FAILURE);
  if (failure && !current) {
    conditions = setCondition(conditions, { type: REPLICA_FAILURE, status: "True", reason: failure.reason, message: failure.message, lastTransitionTime: rfc3339(now) });
  } else if (!failure && current) {
    conditions = removeCondition(conditions, REPLICA_FAILURE);
  }

  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.metadata.generation) status.observedGeneration = rs.metadata.generation;
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

/** The status with Go's zero values filled in, so that an absent count equals 0. */
function normalized(status: ReplicaSetStatus | undefined): Required<ReplicaSetStatus> {
  return {
    replicas: status?.replicas ?? 0,
    fullyLabeledReplicas: status?.fullyLabeledReplicas ?? 0,
    readyReplicas: status?.readyReplicas ?? 0,
    availableReplicas: status?.availableReplicas ?? 0,
    observedGeneration: status?.observedGeneration ?? 0,
    conditions: status?.conditions ?? [],
  };
}

export function replicaSetStatusEqual(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus | undefined): boolean {
  return semanticEqual(normalized(a), normalized(b));
}

/**
 * When to look again for pods that are ready but not yet available (minReadySeconds pending):
 * the soonest such pod's boundary, or undefined when none is waiting.
 */
export function availabilityRequeue(pods: readonly Pod[], minReadySeconds: number, now: number): number | undefined {
  let soonest: number | undefined;
  for (const pod of pods) {
    const ms = msUntilAvailable(pod, minReadySeconds, now);
    if (ms !== undefined && (soonest === undefined || ms < soonest)) soonest = ms;
  }
  return soonest;
}

/** A ReplicaSet's status writes that only recount its pods go at most this often. */
export const STATUS_RECOUNT_INTERVAL_MS = 500;

/** The two statuses differ in pod counts only: same observedGeneration, same conditions. */
function recountOnly(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus | undefined): boolean {
  const counts = { replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0 };
  return semanticEqual({ ...normalized(a), ...counts }, { ...normalized(b), ...counts });
}

/**
 * While pods keep changing (thousands starting), every pass would write the status again and
 * wake the Deployment above for it. A status write that only recounts pods is held back until
 * `intervalMs` after the previous status write and the pass asks to be run again then, so the
 * last count is always written; a new generation or condition is written at once. `lastWrite` is
 * when the reconciler last wrote this status (undefined: not since it started).
 */
export function throttleRecount(decision: Decision, rs: ReplicaSet, lastWrite: number | undefined, now: number, intervalMs = STATUS_RECOUNT_INTERVAL_MS): Decision {
  if (lastWrite === undefined || now - lastWrite >= intervalMs) return decision;
  const write = decision.actions.find((a) => a.type === "updateStatus");
  if (!write || !recountOnly(rs.status, (write.object as ReplicaSet).status)) return decision;
  const wait = lastWrite + intervalMs - now;
  return { actions: decision.actions.filter((a) => a !== write), requeueAfterMs: Math.min(decision.requeueAfterMs ?? wait, wait) };
}
