import { describe, expect, it } from "vitest";
import type { CronJob } from "../../../../src/apis/batch/v1/cronjob";
import { decideCronJob, pendingScheduleTime, SCHEDULED_TIMESTAMP } from "../../../../src/controllers/cronjob/decide";
import { jobName, mostRecentScheduleTime, scheduleOf, type Schedule } from "../../../../src/controllers/cronjob/schedule";
import type { Job } from "../../../../src/controllers/job/types";
import type { Action } from "../../../../src/controllers/types";
import { iso, summary } from "../fixtures";

const T = (s: string) => Date.parse(s);
const MIN = 60_000;

function cronJob(spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): CronJob {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "tick", namespace: "default", uid: "uid-tick", creationTimestamp: "2025-01-01T00:00:00Z" },
    spec: {
      schedule: "*/5 * * * *",
      concurrencyPolicy: "Allow",
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { team: "a" } }, spec: { template: { spec: { containers: [{ name: "c", image: "busybox" }], restartPolicy: "OnFailure" } } } },
      ...spec,
    },
    status,
  };
}

function jobFor(cj: CronJob, at: number, finished?: { type: "Complete" | "Failed"; at: number }): Job {
  const name = jobName(cj, at);
  const j: Job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: "7", ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "tick", uid: "uid-tick", controller: true }] },
    status: { startTime: iso(at) },
  };
  if (finished) {
    j.status = { ...j.status, conditions: [{ type: finished.type, status: "True", lastTransitionTime: iso(finished.at) }] };
    if (finished.type === "Complete") j.status.completionTime = iso(finished.at);
  }
  return j;
}

const ref = (j: Job) => ({ apiVersion: "batch/v1", kind: "Job", name: j.metadata.name, namespace: "default", uid: j.metadata.uid, resourceVersion: "7" });
const statusOf = (actions: Action[]) => actions.find((a) => a.type === "updateStatus")?.object.status as CronJob["status"] | undefined;
const created = (actions: Action[]) => actions.find((a) => a.type === "create")?.object as Job | undefined;

describe("most recent schedule time", () => {
  const schedule = (s: string): Schedule => {
    const parsed = scheduleOf(cronJob({ schedule: s }));
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.value;
  };

  it("is none before the first time, the first time until the second, then the latest passed", () => {
    const cj = cronJob({}, { lastScheduleTime: "2025-01-01T10:00:00Z" });
    expect(mostRecentScheduleTime(cj, T("2025-01-01T10:04:59Z"), schedule("*/5 * * * *"), true)).toEqual({ earliest: T("2025-01-01T10:00:00Z"), missed: "none" });
    expect(mostRecentScheduleTime(cj, T("2025-01-01T10:07:00Z"), schedule("*/5 * * * *"), true)).toMatchObject({ mostRecent: T("2025-01-01T10:05:00Z"), missed: "none" });
    expect(mostRecentScheduleTime(cj, T("2025-01-01T11:02:00Z"), schedule("*/5 * * * *"), true)).toMatchObject({ mostRecent: T("2025-01-01T11:00:00Z"), missed: "few" });
  });

  it("finds the latest time of an irregular schedule", () => {
    const cj = cronJob({}, { lastScheduleTime: "2025-01-03T14:30:00Z" });
    // Weekdays at 06:30, 10:30, 14:30: from Friday afternoon to Monday 11:00 the latest is Monday 10:30.
    expect(mostRecentScheduleTime(cj, T("2025-01-06T11:00:00Z"), schedule("30 6-16/4 * * 1-5"), true).mostRecent).toBe(T("2025-01-06T10:30:00Z"));
  });

  it("says many when more than 100 were missed, and the deadline bounds the search", () => {
    const cj = cronJob({}, { lastScheduleTime: "2025-01-01T00:00:00Z" });
    expect(mostRecentScheduleTime(cj, T("2025-01-02T00:01:00Z"), schedule("*/5 * * * *"), true)).toMatchObject({ mostRecent: T("2025-01-02T00:00:00Z"), missed: "many" });
    const bounded = cronJob({ startingDeadlineSeconds: 600 }, { lastScheduleTime: "2025-01-01T00:00:00Z" });
    expect(mostRecentScheduleTime(bounded, T("2025-01-02T00:01:00Z"), schedule("*/5 * * * *"), true)).toMatchObject({ mostRecent: T("2025-01-02T00:00:00Z"), missed: "few" });
  });

  it("reports a schedule that never fires", () => {
    expect(mostRecentScheduleTime(cronJob(), T("2025-06-01T00:00:00Z"), schedule("0 0 30 2 *"), true).error).toBe("time difference between two schedules is less than 1 second");
  });

  it("names Jobs by the minute of their schedule time", () => {
    expect(jobName(cronJob(), T("2025-01-01T10:05:00Z"))).toBe(`tick-${T("2025-01-01T10:05:00Z") / MIN}`);
  });
});

