// batch/validation's validateJobSpec: the JobSpec rules a Job and a CronJob's jobTemplate share.
// The Job adds its selector rules (job.ts); the jobTemplate forbids a selector (cronjob.ts).
import { invalid, notSupported, required, tooLong } from "../../fielderrors";
import { isDns1123Subdomain } from "../../formats";
import type { FieldCause } from "../../types";
import { validateNonNegative } from "../../validation";
import { validatePodTemplateSpec } from "../../core/v1/podspec";
import { validatePodFailurePolicy, validateSuccessPolicy } from "./jobpolicies";
import type { JobSpec } from "./jobspec";

const MAX_PARALLELISM_FOR_INDEXED_JOB = 100_000;
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_MANAGED_BY_LENGTH = 63;

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";

/** apimachinery's IsDomainPrefixedPath ("acme.io/foo"). */
function validateDomainPrefixedPath(value: string, path: string): FieldCause[] {
  if (value === "") return [required(path)];
  const slash = value.indexOf("/");
  const host = value.slice(0, slash);
  const rest = value.slice(slash + 1);
  if (slash <= 0 || rest === "") return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const causes = isDns1123Subdomain(host).map((m) => invalid(path, host, m));
  if (!new RegExp(`^${HTTP_PATH_FMT}$`).test(rest)) causes.push(invalid(path, rest, `Invalid path (regex used for validation is '${HTTP_PATH_FMT}')`));
  return causes;
}

function validateIndexedLimits(spec: JobSpec, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const { completions, parallelism, maxFailedIndexes } = spec;
  if (completions === undefined) causes.push(required(`${path}.completions`, "when completion mode is Indexed"));
  if (parallelism !== undefined && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
    causes.push(invalid(`${path}.parallelism`, parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
  }
  if (maxFailedIndexes !== undefined) {
    if (completions !== undefined && maxFailedIndexes > completions) causes.push(invalid(`${path}.maxFailedIndexes`, maxFailedIndexes, "must be less than or equal to completions"));
    if (maxFailedIndexes > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
      causes.push(invalid(`${path}.maxFailedIndexes`, maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_FOR_INDEXED_JOB}`));
    }
  }
  if (completions !== undefined && completions > COMPLETIONS_SOFT_LIMIT && spec.backoffLimitPerIndex !== undefined) {
    const highCompletions = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
    if (maxFailedIndexes === undefined) causes.push(required(`${path}.maxFailedIndexes`, `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
    if (parallelism !== undefined && parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
      causes.push(invalid(`${path}.parallelism`, parallelism, `must be less than or equal to ${PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} ${highCompletions}`));
    }
    if (maxFailedIndexes !== undefined && maxFailedIndexes > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS) {
      causes.push(invalid(`${path}.maxFailedIndexes`, maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} ${highCompletions}`));
    }
  }
  return causes;
}

function validateCompletionMode(spec: JobSpec, path: string): FieldCause[] {
  const mode = spec.completionMode;
  if (mode === "Indexed") return validateIndexedLimits(spec, path);
  if (mode !== undefined && mode !== "NonIndexed") return [notSupported(`${path}.completionMode`, mode, ["NonIndexed", "Indexed"])];
  const causes: FieldCause[] = [];
  if (spec.backoffLimitPerIndex !== undefined) causes.push(invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, "requires indexed completion mode"));
  if (spec.maxFailedIndexes !== undefined) causes.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, "requires indexed completion mode"));
  return causes;
}

function validatePodReplacementPolicy(spec: JobSpec, path: string): FieldCause[] {
  const policy = spec.podReplacementPolicy;
  if (policy === undefined) return [];
  const supported = spec.podFailurePolicy ? ["Failed"] : ["Failed", "TerminatingOrFailed"];
  return supported.includes(policy) ? [] : [notSupported(path, policy, supported)];
}

/** Jobs run pods to completion: restartPolicy OnFailure or Never (only Never with a podFailurePolicy). */
function validateRestartPolicy(spec: JobSpec, path: string): FieldCause[] {
  const policy = spec.template?.spec?.restartPolicy ?? "";
  // The pod defaults turn an unset restartPolicy into Always, so both mean "not set for a Job".
  if (policy === "Always" || policy === "") return [required(path, 'valid values: "OnFailure", "Never"')];
  if (policy !== "OnFailure" && policy !== "Never") return [notSupported(path, policy, ["OnFailure", "Never"])];
  if (spec.podFailurePolicy && policy !== "Never") return [invalid(path, policy, 'only "Never" is supported when podFailurePolicy is specified')];
  return [];
}

/** The JobSpec rules without the selector ones. */
export function validateJobSpec(spec: JobSpec, path: string): FieldCause[] {
  const causes = [
    ...validateNonNegative(spec.parallelism, `${path}.parallelism`),
    ...validateNonNegative(spec.completions, `${path}.completions`),
    ...validateNonNegative(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`),
    ...validateNonNegative(spec.backoffLimit, `${path}.backoffLimit`),
    ...validateNonNegative(spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`),
    ...validateNonNegative(spec.backoffLimitPerIndex, `${path}.backoffLimitPerIndex`),
    ...validateNonNegative(spec.maxFailedIndexes, `${path}.maxFailedIndexes`),
  ];
  if (spec.maxFailedIndexes !== undefined && spec.backoffLimitPerIndex === undefined) {
    causes.push(required(`${path}.backoffLimitPerIndex`, "when maxFailedIndexes is specified"));
  }
  if (spec.managedBy !== undefined) {
    causes.push(...validateDomainPrefixedPath(spec.managedBy, `${path}.managedBy`));
    if (spec.managedBy.length > MAX_MANAGED_BY_LENGTH) causes.push(tooLong(`${path}.managedBy`, MAX_MANAGED_BY_LENGTH));
  }
  causes.push(...validateCompletionMode(spec, path));
  if (spec.podFailurePolicy) causes.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (spec.successPolicy) {
    if (spec.completionMode !== "Indexed") causes.push(invalid(`${path}.successPolicy`, spec.successPolicy, "requires indexed completion mode"));
    else causes.push(...validateSuccessPolicy(spec, `${path}.successPolicy`));
  }
  return [
    ...causes,
    ...validatePodReplacementPolicy(spec, `${path}.podReplacementPolicy`),
    ...validatePodTemplateSpec(spec.template ?? {}, `${path}.template`),
    ...validateRestartPolicy(spec, `${path}.template.spec.restartPolicy`),
  ];
}
