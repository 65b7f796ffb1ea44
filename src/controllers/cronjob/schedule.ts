// When a CronJob is due (pkg/controller/cronjob/utils.go): its schedule in its zone, the most
// recent schedule time it has not acted on, how many it missed, and the name of the Job for a
// schedule time. Times are ms since the epoch.
import type { CronJob } from "../../apis/batch/v1/cronjob";
import { parseCronSchedule, type CronSchedule } from "../../apis/batch/v1/cron";
import { nextScheduleAfter } from "../../apis/batch/v1/cronnext";
import { isKnownTimeZone } from "../../apis/batch/v1/timezone";
import { parseTime } from "../podutil";

/** More missed schedule times than this are reported (TooManyMissedTimes), and only the latest runs. */
export const MANY_MISSED = 100;

export type Missed = "none" | "few" | "many";

export interface Schedule {
  schedule: CronSchedule;
  /** The zone the schedule runs in: spec.timeZone, or UTC (the controller's own zone). */
  zone: string;
}

export type ScheduleParse = { ok: true; value: Schedule } | { ok: false; reason: "UnknownTimeZone" | "UnparseableSchedule"; message: string };

/** formatSchedule + cron.ParseStandard: a schedule with its own TZ= keeps it; otherwise spec.timeZone applies. */
export function scheduleOf(cj: CronJob): ScheduleParse {
  const spec = cj.spec ?? {};
  const text = spec.schedule ?? "";
  if (spec.timeZone !== undefined && !isKnownTimeZone(spec.timeZone)) {
    return { ok: false, reason: "UnknownTimeZone", message: `invalid timeZone: ${JSON.stringify(spec.timeZone)}: unknown time zone ${spec.timeZone}` };
  }
  const parsed = parseCronSchedule(text);
  if (!parsed.ok) return { ok: false, reason: "UnparseableSchedule", message: `unparseable schedule: ${JSON.stringify(text)} : ${parsed.error}` };
  return { ok: true, value: { schedule: parsed.schedule, zone: spec.timeZone ?? "UTC" } };
}

export function nextAfter(s: Schedule, after: number): number | undefined {
  return nextScheduleAfter(s.schedule, after, s.zone);
}

export interface RecentSchedule {
  /** lastScheduleTime, or the creation time, or (with the deadline) the start of the window. */
  earliest: number;
  /** The latest schedule time after `earliest` and not after now. */
  mostRecent?: number;
  missed: Missed;
  /** A schedule that can be parsed but never fires sensibly (the 31st of February). */
  error?: string;
}

/**
 * mostRecentScheduleTime. The count of missed times is estimated from the interval between the
 * first two, so that a schedule missed for years is not walked time by time: e.g. "*\/5" last run
 * at 10:00, now 11:02: first 10:05, second 10:10, 57 min elapsed → 11 + 1 = 12 missed, and the
 * search for the latest starts from 10:05 + (12-2)×5 min = 10:55: 11:00.
 */
export function mostRecentScheduleTime(cj: CronJob, now: number, s: Schedule, includeDeadline: boolean): RecentSchedule {
  let earliest = parseTime(cj.status?.lastScheduleTime) ?? parseTime(cj.metadata.creationTimestamp) ?? now;
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (includeDeadline && deadline !== undefined) earliest = Math.max(earliest, now - deadline * 1000);
  const t1 = nextAfter(s, earliest);
  const t2 = t1 === undefined ? undefined : nextAfter(s, t1);
  if (t1 !== undefined && now < t1) return { earliest, missed: "none" };
  if (t1 !== undefined && t2 !== undefined && now < t2) return { earliest, mostRecent: t1, missed: "none" };
  const interval = t1 === undefined || t2 === undefined ? 0 : Math.round((t2 - t1) / 1000);
  if (t1 === undefined || interval < 1) return { earliest, missed: "none", error: "time difference between two schedules is less than 1 second" };
  const missedCount = Math.trunc((now - t1) / 1000 / interval) + 1;
  let mostRecent: number | undefined;
  for (let t = nextAfter(s, t1 + (missedCount - 2) * interval * 1000); t !== undefined && t <= now; t = nextAfter(s, t)) mostRecent = t;
  return { earliest, mostRecent, missed: missedCount > MANY_MISSED ? "many" : "few" };
}

/** getJobName: `<cronjob>-<minutes since the epoch>`, the same for every attempt at one schedule time. */
export function jobName(cj: CronJob, scheduledTime: number): string {
  return `${cj.metadata.name ?? ""}-${Math.floor(scheduledTime / 60_000)}`;
}
