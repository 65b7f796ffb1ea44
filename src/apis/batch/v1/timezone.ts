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
