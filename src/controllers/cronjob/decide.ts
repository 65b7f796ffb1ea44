// decideCronJob: Kubernetes' CronJob controller (cronjob_controllerv2.go: cleanupFinishedJobs,
// then syncCronJob) as a pure function. It removes finished Jobs beyond the history limits,
// brings status.active and lastSuccessfulTime up to date from the CronJob's Jobs, and, when a
// schedule time is due, applies the concurrency policy and creates the Job named for that time.
// Job names are deterministic, so a second attempt at the same time meets AlreadyExists instead
// of making a second Job; a Job for the due time that exists but is not yet in status.active
// (its creator's status write has not landed) is adopted into it rather than reported.
import type { CronJob } from "../../apis/batch/v1/cronjob";
import { rfc3339In } from "../../apis/batch/v1/timezone";
import { clone, deepEqual } from "../../util/json";
import { parseTime, rfc3339, controllerRef } from "../podutil";
import type { Action, Decision } from "../types";
import { finishedCondition } from "../job/conditions";
import type { Job } from "../job/types";
import { jobName, mostRecentScheduleTime, scheduleOf, type Schedule } from "./schedule";

/** Annotation with the schedule time a Job was created for, in the CronJob's zone. */
export const SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";

export interface CronJobInput {
  cronJob: CronJob;
  /** The Jobs the CronJob controls. */
  jobs: Job[];
  now: number;
}

type CronJobStatus = NonNullable<CronJob["status"]>;
type JobReference = NonNullable<CronJobStatus["active"]>[number];

/** One pass's working state: the status being rebuilt, the actions so far, the Job to create. */
interface Pass {
  cj: CronJob;
  now: number;
  status: CronJobStatus;
  actions: Action[];
  create?: Job;
}

function event(pass: Pass, eventType: "Normal" | "Warning", reason: string, message: string): void {
  pass.actions.push({ type: "event", about: pass.cj, eventType, reason, message });
}

export function jobReference(job: Job): JobReference {
  const m = job.metadata;
  return { apiVersion: "batch/v1", kind: "Job", name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion };
}

const isActive = (pass: Pass, uid: string | undefined) => (pass.status.active ?? []).some((r) => r.uid === uid);

function dropActive(pass: Pass, uid: string | undefined): void {
  const left = (pass.status.active ?? []).filter((r) => r.uid !== uid);
  pass.status.active = left.length ? left : undefined;
}

/** deleteJob: delete in the background, forget it as active, say so. */
function deleteJob(pass: Pass, job: Job): void {
  const m = job.metadata;
  pass.actions.push({ type: "delete", resource: "batch/jobs", namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid, propagationPolicy: "Background" });
  dropActive(pass, m.uid);
  event(pass, "Normal", "SuccessfulDelete", `Deleted job ${m.name}`);
}

/** byJobStartTime: started before not started, earlier first, then by name. */
function byStartTime(a: Job, b: Job): number {
  const sa = parseTime(a.status?.startTime);
  const sb = parseTime(b.status?.startTime);
  if (sa !== sb) return sa === undefined ? 1 : sb === undefined ? -1 : sa - sb;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
}

/** cleanupFinishedJobs: the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit go. */
function cleanupFinishedJobs(pass: Pass, jobs: Job[]): void {
  const spec = pass.cj.spec ?? {};
  const limits: [string, number | undefined][] = [
    ["Complete", spec.successfulJobsHistoryLimit],
    ["Failed", spec.failedJobsHistoryLimit],
  ];
  for (const [type, limit] of limits) {
    if (limit === undefined) continue;
    const finished = jobs.filter((j) => finishedCondition(j)?.type === type).sort(byStartTime);
    for (const job of finished.slice(0, Math.max(0, finished.length - limit))) deleteJob(pass, job);
  }
}

/** syncCronJob's first part: status.active and lastSuccessfulTime from the Jobs as they are. */
function syncActive(pass: Pass, jobs: Job[], adoptable: string | undefined): void {
  for (const job of jobs) {
    const uid = job.metadata.uid;
    const finished = finishedCondition(job);
    if (!isActive(pass, uid) && !finished) {
      if (job.metadata.name !== adoptable) event(pass, "Warning", "UnexpectedJob", `Saw a job that the controller did not create or forgot: ${job.metadata.name}`);
    } else if (isActive(pass, uid) && finished) {
      dropActive(pass, uid);
      event(pass, "Normal", "SawCompletedJob", `Saw completed job: ${job.metadata.name}, status: ${finished.type}`);
    } else if (finished?.type === "Complete") {
      const completed = parseTime(job.status?.completionTime);
      const last = parseTime(pass.status.lastSuccessfulTime);
      if (completed !== undefined && (last === undefined || completed > last)) pass.status.lastSuccessfulTime = job.status?.completionTime;
    }
  }
  const present = new Set(jobs.map((j) => j.metadata.uid));
  for (const ref of pass.status.active ?? []) {
    if (present.has(ref.uid)) continue;
    dropActive(pass, ref.uid);
    event(pass, "Normal", "MissingJob", `Active job went missing: ${ref.name}`);
  }
}

