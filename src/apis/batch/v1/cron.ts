// CronJob schedules, parsed as Kubernetes parses them (robfig/cron v3's ParseStandard): five
// fields (minute hour day-of-month month day-of-week) of lists, ranges, steps and names, or a
// descriptor (@yearly ... @hourly, @every <duration>), optionally after TZ= or CRON_TZ=. Errors
// carry the parser's wording, which Kubernetes returns as the field error.
import { isKnownTimeZone } from "./timezone";

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DAYS_OF_MONTH: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: Object.fromEntries(MONTH_NAMES.map((n, i) => [n, i + 1])) };
const DAYS_OF_WEEK: Bounds = { min: 0, max: 6, names: Object.fromEntries(DAY_NAMES.map((n, i) => [n, i])) };

/** One field: the values it allows, and whether it was written as `*` or `?` (cron ORs day-of-month and day-of-week unless one is a star). */
export interface CronField {
  values: number[];
  star: boolean;
}

export type CronSchedule =
  | { kind: "fields"; timeZone?: string; minute: CronField; hour: CronField; dayOfMonth: CronField; month: CronField; dayOfWeek: CronField }
  | { kind: "every"; timeZone?: string; seconds: number };

export type CronParse = { ok: true; schedule: CronSchedule } | { ok: false; error: string };

class CronError extends Error {}

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** Go's strconv.Atoi plus cron's non-negative rule. */
function parseNumber(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`);
  const n = Number(expr);
  if (!Number.isSafeInteger(n)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": value out of range`);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, bounds: Bounds): number {
  return bounds.names?.[expr.toLowerCase()] ?? parseNumber(expr);
}

/** `number | number "-" number [ "/" number ]`, or `*`/`?` with an optional step. */
function parseRange(expr: string, bounds: Bounds, into: Set<number>): boolean {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0].split("-");
  let star = false;
  let start: number;
  let end: number;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    [start, end, star] = [bounds.min, bounds.max, true];
  } else {
    start = parseIntOrName(lowAndHigh[0], bounds);
    if (lowAndHigh.length > 2) throw new CronError(`too many hyphens: ${expr}`);
    end = lowAndHigh.length === 2 ? parseIntOrName(lowAndHigh[1], bounds) : start;
  }
  let step = 1;
  if (rangeAndStep.length > 2) throw new CronError(`too many slashes: ${expr}`);
  if (rangeAndStep.length === 2) {
    step = parseNumber(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = bounds.max;
    if (step > 1) star = false;
  }
  if (start < bounds.min) throw new CronError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new CronError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
  return star;
}

function parseField(field: string, bounds: Bounds): CronField {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(",").filter((e) => e !== "")) star = parseRange(expr, bounds, values) || star;
  return { values: [...values].sort((a, b) => a - b), star };
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's time.ParseDuration, in seconds. */
function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  if (text === "0") return 0;
  let rest = text.replace(/^[+-]/, "");
  if (rest === "") throw new CronError(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== "") {
    const number = /^(\d*)(\.\d*)?/.exec(rest)?.[0] ?? "";
    if (number === "" || number === ".") throw new CronError(`time: invalid duration ${quoted}`);
    rest = rest.slice(number.length);
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? "";
    if (unit === "") throw new CronError(`time: missing unit in duration ${quoted}`);
    if (!(unit in DURATION_UNITS)) throw new CronError(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    total += Number(number) * DURATION_UNITS[unit];
    rest = rest.slice(unit.length);
  }
  return text.startsWith("-") ? -total : total;
}

function parseDescriptor(spec: string, timeZone: string | undefined): CronSchedule {
  const fields = DESCRIPTORS[spec];
  if (fields) return parseFields(fields, timeZone);
  const every = "@every ";
  if (!spec.startsWith(every)) throw new CronError(`unrecognized descriptor: ${spec}`);
  try {
    // cron rounds intervals below a second up to one second.
    return { kind: "every", timeZone, seconds: Math.max(1, Math.floor(parseGoDuration(spec.slice(every.length)))) };
  } catch (e) {
    throw new CronError(`failed to parse duration ${spec}: ${(e as Error).message}`);
  }
}

function parseFields(spec: string, timeZone: string | undefined): CronSchedule {
  const fields = spec.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  return {
    kind: "fields",
    timeZone,
    minute: parseField(minute, MINUTES),
    hour: parseField(hour, HOURS),
    dayOfMonth: parseField(dayOfMonth, DAYS_OF_MONTH),
    month: parseField(month, MONTHS),
    dayOfWeek: parseField(dayOfWeek, DAYS_OF_WEEK),
  };
}

/** Split off a leading `TZ=<zone> ` or `CRON_TZ=<zone> `. */
function splitTimeZone(spec: string): { timeZone?: string; rest: string } {
  if (!spec.startsWith("TZ=") && !spec.startsWith("CRON_TZ=")) return { rest: spec };
  const space = spec.indexOf(" ");
  const zone = spec.slice(spec.indexOf("=") + 1, space < 0 ? undefined : space);
  if (!isKnownTimeZone(zone)) throw new CronError(`provided bad location ${zone}: unknown time zone ${zone}`);
  return { timeZone: zone, rest: space < 0 ? "" : spec.slice(space).trim() };
}

export function parseCronSchedule(spec: string): CronParse {
  try {
    if (spec === "") throw new CronError("empty spec string");
    const { timeZone, rest } = splitTimeZone(spec);
    const schedule = rest.startsWith("@") ? parseDescriptor(rest, timeZone) : parseFields(rest, timeZone);
    return { ok: true, schedule };
  } catch (e) {
    if (e instanceof CronError) return { ok: false, error: e.message };
    throw e;
  }
}
