// The delay before failed pods are replaced (backoff_utils.go): 10 s after the first failure
// since the last success, doubling with each further failure, at most 6 minutes. Kubernetes keeps
// the count in memory; here it is read from the pods themselves, which a Job keeps until it is
// deleted, so a reconciler that restarts does not forget it. Per-index backoff counts failures
// in the index's failure-count annotations instead.
import { parseTime, podReadyCondition } from "../podutil";
import { containerStatuses, INDEX_FAILURE_COUNT, INDEX_IGNORED_FAILURE_COUNT, type Pod } from "./types";

export const BACKOFF_BASE_MS = 10_000;
export const BACKOFF_MAX_MS = 6 * 60_000;
const MAX_INT32 = 2147483647;

/**
 * getFinishedTime: when the last container finished (if all have), else when Ready turned False,
 * else the deletion time less the grace period, else the pod's creation.
 */
export function podFinishTime(pod: Pod): number {
  const statuses = containerStatuses(pod);
  const finished = statuses.map((s) => parseTime(s.state?.terminated?.finishedAt));
  if (statuses.length > 0 && finished.every((t) => t !== undefined)) return Math.max(...(finished as number[]));
  const ready = podReadyCondition(pod);
  const readyFalse = ready?.status === "False" ? parseTime(ready.lastTransitionTime) : undefined;
  if (readyFalse !== undefined) return readyFalse;
  const deleted = parseTime(pod.metadata.deletionTimestamp);
  if (deleted !== undefined) return deleted - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return parseTime(pod.metadata.creationTimestamp) ?? 0;
}

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** Failures that finished after the last success, and when the latest of them did. */
export function backoffRecord(succeeded: readonly Pod[], failed: readonly Pod[]): BackoffRecord {
  const lastSuccess = Math.max(-Infinity, ...succeeded.map(podFinishTime));
  const after = failed.map(podFinishTime).filter((t) => t > lastSuccess);
  return after.length === 0 ? { failuresAfterLastSuccess: 0 } : { failuresAfterLastSuccess: after.length, lastFailureTime: Math.max(...after) };
}

/** getRemainingTimeForFailuresCount: ms left of the backoff after `failures` failures, the last at `lastFailure`. */
export function remainingBackoffMs(failures: number, lastFailure: number | undefined, now: number): number {
  if (failures === 0 || lastFailure === undefined) return 0;
  let delay = BACKOFF_BASE_MS;
  for (let i = 1; i < failures && delay < BACKOFF_MAX_MS; i++) delay = Math.min(delay * 2, BACKOFF_MAX_MS);
  return Math.max(0, delay - (now - lastFailure));
}

/** An int32 annotation; 0 when absent, malformed or out of range (a user may have written it). */
function countAnnotation(pod: Pod, key: string): number {
  const raw = pod.metadata.annotations?.[key];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const n = Number(raw);
  return n >= 0 && n <= MAX_INT32 ? n : 0;
}

export function indexFailureCount(pod: Pod): number {
  return countAnnotation(pod, INDEX_FAILURE_COUNT);
}

export function indexIgnoredFailureCount(pod: Pod): number {
  return countAnnotation(pod, INDEX_IGNORED_FAILURE_COUNT);
}

/** getRemainingTimePerIndex: the backoff of an index whose last failed pod is `lastFailed`. */
export function remainingIndexBackoffMs(lastFailed: Pod | undefined, now: number): number {
  if (!lastFailed) return 0;
  const failures = indexFailureCount(lastFailed) + indexIgnoredFailureCount(lastFailed) + 1;
  return remainingBackoffMs(failures, podFinishTime(lastFailed), now);
}
