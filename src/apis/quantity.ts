// resource.Quantity: parsing to a number (for comparisons such as requests ≤ limits and for the
// scheduler's arithmetic) and format validation with Kubernetes' message.
import { invalid } from "./fielderrors";
import { NEGATIVE_ERROR } from "./formats";
import type { FieldCause } from "./types";

const MULTIPLIERS: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** Kubernetes' wording when a quantity fails to parse. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** The value of a quantity as a number ("100m" → 0.1, "1Gi" → 1073741824), or undefined if malformed. */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === "number") return Number.isFinite(q) ? q : undefined;
  const m = QUANTITY_RE.exec(q);
  if (!m) return undefined;
  const suffix = m[2] ?? "";
  const multiplier = suffix.startsWith("e") || suffix.startsWith("E") ? 10 ** Number(suffix.slice(1)) : MULTIPLIERS[suffix];
  return Number(m[1]) * multiplier;
}

/** A well-formed quantity; `nonNegative` adds ValidateNonnegativeQuantity's rule. */
export function validateQuantity(q: string | number, path: string, nonNegative = true): FieldCause[] {
  const value = parseQuantity(q);
  if (value === undefined) return [invalid(path, q, QUANTITY_FORMAT_ERROR)];
  return nonNegative && value < 0 ? [invalid(path, q, NEGATIVE_ERROR)] : [];
}
