// decideJob: Kubernetes' syncJob (pkg/controller/job/job_controller.go) as a pure function, plus
// the TTL-after-finished controller for finished Jobs. One pass: claim pods; decide whether the
// Job is finishing; if it is, stop its active pods, otherwise manage them (create, delete,
// suspend) and look for completion; then count finished pods through the tracking finalizer.
// Actions come in this order: pod creates or deletes (each with its Event), the status, the
// tracking finalizers that status accounts for, the pods a finishing Job stops, then Events
// about the Job. A converged Job yields no actions.
import { fromLabelSelector, matchesLabels } from "../../api/labels";
import { deepEqual } from "../../util/json";
import { controllerOf, isPodReady, rfc3339 } from "../podutil";
import { claimObjects, withoutOwnerRef } from "../replicaset/claim";
import { NOTHING, type Action, type Decision } from "../types";
import { ensureCondition, finishTime, finishedCondition, newCondition } from "./conditions";
import { manageJob } from "./manage";
import { hasTrackingFinalizer, withoutTrackingFinalizer } from "./pods";
import { completionsOf, decideFinishing, isSuspended, newSyncState, type SyncState } from "./state";
import { trackJobStatus } from "./track";
import { JOB_CONTROLLER_NAME, JOB_TRACKING_FINALIZER, REASON, type Job, type JobInput, type Pod } from "./types";

const updatePod = (object: Pod): Action => ({ type: "update", resource: "pods", object });

function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? Math.max(0, Math.min(...defined)) : undefined;
}

/** When a finished Job's TTL runs out (ms); undefined without a TTL. */
export function ttlExpiry(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  const finished = finishTime(job);
  return ttl === undefined || finished === undefined ? undefined : finished + ttl * 1000;
}

/**
 * A finished Job: the finalizers its pods still hold go (cleanupPodFinalizers), and once the TTL
 * has run out the Job is deleted in the foreground with a uid precondition, as the TTL
 * controller does, so its pods go before it.
 */
function decideFinishedJob({ job, pods, now }: JobInput): Decision {
  const uid = job.metadata.uid;
  const actions: Action[] = pods.filter((p) => controllerOf(p)?.uid === uid && hasTrackingFinalizer(p)).map((p) => updatePod(withoutTrackingFinalizer(p)));
  const expiry = ttlExpiry(job);
  if (expiry === undefined) return { actions };
  if (now < expiry) return { actions, requeueAfterMs: expiry - now };
  const m = job.metadata;
  actions.push({ type: "delete", resource: "batch/jobs", namespace: m.namespace ?? "", name: m.name ?? "", uid, propagationPolicy: "Foreground" });
  return { actions };
}

/** getPodsForJob: adopt matching orphans (with the tracking finalizer), release owned pods that stopped matching. */
function claimPods(job: Job, pods: Pod[]): { pods: Pod[]; updates: Action[] } {
  const selector = fromLabelSelector(job.spec?.selector);
  if (!selector.ok) return { pods: [], updates: [] };
  const claim = claimObjects(job, pods, (p) => matchesLabels(selector.value, p.metadata.labels));
  const adopted = claim.adopted.map((p) => (hasTrackingFinalizer(p) ? p : { ...p, metadata: { ...p.metadata, finalizers: [...(p.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER] } }));
  const released = claim.released.map((p) => withoutTrackingFinalizer(withoutOwnerRef(p, job.metadata.uid ?? "")));
  return { pods: claim.claimed, updates: [...adopted, ...released].map(updatePod) };
}

/** A finishing Job stops its active pods (deleteActivePods); their finalizers go with the status first. */
function stopActivePods(state: SyncState): Action[] {
  const actions: Action[] = [];
  for (const pod of state.activePods) {
    const m = pod.metadata;
    actions.push({ type: "delete", resource: "pods", namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid });
    actions.push({ type: "event", about: state.job, eventType: "Normal", reason: "SuccessfulDelete", message: `Deleted pod: ${m.name}` });
    state.active--;
    state.terminating++;
    if (isPodReady(pod)) state.ready--;
  }
  return actions;
}

/** The Suspended condition follows spec.suspend; resuming restarts the clock of activeDeadlineSeconds. */
function suspendCondition(state: SyncState): Action[] {
  const { job, now, status } = state;
  const suspended = isSuspended(job);
  const next = suspended ? newCondition("Suspended", "True", "JobSuspended", "Job suspended", now) : newCondition("Suspended", "False", "JobResumed", "Job resumed", now);
  const { conditions, changed } = ensureCondition(status.conditions ?? [], next);
  if (!changed) return [];
  status.conditions = conditions;
  if (!suspended) status.startTime = rfc3339(now);
  const [reason, message] = suspended ? ["Suspended", "Job suspended"] : ["Resumed", "Job resumed"];
  return [{ type: "event", about: job, eventType: "Normal", reason, message }];
}

/** An unfinished Job: manageJob, then completion (SuccessCriteriaMet first) or the Suspended condition. */
function runJob(state: SyncState): { actions: Action[]; events: Action[]; requeueAfterMs?: number } {
  const managed = manageJob(state);
  const completions = completionsOf(state.job);
  const complete = state.active === 0 && (completions === undefined ? state.succeeded > 0 : state.succeeded >= completions);
  if (complete) {
    state.finished = newCondition("SuccessCriteriaMet", "True", REASON.completionsReached, "Reached expected number of succeeded pods", state.now);
    return { actions: managed.actions, events: [] };
  }
  return { actions: managed.actions, events: suspendCondition(state), requeueAfterMs: managed.requeueAfterMs };
}

export function decideJob(input: JobInput): Decision {
  const { job, now } = input;
  if (finishedCondition(job)) return decideFinishedJob(input);
  if ((job.spec?.managedBy ?? JOB_CONTROLLER_NAME) !== JOB_CONTROLLER_NAME) return NOTHING;
  const claim = claimPods(job, input.pods);
  // Adoptions and releases change the pods this pass would count: count them in the next pass.
  if (claim.updates.length > 0) return { actions: claim.updates };

  const state = newSyncState(job, claim.pods, now);
  if (!state.status.startTime && !isSuspended(job)) state.status.startTime = rfc3339(now);
  const deadlineMs = decideFinishing(state);
  const finishing = state.finished !== undefined;
  const run = finishing ? { actions: [], events: [] } : runJob(state);
  const stops = finishing ? stopActivePods(state) : [];
  const status = state.status;
  status.active = state.active || undefined;
  status.ready = state.ready;
  status.terminating = state.terminating;
  const tracked = trackJobStatus(state);
  status.uncountedTerminatedPods ??= {};

  const actions: Action[] = [...run.actions];
  if (!deepEqual(status, job.status ?? {})) actions.push({ type: "updateStatus", resource: "batch/jobs", object: { ...job, status } });
  actions.push(...tracked.removals.map((p) => updatePod(withoutTrackingFinalizer(p))), ...stops, ...run.events, ...tracked.events);
  const requeueAfterMs = minDefined(deadlineMs, run.requeueAfterMs);
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}