describe("a due CronJob", () => {
  it("creates the Job for the schedule time, with labels, the scheduled-timestamp annotation and its controller reference", () => {
    const cj = cronJob({}, { lastScheduleTime: "2025-01-01T10:00:00Z" });
    const { actions } = decideCronJob({ cronJob: cj, jobs: [], now: T("2025-01-01T10:05:02Z") });
    expect(summary(actions)).toEqual([`create batch/jobs tick-${T("2025-01-01T10:05:00Z") / MIN}`, `event SuccessfulCreate: Created job tick-${T("2025-01-01T10:05:00Z") / MIN}`]);
    expect(created(actions)?.metadata).toMatchObject({
      labels: { team: "a" },
      annotations: { [SCHEDULED_TIMESTAMP]: "2025-01-01T10:05:00Z" },
      ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "tick", uid: "uid-tick", controller: true, blockOwnerDeletion: true }],
    });
    expect(created(actions)?.spec?.template?.spec?.restartPolicy).toBe("OnFailure");
  });

  it("adopts the Job its last pass created into status.active, without reporting it as unexpected", () => {
    const cj = cronJob({}, { lastScheduleTime: "2025-01-01T10:00:00Z" });
    const job = jobFor(cj, T("2025-01-01T10:05:00Z"));
    const { actions } = decideCronJob({ cronJob: cj, jobs: [job], now: T("2025-01-01T10:05:02Z") });
    expect(summary(actions)).toEqual(["updateStatus batch/cronjobs tick"]);
    expect(statusOf(actions)).toEqual({ lastScheduleTime: "2025-01-01T10:05:00Z", active: [ref(job)] });
  });

  it("does nothing twice for one schedule time", () => {
    const cj = cronJob({}, { lastScheduleTime: "2025-01-01T10:05:00Z" });
    expect(decideCronJob({ cronJob: cj, jobs: [], now: T("2025-01-01T10:06:00Z") }).actions).toEqual([]);
    expect(pendingScheduleTime(cj, T("2025-01-01T10:06:00Z"))).toBeUndefined();
  });

  it("runs the schedule in spec.timeZone", () => {
    const cj = cronJob({ schedule: "0 9 * * *", timeZone: "Europe/Berlin" }, { lastScheduleTime: "2025-01-01T08:00:00Z" });
    const { actions } = decideCronJob({ cronJob: cj, jobs: [], now: T("2025-01-02T08:00:30Z") });
    expect(created(actions)?.metadata.annotations?.[SCHEDULED_TIMESTAMP]).toBe("2025-01-02T09:00:00+01:00");
  });

  it("skips while a Job runs under Forbid", () => {
    const cj = cronJob({ concurrencyPolicy: "Forbid" }, { lastScheduleTime: "2025-01-01T10:00:00Z" });
    const running = jobFor(cj, T("2025-01-01T10:00:00Z"));
    const { actions } = decideCronJob({ cronJob: { ...cj, status: { ...cj.status, active: [ref(running)] } }, jobs: [running], now: T("2025-01-01T10:05:01Z") });
    expect(summary(actions)).toEqual(["event JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid"]);
  });

  it("replaces a running Job under Replace", () => {
    const cj = cronJob({ concurrencyPolicy: "Replace" }, { lastScheduleTime: "2025-01-01T10:00:00Z" });
    const running = jobFor(cj, T("2025-01-01T10:00:00Z"));
    const { actions } = decideCronJob({ cronJob: { ...cj, status: { ...cj.status, active: [ref(running)] } }, jobs: [running], now: T("2025-01-01T10:05:01Z") });
    const next = jobName(cj, T("2025-01-01T10:05:00Z"));
    expect(summary(actions)).toEqual([
      `delete batch/jobs ${running.metadata.name}`,
      `event SuccessfulDelete: Deleted job ${running.metadata.name}`,
      "updateStatus batch/cronjobs tick",
      `create batch/jobs ${next}`,
      `event SuccessfulCreate: Created job ${next}`,
    ]);
    expect(actions[0]).toMatchObject({ propagationPolicy: "Background", uid: running.metadata.uid });
  });

  it("starts a schedule time within startingDeadlineSeconds and lets one past it go", () => {
    const cj = cronJob({ startingDeadlineSeconds: 60 }, { lastScheduleTime: "2025-01-01T10:00:00Z" });
    expect(created(decideCronJob({ cronJob: cj, jobs: [], now: T("2025-01-01T10:05:59Z") }).actions)?.metadata.name).toBe(jobName(cj, T("2025-01-01T10:05:00Z")));
    expect(decideCronJob({ cronJob: cj, jobs: [], now: T("2025-01-01T10:06:01Z") }).actions).toEqual([]);
  });

  it("starts only the latest of more than 100 missed times, and says so", () => {
    const cj = cronJob({}, { lastScheduleTime: "2025-01-01T00:00:00Z" });
    const { actions } = decideCronJob({ cronJob: cj, jobs: [], now: T("2025-01-02T00:01:00Z") });
    expect(summary(actions)).toEqual([
      "event TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
      `create batch/jobs ${jobName(cj, T("2025-01-02T00:00:00Z"))}`,
      `event SuccessfulCreate: Created job ${jobName(cj, T("2025-01-02T00:00:00Z"))}`,
    ]);
  });

  it("starts nothing while suspended", () => {
    const cj = cronJob({ suspend: true }, { lastScheduleTime: "2025-01-01T10:00:00Z" });
    expect(decideCronJob({ cronJob: cj, jobs: [], now: T("2025-01-01T11:00:00Z") }).actions).toEqual([]);
  });
});

