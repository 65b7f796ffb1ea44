// trackJobStatusAndRemoveFinalizers: how finished pods are counted without ever being counted
// twice or lost. A finished pod still carrying the tracking finalizer is first recorded in
// status.uncountedTerminatedPods (Indexed successes go straight to completedIndexes), that
// status is written, and only then is its finalizer removed; a later pass moves pods whose
// finalizer is gone from the uncounted lists to the succeeded and failed counters. The Job gets
// its final condition (Complete or Failed) once nothing is left uncounted, terminating or
// holding a finalizer, so a finished Job's counters are final.
import { type Action } from "../types";
import { newCondition, ensureCondition, findCondition, isSuccessCriteria } from "./conditions";
import { completionIndex, formatIntervals, hasIndex, totalIndexes, validIndex, withIndexes } from "./indexes";
import { matchPodFailurePolicy } from "./policy";
import { hasBackoffLimitPerIndex, hasTrackingFinalizer, isIndexed, isPodFailed } from "./pods";
import { completionsOf, type SyncState } from "./state";
import type { JobCondition, JobStatus, Pod, Uncounted } from "./types";

/** MaxUncountedPods: keeps uncountedTerminatedPods under about 20 KB. */
const MAX_UNCOUNTED_PODS = 500;

export interface Tracked {
  /** Pods whose tracking finalizer goes once the status is written. */
  removals: Pod[];
  /** Events about the Job finishing. */
  events: Action[];
}

/** cleanUncountedPodsWithoutFinalizers: uncounted pods whose finalizer is gone are counted now. */
function countReleased(status: JobStatus, withFinalizer: Set<string>): void {
  const uncounted: Uncounted = status.uncountedTerminatedPods ?? {};
  const stillSucceeded = (uncounted.succeeded ?? []).filter((uid) => withFinalizer.has(uid));
  const stillFailed = (uncounted.failed ?? []).filter((uid) => withFinalizer.has(uid));
  // Both counters are omitempty: zero is left out.
  status.succeeded = (status.succeeded ?? 0) + (uncounted.succeeded ?? []).length - stillSucceeded.length || undefined;
  status.failed = (status.failed ?? 0) + (uncounted.failed ?? []).length - stillFailed.length || undefined;
  status.uncountedTerminatedPods = { ...(stillSucceeded.length ? { succeeded: stillSucceeded } : {}), ...(stillFailed.length ? { failed: stillFailed } : {}) };
}

/** canRemoveFinalizer: always once the Job is finishing or the pod succeeded; a failed pod unless its index still waits for a replacement. */
function canRemoveFinalizer(state: SyncState, pod: Pod, failed: boolean): boolean {
  if (state.finished || pod.status?.phase === "Succeeded") return true;
  if (!failed) return false;
  if (!hasBackoffLimitPerIndex(state.job)) return true;
  const ix = completionIndex(pod);
  return ix === undefined || state.delayedDeletion.get(ix)?.metadata.uid !== pod.metadata.uid;
}

/** Record the pod in the uncounted lists (an Indexed success in newIndexes); ignored failures are not recorded. */
function record(state: SyncState, pod: Pod, failed: boolean, newIndexes: number[]): void {
  const uid = pod.metadata.uid ?? "";
  const uncounted = (state.status.uncountedTerminatedPods ??= {});
  const completions = completionsOf(state.job) ?? 0;
  const indexed = isIndexed(state.job);
  if (pod.status?.phase === "Succeeded" && !state.uncounted.failed.has(uid)) {
    if (indexed) {
      const ix = validIndex(pod, completions);
      if (ix !== undefined && !hasIndex(state.prevSucceededIndexes, ix)) newIndexes.push(ix);
    } else if (!state.uncounted.succeeded.has(uid)) {
      uncounted.succeeded = [...(uncounted.succeeded ?? []), uid];
    }
    return;
  }
  // When the Job is failing every pod that did not succeed counts as failed.
  const failing = state.finished !== undefined && !isSuccessCriteria(state.finished);
  if (!failed && !failing) return;
  if (state.uncounted.failed.has(uid) || (indexed && validIndex(pod, completions) === undefined)) return;
  if (matchPodFailurePolicy(state.job.spec ?? {}, pod).countFailed) uncounted.failed = [...(uncounted.failed ?? []), uid];
}

/** The interim condition goes into the status now; the final one (Failed or Complete) waits for the counters. */
function recordInterim(state: SyncState): JobCondition | undefined {
  const finished = state.finished;
  if (!finished) return undefined;
  const conditions = (state.status.conditions ??= []);
  if (finished.type === "FailureTarget") {
    conditions.push(finished);
    return newCondition("Failed", "True", finished.reason ?? "", finished.message ?? "", state.now);
  }
  if (isSuccessCriteria(finished)) {
    if (findCondition(conditions, "SuccessCriteriaMet")?.status !== "True") conditions.push(finished);
    return newCondition("Complete", "True", finished.reason ?? "", finished.message ?? "", state.now);
  }
  return finished;
}

function uncountedCount(status: JobStatus): number {
  return (status.uncountedTerminatedPods?.succeeded ?? []).length + (status.uncountedTerminatedPods?.failed ?? []).length;
}

/** enactJobFinished and recordJobFinished: the final condition, completionTime and the Job's Event. */
function enact(state: SyncState, final: JobCondition): Action[] {
  const { status, job } = state;
  status.conditions = ensureCondition(status.conditions ?? [], final).conditions;
  if (final.type === "Complete") status.completionTime = final.lastTransitionTime ?? undefined;
  if (final.type !== "Complete") return [{ type: "event", about: job, eventType: "Warning", reason: final.reason ?? "", message: final.message ?? "" }];
  const events: Action[] = [];
  const completions = completionsOf(job);
  if (completions !== undefined && (status.succeeded ?? 0) > completions) {
    events.push({ type: "event", about: job, eventType: "Warning", reason: "TooManySucceededPods", message: "Too many succeeded pods running after completion count reached" });
  }
  events.push({ type: "event", about: job, eventType: "Normal", reason: "Completed", message: "Job completed" });
  return events;
}

export function trackJobStatus(state: SyncState): Tracked {
  const { job, status } = state;
  const indexed = isIndexed(job);
  const withFinalizer = state.pods.filter(hasTrackingFinalizer);
  countReleased(status, new Set(withFinalizer.map((p) => p.metadata.uid ?? "")));
  const ordered = indexed ? [...withFinalizer].sort((a, b) => (completionIndex(a) ?? -1) - (completionIndex(b) ?? -1)) : withFinalizer;
  const removals: Pod[] = [];
  const newIndexes: number[] = [];
  let full = false;
  for (const pod of ordered) {
    const failed = isPodFailed(pod, job);
    if (!canRemoveFinalizer(state, pod, failed)) continue;
    removals.push(pod);
    record(state, pod, failed, newIndexes);
    if (newIndexes.length + uncountedCount(status) >= MAX_UNCOUNTED_PODS) {
      full = true;
      break;
    }
  }
  if (indexed) {
    state.succeededIndexes = withIndexes(state.succeededIndexes, newIndexes);
    status.succeeded = totalIndexes(state.succeededIndexes);
    status.completedIndexes = formatIntervals(state.succeededIndexes) || undefined;
    status.failedIndexes = state.failedIndexes ? formatIntervals(state.failedIndexes) : undefined;
  }
  const final = recordInterim(state);
  const done = final !== undefined && !full && removals.length === 0 && uncountedCount(status) === 0 && state.terminating === 0;
  return { removals, events: done ? enact(state, final) : [] };
}
