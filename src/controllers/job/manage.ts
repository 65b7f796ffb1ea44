// manageJob: bring the number of active pods to what the Job wants. A suspended Job has none;
// otherwise min(parallelism, completions left) (or parallelism until the first success when
// completions is unset). Deletions take precedence over creations within a pass; creations wait
// out the pod-failure backoff and go in slow-start batches (1, 2, 4, ...), one batch per pass.
import { isPodReady, type Pod } from "../podutil";
import { rankPodsForDeletion } from "../replicaset/ranking";
import { slowStartBatchSize } from "../replicaset/decide";
import { CREATED_NAME, type Action } from "../types";
import { backoffRecord, remainingBackoffMs, remainingIndexBackoffMs } from "./backoff";
import { duplicatedIndexPods, firstPendingIndexes, indexesOf, withIndexes, mergeIntervals } from "./indexes";
import { hasBackoffLimitPerIndex, hasTrackingFinalizer, isIndexed, isPodFailed, isPodTerminating, onlyReplaceFailedPods, podForJob, withoutTrackingFinalizer } from "./pods";
import { completionsOf, isSuspended, type SyncState } from "./state";

/** MaxPodCreateDeletePerSync. */
const MAX_PODS_PER_PASS = 500;
/** syncJobBatchPeriod: a delayed pass is never sooner than this. */
const MIN_DELAY_MS = 1000;

export interface Managed {
  actions: Action[];
  requeueAfterMs?: number;
}

/** activePodsForRemoval: for Indexed Jobs first duplicates and pods without a valid index, then the most expendable. */
function podsForRemoval(state: SyncState, atLeast: number): Pod[] {
  const rank = (pods: Pod[]) => rankPodsForDeletion(pods, [], state.now);
  let remove: Pod[] = [];
  let left: Pod[] = state.activePods;
  if (isIndexed(state.job)) ({ remove, keep: left } = duplicatedIndexPods(left, completionsOf(state.job) ?? 0, rank));
  if (remove.length < atLeast) remove = [...remove, ...rank(left).slice(0, atLeast - remove.length)];
  return remove;
}

/** deletePods: these pods are not failures, so the finalizer goes first, then the pod. */
function deletePods(state: SyncState, pods: Pod[]): Action[] {
  const actions: Action[] = [];
  for (const pod of pods.slice(0, MAX_PODS_PER_PASS)) {
    const m = pod.metadata;
    if (hasTrackingFinalizer(pod)) actions.push({ type: "update", resource: "pods", object: withoutTrackingFinalizer(pod) });
    actions.push({ type: "delete", resource: "pods", namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid });
    actions.push({ type: "event", about: state.job, eventType: "Normal", reason: "SuccessfulDelete", message: `Deleted pod: ${m.name}` });
    state.active--;
    state.terminating++;
    if (isPodReady(pod)) state.ready--;
  }
  return actions;
}

/**
 * The Job-wide backoff left. Failures are failed pods and deleted ones the Job has yet to count
 * (pods it deleted itself for suspension or scale-down lose the finalizer first: no failures).
 */
function backoffMs(state: SyncState): number {
  const succeeded = state.pods.filter((p) => p.status?.phase === "Succeeded");
  const failed = state.pods.filter((p) => isPodFailed(p, state.job) && (p.status?.phase === "Failed" || hasTrackingFinalizer(p)));
  const record = backoffRecord(succeeded, failed);
  return remainingBackoffMs(record.failuresAfterLastSuccess, record.lastFailureTime, state.now);
}

function wantActive(state: SyncState): number {
  const parallelism = state.job.spec?.parallelism ?? 1;
  const completions = completionsOf(state.job);
  if (completions === undefined) return state.succeeded > 0 ? state.active : parallelism;
  return Math.max(0, Math.min(completions - state.succeeded, parallelism));
}

/** The indexes to start now and, when per-index backoff holds them all back, how long until one may start. */
function indexesToStart(state: SyncState, count: number): { indexes: number[]; waitMs?: number } {
  const completions = completionsOf(state.job) ?? 0;
  let taken = withIndexes(state.succeededIndexes, indexesOf(state.activePods));
  if (onlyReplaceFailedPods(state.job)) taken = withIndexes(taken, indexesOf(state.pods.filter(isPodTerminating)));
  if (state.failedIndexes) taken = mergeIntervals(taken, state.failedIndexes);
  const pending = firstPendingIndexes(taken, count, completions);
  if (!hasBackoffLimitPerIndex(state.job)) return { indexes: pending };
  const waits = pending.map((ix) => remainingIndexBackoffMs(state.delayedDeletion.get(ix), state.now));
  const ready = pending.filter((_, i) => waits[i] === 0);
  return ready.length > 0 || pending.length === 0 ? { indexes: ready } : { indexes: [], waitMs: Math.min(...waits) };
}

function createPods(state: SyncState, count: number): Managed {
  const { job } = state;
  const indexed = isIndexed(job);
  let indexes: (number | undefined)[] = Array.from({ length: count }, () => undefined);
  if (indexed) {
    const start = indexesToStart(state, count);
    if (start.waitMs !== undefined) return { actions: [], requeueAfterMs: Math.max(start.waitMs, MIN_DELAY_MS) };
    indexes = start.indexes;
  }
  const batch = slowStartBatchSize(indexes.length, state.active, MAX_PODS_PER_PASS);
  const actions: Action[] = [];
  for (const ix of indexes.slice(0, batch)) {
    const replaced = ix === undefined ? undefined : state.delayedDeletion.get(ix);
    actions.push({ type: "create", resource: "pods", object: podForJob(job, ix, replaced) });
    actions.push({ type: "event", about: job, eventType: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${CREATED_NAME}` });
  }
  state.active += batch;
  return { actions, requeueAfterMs: batch < indexes.length ? 0 : undefined };
}

export function manageJob(state: SyncState): Managed {
  if (isSuspended(state.job)) return { actions: deletePods(state, state.activePods) };
  const want = wantActive(state);
  const toRemove = podsForRemoval(state, Math.max(0, state.active - want));
  if (toRemove.length > 0) return { actions: deletePods(state, toRemove) };
  const terminating = onlyReplaceFailedPods(state.job) ? state.terminating : 0;
  const missing = Math.min(want - terminating - state.active, MAX_PODS_PER_PASS);
  if (missing <= 0) return { actions: [] };
  const waitMs = hasBackoffLimitPerIndex(state.job) ? 0 : backoffMs(state);
  if (waitMs > 0) return { actions: [], requeueAfterMs: Math.max(waitMs, MIN_DELAY_MS) };
  return createPods(state, missing);
}
