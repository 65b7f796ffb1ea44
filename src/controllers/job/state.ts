// What one pass of the Job controller knows (syncJobCtx): the pods by state, the counters with
// this pass's newly finished pods, the succeeded and failed indexes, and the condition the Job is
// finishing with, decided in syncJob's order: an earlier decision (SuccessCriteriaMet,
// FailureTarget), a FailJob rule, backoffLimit, activeDeadlineSeconds, failed indexes, then the
// successPolicy.
import { isPodActive, isPodReady, parseTime } from "../podutil";
import { newCondition, findCondition, isTrue } from "./conditions";
import { indexFailureCount, indexIgnoredFailureCount, podFinishTime } from "./backoff";
import { hasIndex, indexesOf, parseIndexes, totalIndexes, validIndex, withIndexes, type Interval } from "./indexes";
import { matchPodFailurePolicy, matchSuccessPolicy } from "./policy";
import { hasBackoffLimitPerIndex, hasTrackingFinalizer, isIndexed, isPodFailed, isPodTerminating } from "./pods";
import { containerStatuses, REASON, type Job, type JobCondition, type JobStatus, type Pod, type Uncounted } from "./types";
import { clone } from "../../util/json";

const MAX_INT32 = 2147483647;

export interface SyncState {
  job: Job;
  now: number;
  /** Working copy of the status, written at the end of the pass if it changed. */
  status: JobStatus;
  pods: Pod[];
  activePods: Pod[];
  /** Active pods after this pass's deletions and creations. */
  active: number;
  ready: number;
  terminating: number;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  newSucceeded: Pod[];
  newFailed: Pod[];
  succeeded: number;
  failed: number;
  prevSucceededIndexes: Interval[];
  succeededIndexes: Interval[];
  failedIndexes?: Interval[];
  /** backoffLimitPerIndex: the failed pod of each index whose removal waits for its replacement. */
  delayedDeletion: Map<number, Pod>;
  finished?: JobCondition;
}

export const completionsOf = (job: Job) => job.spec?.completions;
export const isSuspended = (job: Job) => job.spec?.suspend === true;

/** Finished pods with the finalizer that this Job has not counted, as getNewFinishedPods picks them. */
function newFinished(job: Job, pods: Pod[], uncounted: Set<string>, filter: (p: Pod) => boolean): Pod[] {
  const completions = completionsOf(job) ?? 0;
  return pods.filter((p) => {
    if (!hasTrackingFinalizer(p) || uncounted.has(p.metadata.uid ?? "")) return false;
    if (isIndexed(job) && validIndex(p, completions) === undefined) return false;
    return filter(p);
  });
}

export function newSyncState(job: Job, pods: Pod[], now: number): SyncState {
  const status: JobStatus = clone(job.status ?? {});
  const recorded: Uncounted = status.uncountedTerminatedPods ?? {};
  const uncounted = { succeeded: new Set(recorded.succeeded ?? []), failed: new Set(recorded.failed ?? []) };
  const activePods = pods.filter(isPodActive);
  const newSucceeded = newFinished(job, pods, uncounted.succeeded, (p) => p.status?.phase === "Succeeded");
  const newFailed = newFinished(job, pods, uncounted.failed, (p) => isPodFailed(p, job));
  const counted = newFailed.filter((p) => matchPodFailurePolicy(job.spec ?? {}, p).countFailed).length;
  return {
    job,
    now,
    status,
    pods,
    activePods,
    active: activePods.length,
    ready: activePods.filter(isPodReady).length,
    terminating: pods.filter(isPodTerminating).length,
    uncounted,
    newSucceeded,
    newFailed,
    succeeded: (status.succeeded ?? 0) + newSucceeded.length + uncounted.succeeded.size,
    failed: (status.failed ?? 0) + counted + uncounted.failed.size,
    prevSucceededIndexes: [],
    succeededIndexes: [],
    delayedDeletion: new Map(),
  };
}

/** pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts of live pods count as failures. */
function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== "OnFailure") return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== "Running" && p.status?.phase !== "Pending") continue;
    for (const s of [...containerStatuses(p, true), ...containerStatuses(p)]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** When activeDeadlineSeconds runs out (ms); undefined without a deadline, a start, or while suspended. */
export function activeDeadline(job: Job): number | undefined {
  const seconds = job.spec?.activeDeadlineSeconds;
  const start = parseTime(job.status?.startTime);
  if (seconds === undefined || start === undefined || isSuspended(job)) return undefined;
  return start + seconds * 1000;
}

/** getFailJobMessage: the message of the first failed pod that matches a FailJob rule. */
function failJobMessage(state: SyncState): string | undefined {
  if (!state.job.spec?.podFailurePolicy) return undefined;
  for (const p of state.pods) {
    if (!isPodFailed(p, state.job)) continue;
    const message = matchPodFailurePolicy(state.job.spec, p).failJobMessage;
    if (message) return message;
  }
  return undefined;
}

const failure = (state: SyncState, reason: string, message: string) => newCondition("FailureTarget", "True", reason, message, state.now);

/** The Job-wide failure checks; sets state.finished, returns when to look again for the deadline. */
function decideFailure(state: SyncState): number | undefined {
  const { job, now } = state;
  const target = findCondition(state.status.conditions, "FailureTarget");
  if (target?.status === "True") {
    state.finished = newCondition("Failed", "True", target.reason ?? "", target.message ?? "", now);
    return undefined;
  }
  const message = failJobMessage(state);
  if (message) {
    state.finished = failure(state, REASON.podFailurePolicy, message);
    return undefined;
  }
  const deadline = activeDeadline({ ...job, status: state.status });
  if (state.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, state.pods)) {
    state.finished = failure(state, REASON.backoffLimitExceeded, "Job has reached the specified backoff limit");
  } else if (deadline !== undefined && now >= deadline) {
    state.finished = failure(state, REASON.deadlineExceeded, "Job was active longer than specified deadline");
  } else if (deadline !== undefined) {
    return deadline - now;
  }
  return undefined;
}

/** isIndexFailed: the pod failed its index (FailIndex, or its counted failures reached backoffLimitPerIndex). */
function isIndexFailed(job: Job, pod: Pod): boolean {
  if (!isPodFailed(pod, job)) return false;
  const match = matchPodFailurePolicy(job.spec ?? {}, pod);
  if (match.action === "FailIndex") return true;
  return match.countFailed && indexFailureCount(pod) >= (job.spec?.backoffLimitPerIndex ?? MAX_INT32);
}

/** getPodsWithDelayedDeletionPerIndex: per index not done nor running, its latest failed pod. */
function delayedDeletions(state: SyncState, completions: number): Map<number, Pod> {
  const activeIndexes = indexesOf(state.activePods);
  const out = new Map<number, Pod>();
  const failures = (p: Pod) => indexFailureCount(p) + indexIgnoredFailureCount(p);
  for (const p of state.pods) {
    const ix = validIndex(p, completions);
    if (ix === undefined || !hasTrackingFinalizer(p) || !isPodFailed(p, state.job)) continue;
    if (hasIndex(state.succeededIndexes, ix) || hasIndex(state.failedIndexes, ix) || activeIndexes.has(ix)) continue;
    const current = out.get(ix);
    if (!current || (failures(current) <= failures(p) && podFinishTime(p) >= podFinishTime(current))) out.set(ix, p);
  }
  return out;
}

/** The Indexed Job's succeeded and failed indexes, and the index-based finishing conditions. */
function decideIndexes(state: SyncState): void {
  const { job } = state;
  const completions = completionsOf(job) ?? 0;
  const withFinalizer = state.pods.filter(hasTrackingFinalizer);
  state.prevSucceededIndexes = parseIndexes(state.status.completedIndexes, completions);
  const newlySucceeded = withFinalizer.filter((p) => p.status?.phase === "Succeeded").map((p) => validIndex(p, completions));
  state.succeededIndexes = withIndexes(state.prevSucceededIndexes, newlySucceeded.filter((ix): ix is number => ix !== undefined));
  state.succeeded = totalIndexes(state.succeededIndexes);
  if (hasBackoffLimitPerIndex(job)) {
    const newlyFailed = withFinalizer.filter((p) => isIndexFailed(job, p)).map((p) => validIndex(p, completions));
    state.failedIndexes = withIndexes(parseIndexes(state.status.failedIndexes, completions), newlyFailed.filter((ix): ix is number => ix !== undefined));
    const failedCount = totalIndexes(state.failedIndexes);
    const maxFailed = job.spec?.maxFailedIndexes;
    if (!state.finished && maxFailed !== undefined && failedCount > maxFailed) {
      state.finished = failure(state, REASON.maxFailedIndexesExceeded, "Job has exceeded the specified maximal number of failed indexes");
    } else if (!state.finished && failedCount > 0 && failedCount + state.succeeded >= completions) {
      state.finished = failure(state, REASON.failedIndexes, "Job has failed indexes");
    }
    state.delayedDeletion = delayedDeletions(state, completions);
  }
  const message = state.finished ? undefined : matchSuccessPolicy(job.spec ?? {}, completions, state.succeededIndexes);
  if (message) state.finished = newCondition("SuccessCriteriaMet", "True", REASON.successPolicy, message, state.now);
}

/** Decide whether the Job is finishing (state.finished); returns when the deadline needs another look. */
export function decideFinishing(state: SyncState): number | undefined {
  const met = findCondition(state.status.conditions, "SuccessCriteriaMet");
  let requeue: number | undefined;
  if (isTrue(state.status.conditions, "SuccessCriteriaMet") && met) state.finished = met;
  else requeue = decideFailure(state);
  if (isIndexed(state.job)) decideIndexes(state);
  return state.finished ? undefined : requeue;
}
