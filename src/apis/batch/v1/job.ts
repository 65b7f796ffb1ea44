// batch/v1 Job: schema, defaults (batch/v1 SetDefaults_Job), the selector Kubernetes generates on
// create, validation (batch/validation ValidateJob and ValidateJobUpdate) and `kubectl get` columns.
import { invalid, required } from "../../fielderrors";
import { isDns1123Label } from "../../formats";
import { kindSchema } from "../../meta";
import { ageColumn, humanDuration } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { labelSelectorMatches, validateImmutable, validateLabelSelector } from "../../validation";
import { defaultPodTemplateSpec, type PodTemplateSpec } from "../../core/v1/podspec";
import { wideTemplateColumns } from "../../apps/v1/columns";
import { formatLabelSelector, selectorString } from "../../apps/v1/labels";
import { validateSelectorMatchesTemplate } from "../../apps/v1/template";
import { jobSpecSchema, jobStatusSchema, type JobSpec, type JobStatus } from "./jobspec";
import { validateJobSpec } from "./jobvalidation";

export const jobSchema = kindSchema({ apiVersion: "batch/v1", kind: "Job", spec: jobSpecSchema, status: jobStatusSchema });

export interface Job extends KubeObject {
  spec?: JobSpec;
  status?: JobStatus;
}

const asJob = (obj: KubeObject) => obj as Job;

/** The labels Kubernetes puts on a Job's pods and selects them by (legacy names first, then batch.kubernetes.io/). */
export const JOB_NAME_LABELS = ["job-name", "batch.kubernetes.io/job-name"] as const;
export const CONTROLLER_UID_LABELS = ["controller-uid", "batch.kubernetes.io/controller-uid"] as const;
const SELECTOR_LABEL = "batch.kubernetes.io/controller-uid";
const MAX_INT32 = 2147483647;

function defaultJob(obj: KubeObject): void {
  const job = asJob(obj);
  const spec = (job.spec ??= {});
  // A non-parallel Job may leave both unset: both become 1 (parallelism alone defaults to 1 too).
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex === undefined ? 6 : MAX_INT32;
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  for (const pattern of (spec.podFailurePolicy?.rules ?? []).flatMap((r) => r.onPodConditions ?? [])) pattern.status ||= "True";
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  defaultPodTemplateSpec((spec.template ??= {}));
}

/**
 * What Kubernetes does on create unless `spec.manualSelector` is true, once the Job has its uid:
 * label the pod template with the job's name and uid and select pods by the uid. Labels the user
 * already set are kept (validation then rejects conflicting ones). It is the kind's `onCreate`
 * hook, which the API layer runs once metadata.uid is set and before validation.
 */
export function generateJobSelector(obj: KubeObject): void {
  const job = asJob(obj);
  const spec = (job.spec ??= {});
  if (spec.manualSelector) return;
  const { name = "", uid = "" } = job.metadata;
  const labels = (((spec.template ??= {}).metadata ??= {}).labels ??= {});
  for (const key of JOB_NAME_LABELS) labels[key] ??= name;
  for (const key of CONTROLLER_UID_LABELS) labels[key] ??= uid;
  (((spec.selector ??= {}).matchLabels ??= {})[SELECTOR_LABEL]) ??= uid;
  // Kubernetes copies the template's labels onto an unlabelled Job each time it decodes it
  // (SetDefaults_Job), so every read of the created Job shows them: store them now.
  if (Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...labels };
}

function validateHasLabel(template: PodTemplateSpec | undefined, key: string, expected: string): FieldCause[] {
  const labels = template?.metadata?.labels ?? {};
  const path = `spec.template.metadata.labels[${key}]`;
  if (!Object.hasOwn(labels, key)) return [required(path, `must be '${expected}'`)];
  return labels[key] === expected ? [] : [invalid(path, labels, `must be '${expected}'`)];
}

/** validateGeneratedSelector: the generated labels and selector are intact (create only). */
function validateGeneratedSelector(job: Job): FieldCause[] {
  const spec = job.spec ?? {};
  if (spec.manualSelector || !spec.selector) return [];
  const { name = "", uid = "" } = job.metadata;
  const causes = uid ? [] : [required("metadata.uid")];
  const expected: Record<string, string> = {};
  for (const [key, value] of [...CONTROLLER_UID_LABELS.map((k) => [k, uid]), ...JOB_NAME_LABELS.map((k) => [k, name])]) {
    causes.push(...validateHasLabel(spec.template, key, value));
    expected[key] = value;
  }
  if (selectorString(spec.selector) !== undefined && !labelSelectorMatches(spec.selector, expected)) {
    causes.push(invalid("spec.selector", spec.selector, "`selector` not auto-generated"));
  }
  return causes;
}

/** ValidateJobSpec's selector rules: required, well-formed, and selecting the template's labels. */
function validateJobSelector(spec: JobSpec): FieldCause[] {
  const causes = spec.selector ? validateLabelSelector(spec.selector, "spec.selector") : [required("spec.selector")];
  if (selectorString(spec.selector) === undefined) return causes;
  return [...causes, ...validateSelectorMatchesTemplate(spec.selector, spec.template, "spec")];
}

