// When a parsed schedule next fires, as robfig/cron v3's Next (the library Kubernetes' CronJob
// controller uses) computes it: the first whole second strictly after a moment whose wall clock
// in the schedule's zone matches every field. Fields are advanced in order (month, day, hour,
// minute, second); hours and minutes advance in absolute time, so across daylight-saving changes
// a wall time that does not exist is skipped (02:30 on a spring-forward night never fires) and
// one that exists twice fires twice (01:30 on a fall-back night). Schedules that never match (the
// 30th of February) give undefined after five years of searching, as robfig gives the zero time.
import type { CronField, CronSchedule } from "./cron";
import { wallClock, zonedTime, type WallClock } from "./timezone";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const YEARS_SEARCHED = 5;

type FieldsSchedule = Extract<CronSchedule, { kind: "fields" }>;

const matches = (field: CronField, value: number) => field.values.includes(value);

/** dayMatches: day-of-month and day-of-week must both match if either was written as a star, else either may. */
function dayMatches(s: FieldsSchedule, w: WallClock): boolean {
  const dom = matches(s.dayOfMonth, w.day);
  const dow = matches(s.dayOfWeek, w.weekday);
  return s.dayOfMonth.star || s.dayOfWeek.star ? dom && dow : dom || dow;
}

/** One search from `start`; "wrap" means a field rolled over and every field must be checked again. */
class Search {
  private added = false;
  t: number;

  constructor(
    private readonly s: FieldsSchedule,
    private readonly zone: string,
    start: number,
  ) {
    this.t = start;
  }

  private wall(): WallClock {
    return wallClock(this.t, this.zone);
  }

  /** The first time a field is advanced, the smaller fields are reset (they no longer matter). */
  private resetOnce(reset: () => number): void {
    if (this.added) return;
    this.added = true;
    this.t = reset();
  }

  /** Go's AddDate: the same wall time, months or days later. */
  private addDate(months: number, days: number): WallClock {
    const w = this.wall();
    this.t = zonedTime(this.zone, { ...w, month: w.month + months, day: w.day + days });
    return this.wall();
  }

  /** Each step returns false when it wrapped around. */
  month(): boolean {
    while (!matches(this.s.month, this.wall().month)) {
      this.resetOnce(() => zonedTime(this.zone, { ...this.wall(), day: 1, hour: 0, minute: 0, second: 0 }));
      if (this.addDate(1, 0).month === 1) return false;
    }
    return true;
  }

  day(): boolean {
    while (!dayMatches(this.s, this.wall())) {
      this.resetOnce(() => zonedTime(this.zone, { ...this.wall(), hour: 0, minute: 0, second: 0 }));
      const w = this.addDate(0, 1);
      // Where midnight does not exist the day starts at 01:00 (or 23:00 the day before): back to 00:00.
      if (w.hour !== 0) this.t += (w.hour > 12 ? 24 - w.hour : -w.hour) * HOUR;
      if (this.wall().day === 1) return false;
    }
    return true;
  }

  hour(): boolean {
    while (!matches(this.s.hour, this.wall().hour)) {
      this.resetOnce(() => zonedTime(this.zone, { ...this.wall(), minute: 0, second: 0 }));
      this.t += HOUR;
      if (this.wall().hour === 0) return false;
    }
    return true;
  }

  minute(): boolean {
    while (!matches(this.s.minute, this.wall().minute)) {
      this.resetOnce(() => this.t - (this.t % MINUTE));
      this.t += MINUTE;
      if (this.wall().minute === 0) return false;
    }
    return true;
  }

  /** Standard schedules fire at second 0. */
  second(): boolean {
    while (this.wall().second !== 0) {
      this.resetOnce(() => this.t - (this.t % SECOND));
      this.t += SECOND;
      if (this.wall().second === 0) return false;
    }
    return true;
  }
}

function nextOfFields(s: FieldsSchedule, zone: string, start: number): number | undefined {
  const search = new Search(s, zone, start);
  const yearLimit = wallClock(start, zone).year + YEARS_SEARCHED;
  for (;;) {
    if (wallClock(search.t, zone).year > yearLimit) return undefined;
    if (search.month() && search.day() && search.hour() && search.minute() && search.second()) return search.t;
  }
}

/**
 * The first time after `after` (ms) that the schedule fires, in ms; undefined if it never does.
 * A schedule without a zone of its own (TZ=...) runs in `zone`.
 */
export function nextScheduleAfter(schedule: CronSchedule, after: number, zone = "UTC"): number | undefined {
  // Both kinds of schedule start from the whole second before `after`.
  const second = after - (((after % SECOND) + SECOND) % SECOND);
  if (schedule.kind === "every") return second + schedule.seconds * SECOND;
  return nextOfFields(schedule, schedule.timeZone ?? zone, second + SECOND);
}
