// intstr.IntOrString fields that hold a count or a percentage (maxSurge, maxUnavailable), checked
// as apps/validation checks them.
import { invalid } from "../../fielderrors";
import { NEGATIVE_ERROR } from "../../formats";
import type { FieldCause } from "../../types";

export type IntOrPercent = number | string;

const PERCENT_RE = /^[0-9]+%$/;
const PERCENT_ERROR = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

function percentValue(value: IntOrPercent | undefined): number | undefined {
  return typeof value === "string" && PERCENT_RE.test(value) ? Number(value.slice(0, -1)) : undefined;
}

/** getIntOrPercentValue: the percentage, the integer, or what Go's Atoi makes of another string (0 if not a number). */
export function intOrPercentValue(value: IntOrPercent | undefined): number {
  const percent = percentValue(value);
  if (percent !== undefined) return percent;
  if (typeof value === "number") return value;
  return value !== undefined && /^[+-]?\d+$/.test(value) ? Number(value) : 0;
}

/** ValidatePositiveIntOrPercent: a well-formed percentage or a non-negative integer. */
export function validatePositiveIntOrPercent(value: IntOrPercent | undefined, path: string): FieldCause[] {
  if (typeof value === "string") return PERCENT_RE.test(value) ? [] : [invalid(path, value, PERCENT_ERROR)];
  return typeof value === "number" && value < 0 ? [invalid(path, value, NEGATIVE_ERROR)] : [];
}

/** IsNotMoreThan100Percent. */
export function validateNotMoreThan100Percent(value: IntOrPercent | undefined, path: string): FieldCause[] {
  const percent = percentValue(value);
  return percent !== undefined && percent > 100 ? [invalid(path, value, "must not be greater than 100%")] : [];
}