/** getJobFromTemplate2: the Job for a schedule time. */
export function jobForSchedule(cj: CronJob, scheduledTime: number, zone: string): Job {
  const template = cj.spec?.jobTemplate ?? {};
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: jobName(cj, scheduledTime),
      namespace: cj.metadata.namespace,
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations, [SCHEDULED_TIMESTAMP]: rfc3339In(scheduledTime, zone) },
      ownerReferences: [controllerRef(cj)],
    },
    spec: clone(template.spec ?? {}),
  };
}

/** The schedule time due now, reporting what stands in the way (syncCronJob from the time zone check on). */
function dueTime(pass: Pass): { time: number; schedule: Schedule } | undefined {
  const { cj, now } = pass;
  const parsed = scheduleOf(cj);
  if (!parsed.ok && parsed.reason === "UnknownTimeZone") return void event(pass, "Warning", parsed.reason, parsed.message);
  if (cj.spec?.suspend) return undefined;
  const schedule = cj.spec?.schedule ?? "";
  if (schedule.includes("TZ")) {
    event(pass, "Warning", "UnsupportedSchedule", `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
  }
  if (!parsed.ok) return void event(pass, "Warning", parsed.reason, parsed.message);
  const recent = mostRecentScheduleTime(cj, now, parsed.value, true);
  if (recent.error) return void event(pass, "Warning", "InvalidSchedule", `invalid schedule: ${schedule} : ${recent.error}`);
  if (recent.mostRecent === undefined) return undefined;
  if (recent.missed === "many") event(pass, "Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
  // Times older than startingDeadlineSeconds are not searched, so none is ever too late to start
  // (Kubernetes' MissSchedule check after this point cannot fire either).
  return { time: recent.mostRecent, schedule: parsed.value };
}

/** The schedule time a tick should act on: due and not already started (used to pick CronJobs cheaply). */
export function pendingScheduleTime(cj: CronJob, now: number): number | undefined {
  const parsed = scheduleOf(cj);
  if (!parsed.ok || cj.spec?.suspend) return undefined;
  const recent = mostRecentScheduleTime(cj, now, parsed.value, true);
  const t = recent.mostRecent;
  return t === undefined || t === parseTime(cj.status?.lastScheduleTime) ? undefined : t;
}

/** Concurrency policy and the Job for the due time (syncCronJob's second part). */
function startJob(pass: Pass, jobs: Job[], due: { time: number; schedule: Schedule }): void {
  const { cj } = pass;
  const name = jobName(cj, due.time);
  const active = pass.status.active ?? [];
  if (active.some((r) => r.name === name) || parseTime(pass.status.lastScheduleTime) === due.time) return;
  const existing = jobs.find((j) => j.metadata.name === name);
  if (existing) {
    pass.status.active = [...active, jobReference(existing)];
    pass.status.lastScheduleTime = rfc3339(due.time);
    return;
  }
  if (cj.spec?.concurrencyPolicy === "Forbid" && active.length > 0) {
    return event(pass, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
  }
  if (cj.spec?.concurrencyPolicy === "Replace") {
    for (const ref of active) {
      const job = jobs.find((j) => j.metadata.uid === ref.uid);
      if (job) deleteJob(pass, job);
    }
  }
  pass.create = jobForSchedule(cj, due.time, due.schedule.zone);
}

/**
 * One pass. A created Job is not yet in status.active (its uid is the server's): the status is
 * written before the create, and the next pass adopts the Job into status.active with
 * lastScheduleTime. Actions: deletes and events, the status if it changed, then the create and
 * its SuccessfulCreate Event.
 */
export function decideCronJob({ cronJob, jobs, now }: CronJobInput): Decision {
  const pass: Pass = { cj: cronJob, now, status: clone(cronJob.status ?? {}), actions: [] };
  cleanupFinishedJobs(pass, jobs);
  const pending = pendingScheduleTime(cronJob, now);
  syncActive(pass, jobs, pending === undefined ? undefined : jobName(cronJob, pending));
  const due = dueTime(pass);
  if (due) startJob(pass, jobs, due);
  const actions = pass.actions;
  if (!deepEqual(pass.status, cronJob.status ?? {})) actions.push({ type: "updateStatus", resource: "batch/cronjobs", object: { ...cronJob, status: pass.status } });
  if (pass.create) {
    actions.push({ type: "create", resource: "batch/jobs", object: pass.create });
    event(pass, "Normal", "SuccessfulCreate", `Created job ${pass.create.metadata.name}`);
  }
  return { actions };
}
