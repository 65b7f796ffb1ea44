// Validation of a Job's podFailurePolicy and successPolicy (batch/validation), kept apart from
// the rest of the JobSpec rules because of their size.
import { duplicate, invalid, notSupported, required, tooLong, tooMany } from "../../fielderrors";
import type { FieldCause } from "../../types";
import { validateNonNegative, validateQualifiedName } from "../../validation";
import type { JobSpec, PodFailurePolicyRule } from "./jobspec";

const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_EXIT_CODE_VALUES = 255;
const MAX_POD_CONDITION_PATTERNS = 20;
const MAX_SUCCESS_POLICY_RULES = 20;
const MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;

const ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"];
const EXIT_CODE_OPERATORS = ["In", "NotIn"];
const CONDITION_STATUSES = ["False", "True", "Unknown"];

/** Go's `%q` of a string slice: ["a" "b"]. */
function quotedList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(" ")}]`;
}

/** An Invalid cause whose value Kubernetes leaves out (field.OmitValueType). */
export function invalidOmitted(field: string, detail: string): FieldCause {
  return { reason: "FieldValueInvalid", field, message: `Invalid value: ${detail}` };
}

function validateEnumRequired(value: string | undefined, supported: readonly string[], path: string): FieldCause[] {
  if (!value) return [required(path, `valid values: ${quotedList(supported)}`)];
  return supported.includes(value) ? [] : [notSupported(path, value, supported)];
}

function validateExitCodes(rule: NonNullable<PodFailurePolicyRule["onExitCodes"]>, path: string, containers: Set<string>): FieldCause[] {
  const causes = validateEnumRequired(rule.operator, EXIT_CODE_OPERATORS, `${path}.operator`);
  if (rule.containerName !== undefined && !containers.has(rule.containerName)) {
    causes.push(invalid(`${path}.containerName`, rule.containerName, "must be one of the container or initContainer names in the pod template"));
  }
  const values = rule.values ?? [];
  if (values.length === 0) causes.push(invalid(`${path}.values`, values, "at least one value is required"));
  else if (values.length > MAX_EXIT_CODE_VALUES) causes.push(tooMany(`${path}.values`, values.length, MAX_EXIT_CODE_VALUES));
  const seen = new Set<number>();
  values.forEach((v, j) => {
    if (rule.operator === "In" && v === 0) causes.push(invalid(`${path}.values[${j}]`, v, "must not be 0 for the In operator"));
    if (seen.has(v)) causes.push(duplicate(`${path}.values[${j}]`, v));
    seen.add(v);
  });
  if (values.some((v, j) => j > 0 && values[j - 1] > v)) causes.push(invalid(`${path}.values`, values, "must be ordered"));
  return causes;
}

function validatePodConditions(patterns: NonNullable<PodFailurePolicyRule["onPodConditions"]>, path: string): FieldCause[] {
  const causes = patterns.length > MAX_POD_CONDITION_PATTERNS ? [tooMany(path, patterns.length, MAX_POD_CONDITION_PATTERNS)] : [];
  patterns.forEach((p, j) => {
    causes.push(...validateQualifiedName(p.type, `${path}[${j}].type`), ...validateEnumRequired(p.status, CONDITION_STATUSES, `${path}[${j}].status`));
  });
  return causes;
}

function validateRule(spec: JobSpec, rule: PodFailurePolicyRule, path: string, containers: Set<string>): FieldCause[] {
  const actionPath = `${path}.action`;
  const causes: FieldCause[] = [];
  if (rule.action === "FailIndex") {
    if (spec.backoffLimitPerIndex === undefined) causes.push(invalid(actionPath, rule.action, "requires the backoffLimitPerIndex to be set"));
  } else {
    causes.push(...validateEnumRequired(rule.action, ACTIONS, actionPath));
  }
  const onConditions = rule.onPodConditions ?? [];
  if (rule.onExitCodes) causes.push(...validateExitCodes(rule.onExitCodes, `${path}.onExitCodes`, containers));
  if (onConditions.length) causes.push(...validatePodConditions(onConditions, `${path}.onPodConditions`));
  if (rule.onExitCodes && onConditions.length) causes.push(invalidOmitted(path, "specifying both OnExitCodes and OnPodConditions is not supported"));
  if (!rule.onExitCodes && !onConditions.length) causes.push(invalidOmitted(path, "specifying one of OnExitCodes and OnPodConditions is required"));
  return causes;
}

export function validatePodFailurePolicy(spec: JobSpec, path: string): FieldCause[] {
  const rules = spec.podFailurePolicy?.rules ?? [];
  const podSpec = spec.template?.spec;
  const containers = new Set([...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])].map((c) => c.name));
  const causes = rules.length > MAX_POD_FAILURE_POLICY_RULES ? [tooMany(`${path}.rules`, rules.length, MAX_POD_FAILURE_POLICY_RULES)] : [];
  rules.forEach((rule, i) => causes.push(...validateRule(spec, rule, `${path}.rules[${i}]`, containers)));
  return causes;
}

/** One "x" or "x-y" interval of an indexes string, checked against `completions`. */
function parseIndexInterval(interval: string, completions: number): [number, number] {
  const limits = interval.split("-");
  if (limits.length > 2) throw new Error(`the fragment "${interval}" violates the requirement that an index interval can have at most two parts separated by '-'`);
  const [x, y] = limits.map((limit) => {
    if (!/^[+-]?\d+$/.test(limit)) throw new Error(`cannot convert string to integer for index: "${limit}"`);
    if (Number(limit) >= completions) throw new Error(`too large index: "${limit}"`);
    return Number(limit);
  });
  if (y !== undefined && x >= y) throw new Error(`non-increasing order, previous: ${x}, current: ${y}`);
  return [x, y ?? x];
}

/** validateIndexesFormat: "1,3-5,7" in increasing order; the number of indexes it names. */
export function countIndexes(indexes: string, completions: number): number {
  if (indexes === "") return 0;
  let last: number | undefined;
  let total = 0;
  for (const interval of indexes.split(",")) {
    const [x, y] = parseIndexInterval(interval, completions);
    if (last !== undefined && last >= x) throw new Error(`non-increasing order, previous: ${last}, current: ${x}`);
    total += y - x + 1;
    last = y;
  }
  return total;
}

export function validateSuccessPolicy(spec: JobSpec, path: string): FieldCause[] {
  const rules = spec.successPolicy?.rules ?? [];
  const completions = spec.completions ?? 0;
  const causes: FieldCause[] = [];
  if (rules.length === 0) causes.push(required(`${path}.rules`, "at least one rules must be specified when the successPolicy is specified"));
  if (rules.length > MAX_SUCCESS_POLICY_RULES) causes.push(tooMany(`${path}.rules`, rules.length, MAX_SUCCESS_POLICY_RULES));
  rules.forEach((rule, i) => {
    const p = `${path}.rules[${i}]`;
    if (rule.succeededCount === undefined && rule.succeededIndexes === undefined) {
      causes.push(required(p, "at least one of succeededCount or succeededIndexes must be specified"));
    }
    let total = 0;
    if (rule.succeededIndexes !== undefined) {
      if (rule.succeededIndexes.length > MAX_SUCCEEDED_INDEXES_LENGTH) causes.push(tooLong(`${p}.succeededIndexes`, MAX_SUCCEEDED_INDEXES_LENGTH));
      try {
        total = countIndexes(rule.succeededIndexes, completions);
      } catch (e) {
        causes.push(invalid(`${p}.succeededIndexes`, rule.succeededIndexes, `error parsing succeededIndexes: ${(e as Error).message}`));
      }
    }
    const count = rule.succeededCount;
    if (count === undefined) return;
    causes.push(...validateNonNegative(count, `${p}.succeededCount`));
    if (count > completions) causes.push(invalid(`${p}.succeededCount`, count, `must be less than or equal to ${completions} (the number of specified completions)`));
    if (rule.succeededIndexes !== undefined && count > total) {
      causes.push(invalid(`${p}.succeededCount`, count, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
    }
  });
  return causes;
}
