// CronJob time zones, checked as batch/validation's validateTimeZone checks them. Go loads the
// zone from the tz database (time.LoadLocation); here the runtime's ICU data stands in for it.
import { invalid } from "../../fielderrors";
import type { FieldCause } from "../../types";

// https://data.iana.org/time-zones/theory.html#naming, with Kubernetes' tolerance for digits and '+'.
const ZONE_PART_RE = /^[A-Za-z.\-_0-9+]{1,14}$/;

/**
 * Whether Go's time.LoadLocation would find `name`. ICU also accepts UTC offsets ("+01:00"),
 * which are not zone names, and matches case-insensitively where the tz database's file names are
 * case-sensitive: a name ICU only knows in another case is unknown to Go.
 */
export function isKnownTimeZone(name: string): boolean {
  if (name === "UTC") return true;
  if (/^[+-]/.test(name)) return false;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    return resolved === name || resolved.toLowerCase() !== name.toLowerCase();
  } catch {
    return false;
  }
}

export function validateTimeZone(timeZone: string | undefined, path: string): FieldCause[] {
  if (timeZone === undefined) return [];
  if (timeZone === "") return [invalid(path, timeZone, "timeZone must be nil or non-empty string")];
  const badPart = timeZone.split("/").some((p) => p === "." || p === ".." || p.startsWith("-") || !ZONE_PART_RE.test(p));
  if (badPart) return [invalid(path, timeZone, `unknown time zone ${timeZone}`)];
  // Go resolves "Local" to the server's zone, which is no way to say when a job runs.
  if (timeZone.toLowerCase() === "local") return [invalid(path, timeZone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")];
  return isKnownTimeZone(timeZone) ? [] : [invalid(path, timeZone, `unknown time zone ${timeZone}`)];
}

/** A date and time of day as written, without a zone (months 1-12); fields may overflow. */
export interface CivilTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A moment as a clock on the wall of a zone shows it (weekday 0 = Sunday). */
export interface WallClock extends CivilTime {
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    const numeric = "numeric" as const;
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", weekday: "short", year: numeric, month: numeric, day: numeric, hour: numeric, minute: numeric, second: numeric });
    formatters.set(zone, f);
  }
  return f;
}

/** Go's t.In(zone) read field by field; UTC is computed directly, other zones through the runtime's tz data. */
export function wallClock(ms: number, zone: string): WallClock {
  if (zone === "UTC") {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() };
  }
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(ms)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday],
  };
}

/** The zone's offset from UTC at a moment, in ms (whole seconds, as tz data has them). */
function offsetAt(ms: number, zone: string): number {
  return asUtc(wallClock(ms, zone)) - Math.floor(ms / 1000) * 1000;
}

/** A civil time read as UTC, in ms. */
function asUtc(t: CivilTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/**
 * Go's time.Date(year, month, day, hour, minute, second, 0, zone): out-of-range fields roll over
 * (month 13 is January of the next year), and a wall time that a daylight-saving change skips or
 * repeats resolves as Go resolves it: take the offset in force at the wall time read as UTC, and
 * if the result falls outside that offset's period, the offset in force at the result instead.
 * So in New York 02:30 on the spring-forward day is 01:30 EST, and 01:30 on the fall-back day is
 * the first (EDT) one.
 */
export function zonedTime(zone: string, t: CivilTime): number {
  const wall = asUtc(t);
  if (zone === "UTC") return wall;
  const guess = offsetAt(wall, zone);
  const actual = offsetAt(wall - guess, zone);
  return wall - actual;
}

/** Go's t.In(zone).Format(time.RFC3339): second precision, "Z" for UTC, else the offset ("+01:00"). */
export function rfc3339In(ms: number, zone: string): string {
  const local = asUtc(wallClock(ms, zone));
  const offsetMinutes = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  const text = new Date(local).toISOString().replace(/\.\d{3}Z$/, "");
  if (zone === "UTC" || offsetMinutes === 0) return `${text}Z`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${text}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