describe("a CronJob's Jobs", () => {
  it("leave status.active when they finish, and set lastSuccessfulTime", () => {
    const cj = cronJob({}, { lastScheduleTime: "2025-01-01T10:05:00Z" });
    const done = jobFor(cj, T("2025-01-01T10:05:00Z"), { type: "Complete", at: T("2025-01-01T10:06:00Z") });
    const { actions } = decideCronJob({ cronJob: { ...cj, status: { ...cj.status, active: [ref(done)] } }, jobs: [done], now: T("2025-01-01T10:07:00Z") });
    expect(summary(actions)).toEqual([`event SawCompletedJob: Saw completed job: ${done.metadata.name}, status: Complete`, "updateStatus batch/cronjobs tick"]);
    expect(statusOf(actions)).toEqual({ lastScheduleTime: "2025-01-01T10:05:00Z" });
    const next = decideCronJob({ cronJob: { ...cj, status: statusOf(actions) }, jobs: [done], now: T("2025-01-01T10:07:00Z") });
    expect(statusOf(next.actions)).toEqual({ lastScheduleTime: "2025-01-01T10:05:00Z", lastSuccessfulTime: "2025-01-01T10:06:00Z" });
  });

  it("are forgotten when they go missing, and reported when unexpected", () => {
    const cj = cronJob({}, { lastScheduleTime: "2025-01-01T10:05:00Z" });
    const gone = jobFor(cj, T("2025-01-01T10:05:00Z"));
    const stranger = { ...jobFor(cj, T("2025-01-01T09:00:00Z")), metadata: { ...jobFor(cj, T("2025-01-01T09:00:00Z")).metadata, name: "manual" } };
    const { actions } = decideCronJob({ cronJob: { ...cj, status: { ...cj.status, active: [ref(gone)] } }, jobs: [stranger], now: T("2025-01-01T10:06:00Z") });
    expect(summary(actions)).toEqual([
      "event UnexpectedJob: Saw a job that the controller did not create or forgot: manual",
      `event MissingJob: Active job went missing: ${gone.metadata.name}`,
      "updateStatus batch/cronjobs tick",
    ]);
  });

  it("beyond the history limits are deleted, oldest first", () => {
    const cj = cronJob({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 }, { lastScheduleTime: "2025-01-01T10:15:00Z", lastSuccessfulTime: "2025-01-01T10:11:00Z" });
    const ok = [0, 5, 10].map((m) => jobFor(cj, T("2025-01-01T10:00:00Z") + m * MIN, { type: "Complete", at: T("2025-01-01T10:01:00Z") + m * MIN }));
    const failed = jobFor(cj, T("2025-01-01T10:15:00Z"), { type: "Failed", at: T("2025-01-01T10:16:00Z") });
    const { actions } = decideCronJob({ cronJob: cj, jobs: [...ok, failed], now: T("2025-01-01T10:17:00Z") });
    expect(actions.filter((a) => a.type === "delete").map((a) => (a.type === "delete" ? a.name : ""))).toEqual([ok[0].metadata.name, ok[1].metadata.name, failed.metadata.name]);
  });
});