/** Indexed pods are named `<job>-<index>`; the largest such hostname must be a DNS label. */
function validateIndexedHostnames(job: Job): FieldCause[] {
  const { completionMode, completions } = job.spec ?? {};
  if (completionMode !== "Indexed" || !completions || completions <= 0) return [];
  const name = job.metadata.name ?? "";
  const hostname = `${name}-${completions - 1}`;
  return isDns1123Label(hostname).length ? [invalid("metadata.name", name, `will not able to create pod with invalid DNS label: ${hostname}`)] : [];
}

/** A suspended Job that never started may still change where its pods go (JobMutableNodeSchedulingDirectives). */
function withSchedulingDirectivesOf(old: PodTemplateSpec, next: PodTemplateSpec): PodTemplateSpec {
  const { nodeAffinity: _dropped, ...otherAffinity } = old.spec?.affinity ?? {};
  const affinity = next.spec?.affinity?.nodeAffinity ? { ...otherAffinity, nodeAffinity: next.spec.affinity.nodeAffinity } : otherAffinity;
  return {
    metadata: { ...old.metadata, labels: next.metadata?.labels, annotations: next.metadata?.annotations },
    spec: {
      ...old.spec,
      affinity: Object.keys(affinity).length ? affinity : undefined,
      nodeSelector: next.spec?.nodeSelector,
      tolerations: next.spec?.tolerations,
      schedulingGates: next.spec?.schedulingGates,
    },
  };
}

function validateCompletionsUpdate(spec: JobSpec, old: JobSpec): FieldCause[] {
  if (spec.completionMode !== "Indexed") return validateImmutable(spec.completions, old.completions, "spec.completions");
  // Elastic Indexed Jobs: completions may change, but only together with parallelism.
  if (spec.completions === undefined || spec.completions === old.completions || spec.completions === spec.parallelism) return [];
  return [invalid("spec.completions", spec.completions, "can only be modified in tandem with spec.parallelism")];
}

function validateJobUpdate(job: Job, old: Job): FieldCause[] {
  const spec = job.spec ?? {};
  const oldSpec = old.spec ?? {};
  const mayReschedule = oldSpec.suspend === true && !old.status?.startTime;
  const oldTemplate = mayReschedule ? withSchedulingDirectivesOf(oldSpec.template ?? {}, spec.template ?? {}) : oldSpec.template;
  return [
    ...validateCompletionsUpdate(spec, oldSpec),
    ...validateImmutable(spec.selector, oldSpec.selector, "spec.selector"),
    ...validateImmutable(spec.template, oldTemplate, "spec.template"),
    ...(["completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"] as const).flatMap((f) =>
      validateImmutable(spec[f], oldSpec[f], `spec.${f}`),
    ),
  ];
}

function validateJob(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const job = asJob(obj);
  const spec = job.spec ?? {};
  const shared = [...validateJobSpec(spec, "spec"), ...validateJobSelector(spec)];
  if (old) return [...shared, ...validateJobUpdate(job, asJob(old))];
  return [...validateGeneratedSelector(job), ...shared, ...validateIndexedHostnames(job)];
}

/** The first condition of the type decides, as kubectl's printer reads it. */
function hasCondition(status: JobStatus | undefined, type: string): boolean {
  return status?.conditions?.find((c) => c.type === type)?.status === "True";
}

function jobStatusCell(job: Job): string {
  if (hasCondition(job.status, "Complete")) return "Complete";
  if (hasCondition(job.status, "Failed")) return "Failed";
  if (job.metadata.deletionTimestamp) return "Terminating";
  if (hasCondition(job.status, "Suspended")) return "Suspended";
  if (hasCondition(job.status, "FailureTarget")) return "FailureTarget";
  return "Running";
}

function completionsCell(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const { completions, parallelism = 0 } = job.spec ?? {};
  if (completions !== undefined) return `${succeeded}/${completions}`;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationCell(job: Job, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return "";
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now.getTime();
  return humanDuration(end - Date.parse(start));
}

export const jobKind: KindDef = {
  group: "batch",
  version: "v1",
  kind: "Job",
  listKind: "JobList",
  plural: "jobs",
  singular: "job",
  shortNames: [],
  categories: ["all"],
  namespaced: true,
  schema: jobSchema,
  statusField: "status",
  defaults: defaultJob,
  onCreate: generateJobSelector,
  validate: validateJob,
  selectableFields: { "status.successful": (obj) => String(asJob(obj).status?.succeeded ?? 0) },
  columns: [
    { name: "Status", type: "string", description: "Status of the job.", cell: (obj) => jobStatusCell(asJob(obj)) },
    { name: "Completions", type: "string", description: "The number of pods which reached phase Succeeded.", cell: (obj) => completionsCell(asJob(obj)) },
    { name: "Duration", type: "string", description: "Time required to complete the job.", cell: (obj, now) => durationCell(asJob(obj), now) },
    ageColumn(),
    ...wideTemplateColumns(
      "spec.template.spec.containers",
      "A label query over pods that should match the pod count. Normally, the system sets this field for you.",
      (obj) => formatLabelSelector(asJob(obj).spec?.selector),
    ),
  ],
};
