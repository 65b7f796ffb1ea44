import { describe, expect, it } from "vitest";
import { parseCronSchedule } from "../../../src/apis/batch/v1/cron";
import { nextScheduleAfter } from "../../../src/apis/batch/v1/cronnext";
import { rfc3339In, wallClock, zonedTime } from "../../../src/apis/batch/v1/timezone";

/** The next `n` firing times after `from`, as UTC ISO strings. */
function next(spec: string, from: string, n: number, zone = "UTC"): string[] {
  const parsed = parseCronSchedule(spec);
  if (!parsed.ok) throw new Error(parsed.error);
  const out: string[] = [];
  let t = Date.parse(from);
  for (let i = 0; i < n; i++) {
    const at = nextScheduleAfter(parsed.schedule, t, zone);
    if (at === undefined) break;
    out.push(new Date(at).toISOString().replace(".000Z", "Z"));
    t = at;
  }
  return out;
}

describe("next schedule time", () => {
  it("steps, ranges and lists, strictly after the given time", () => {
    expect(next("*/15 * * * *", "2025-01-01T00:00:00Z", 3)).toEqual(["2025-01-01T00:15:00Z", "2025-01-01T00:30:00Z", "2025-01-01T00:45:00Z"]);
    expect(next("*/15 * * * *", "2025-01-01T00:14:59.999Z", 1)).toEqual(["2025-01-01T00:15:00Z"]);
    expect(next("0 9-17/4 * * mon-fri", "2025-01-03T16:00:00Z", 3)).toEqual(["2025-01-03T17:00:00Z", "2025-01-06T09:00:00Z", "2025-01-06T13:00:00Z"]);
  });

  it("fires on day-of-month or day-of-week when both are restricted, on both when one is a star", () => {
    expect(next("0 0 13 * fri", "2025-06-01T00:00:00Z", 3)).toEqual(["2025-06-06T00:00:00Z", "2025-06-13T00:00:00Z", "2025-06-20T00:00:00Z"]);
    expect(next("0 0 * * fri", "2025-06-01T00:00:00Z", 1)).toEqual(["2025-06-06T00:00:00Z"]);
  });

  it("handles month ends and leap days", () => {
    expect(next("0 0 31 * *", "2025-01-31T00:00:00Z", 3)).toEqual(["2025-03-31T00:00:00Z", "2025-05-31T00:00:00Z", "2025-07-31T00:00:00Z"]);
    expect(next("0 0 29 2 *", "2025-01-01T00:00:00Z", 2)).toEqual(["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]);
    expect(next("59 23 28-31 * *", "2025-02-27T00:00:00Z", 2)).toEqual(["2025-02-28T23:59:00Z", "2025-03-28T23:59:00Z"]);
  });

  it("never fires for a date that does not exist", () => {
    expect(next("0 0 30 2 *", "2025-01-01T00:00:00Z", 1)).toEqual([]);
  });

  it("understands the macros", () => {
    expect(next("@hourly", "2025-01-01T10:30:00Z", 1)).toEqual(["2025-01-01T11:00:00Z"]);
    expect(next("@daily", "2025-01-01T10:30:00Z", 1)).toEqual(["2025-01-02T00:00:00Z"]);
    expect(next("@weekly", "2025-01-01T00:00:00Z", 1)).toEqual(["2025-01-05T00:00:00Z"]);
    expect(next("@monthly", "2025-01-15T00:00:00Z", 1)).toEqual(["2025-02-01T00:00:00Z"]);
    expect(next("@yearly", "2025-01-15T00:00:00Z", 1)).toEqual(["2026-01-01T00:00:00Z"]);
    expect(next("@every 90s", "2025-01-01T00:00:00.500Z", 2)).toEqual(["2025-01-01T00:01:30Z", "2025-01-01T00:03:00Z"]);
  });

  it("runs in the time zone given", () => {
    expect(next("0 9 * * *", "2025-01-01T00:00:00Z", 1, "Asia/Kolkata")).toEqual(["2025-01-01T03:30:00Z"]);
    expect(next("0 9 * * *", "2025-07-01T00:00:00Z", 1, "Europe/London")).toEqual(["2025-07-01T08:00:00Z"]);
    // A TZ= prefix in the schedule wins over the zone it is given.
    expect(next("TZ=America/New_York 0 9 * * *", "2025-01-01T00:00:00Z", 1, "Europe/London")).toEqual(["2025-01-01T14:00:00Z"]);
  });

  it("skips a wall time that a spring-forward change leaves out", () => {
    // New York, 2025-03-09: 02:00 EST becomes 03:00 EDT.
    expect(next("30 2 * * *", "2025-03-08T00:00:00Z", 3, "America/New_York")).toEqual(["2025-03-08T07:30:00Z", "2025-03-10T06:30:00Z", "2025-03-11T06:30:00Z"]);
    // Hourly schedules lose the hour that does not exist.
    expect(next("0 * * * *", "2025-03-09T06:30:00Z", 2, "America/New_York")).toEqual(["2025-03-09T07:00:00Z", "2025-03-09T08:00:00Z"]);
  });

  it("fires twice at a wall time that a fall-back change repeats", () => {
    // New York, 2025-11-02: 02:00 EDT becomes 01:00 EST; 01:30 happens at 05:30Z and at 06:30Z.
    expect(next("30 1 * * *", "2025-11-01T12:00:00Z", 3, "America/New_York")).toEqual(["2025-11-02T05:30:00Z", "2025-11-02T06:30:00Z", "2025-11-03T06:30:00Z"]);
  });

  it("keeps a daily schedule at local midnight across the change", () => {
    // Berlin, 2025-03-30: 02:00 CET becomes 03:00 CEST.
    expect(next("0 0 * * *", "2025-03-29T00:00:00Z", 3, "Europe/Berlin")).toEqual(["2025-03-29T23:00:00Z", "2025-03-30T22:00:00Z", "2025-03-31T22:00:00Z"]);
  });
});

describe("wall clocks", () => {
  it("resolves skipped and repeated wall times as Go's time.Date does", () => {
    const ny = (d: number, h: number, mi: number) => new Date(zonedTime("America/New_York", { year: 2025, month: 3, day: d, hour: h, minute: mi, second: 0 })).toISOString();
    expect(ny(9, 2, 30)).toBe("2025-03-09T06:30:00.000Z");
    const fallBack = zonedTime("America/New_York", { year: 2025, month: 11, day: 2, hour: 1, minute: 30, second: 0 });
    expect(new Date(fallBack).toISOString()).toBe("2025-11-02T05:30:00.000Z");
    expect(wallClock(Date.parse("2025-11-02T06:30:00Z"), "America/New_York")).toMatchObject({ hour: 1, minute: 30, weekday: 0 });
  });

  it("rolls over out-of-range fields", () => {
    expect(new Date(zonedTime("UTC", { year: 2025, month: 13, day: 32, hour: 0, minute: 0, second: 0 })).toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });

  it("writes RFC 3339 with the zone's offset", () => {
    const t = Date.parse("2025-07-01T08:00:00Z");
    expect(rfc3339In(t, "UTC")).toBe("2025-07-01T08:00:00Z");
    expect(rfc3339In(t, "Europe/Berlin")).toBe("2025-07-01T10:00:00+02:00");
    expect(rfc3339In(t, "America/St_Johns")).toBe("2025-07-01T05:30:00-02:30");
    expect(rfc3339In(Date.parse("2025-01-01T08:00:00Z"), "Europe/London")).toBe("2025-01-01T08:00:00Z");
  });
});
