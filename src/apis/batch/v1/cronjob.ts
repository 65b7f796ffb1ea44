// batch/v1 CronJob: schema, defaults (batch/v1 SetDefaults_CronJob), validation (batch/validation
// ValidateCronJobCreate/Update) and `kubectl get` columns.
import { z } from "zod";
import { invalid, notSupported, required } from "../../fielderrors";
import { maxLenError } from "../../formats";
import { atomicList, kindSchema, objectReferenceSchema, timeSchema } from "../../meta";
import { age, ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateNonNegative } from "../../validation";
import { defaultPodTemplateSpec } from "../../core/v1/podspec";
import { wideTemplateColumns } from "../../apps/v1/columns";
import { formatLabelSelector } from "../../apps/v1/labels";
import { parseCronSchedule } from "./cron";
import { jobTemplateSpecSchema } from "./jobspec";
import { validateJobSpec } from "./jobvalidation";
import { validateTimeZone } from "./timezone";

export const cronJobSpecSchema = z.strictObject({
  schedule: z.string().optional(),
  timeZone: z.string().optional(),
  startingDeadlineSeconds: z.int().optional(),
  concurrencyPolicy: z.string().optional(),
  suspend: z.boolean().optional(),
  jobTemplate: jobTemplateSpecSchema.optional(),
  successfulJobsHistoryLimit: z.int32().optional(),
  failedJobsHistoryLimit: z.int32().optional(),
});

export const cronJobStatusSchema = z.strictObject({
  active: atomicList(objectReferenceSchema),
  lastScheduleTime: timeSchema.optional(),
  lastSuccessfulTime: timeSchema.optional(),
});

export const cronJobSchema = kindSchema({ apiVersion: "batch/v1", kind: "CronJob", spec: cronJobSpecSchema, status: cronJobStatusSchema });

export type CronJobSpec = z.infer<typeof cronJobSpecSchema>;

export interface CronJob extends KubeObject {
  spec?: CronJobSpec;
  status?: z.infer<typeof cronJobStatusSchema>;
}

const asCronJob = (obj: KubeObject) => obj as CronJob;

// The controller names Jobs `<cronjob>-<minutes since epoch>` (11 more characters) and Job names
// must stay within a DNS-1035 label's 63.
const MAX_CRONJOB_NAME_LENGTH = 63 - 11;

function defaultCronJob(obj: KubeObject): void {
  const spec = (asCronJob(obj).spec ??= {});
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = "Allow";
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  // Only the pod template is defaulted: the Job defaults apply when the controller creates the Job.
  defaultPodTemplateSpec(((spec.jobTemplate ??= {}).spec ??= {}).template ??= {});
}

/** A schedule written as `TZ=...` or `CRON_TZ=...` is accepted only if the object already had one (older clusters allowed it). */
function validateSchedule(spec: CronJobSpec, oldSpec: CronJobSpec | undefined): FieldCause[] {
  const schedule = spec.schedule ?? "";
  const path = "spec.schedule";
  if (schedule === "") return [required(path)];
  const parsed = parseCronSchedule(schedule);
  const causes = parsed.ok ? [] : [invalid(path, schedule, parsed.error)];
  const allowTZ = oldSpec?.schedule?.includes("TZ") ?? false;
  if (schedule.includes("TZ")) {
    if (!allowTZ) causes.push(invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    else if (spec.timeZone !== undefined) causes.push(invalid(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
  }
  return causes;
}

function validateConcurrencyPolicy(policy: string | undefined, path: string): FieldCause[] {
  const supported = ["Allow", "Forbid", "Replace"];
  if (!policy) return [required(path)];
  return supported.includes(policy) ? [] : [notSupported(path, policy, supported)];
}

/** ValidateJobTemplateSpec: a Job spec whose selector the controller will generate. */
function validateJobTemplate(spec: CronJobSpec, path: string): FieldCause[] {
  const jobSpec = spec.jobTemplate?.spec ?? {};
  const causes = validateJobSpec(jobSpec, `${path}.spec`);
  if (jobSpec.selector) causes.push(invalid(`${path}.spec.selector`, jobSpec.selector, "`selector` will be auto-generated"));
  if (jobSpec.manualSelector) causes.push(notSupported(`${path}.spec.manualSelector`, jobSpec.manualSelector, ["nil", "false"]));
  return causes;
}

function validateCronJob(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const cronJob = asCronJob(obj);
  const spec = cronJob.spec ?? {};
  const oldSpec = old ? (asCronJob(old).spec ?? {}) : undefined;
  const causes = [
    ...validateSchedule(spec, oldSpec),
    ...validateNonNegative(spec.startingDeadlineSeconds, "spec.startingDeadlineSeconds"),
    // An unchanged time zone is not checked again, so a zone the runtime no longer knows does not block updates.
    ...(oldSpec && oldSpec.timeZone === spec.timeZone ? [] : validateTimeZone(spec.timeZone, "spec.timeZone")),
    ...validateConcurrencyPolicy(spec.concurrencyPolicy, "spec.concurrencyPolicy"),
    ...validateJobTemplate(spec, "spec.jobTemplate"),
    ...validateNonNegative(spec.successfulJobsHistoryLimit, "spec.successfulJobsHistoryLimit"),
    ...validateNonNegative(spec.failedJobsHistoryLimit, "spec.failedJobsHistoryLimit"),
  ];
  // Only on create, so that older CronJobs with longer names can still be updated and deleted.
  const name = cronJob.metadata.name ?? "";
  if (!old && name.length > MAX_CRONJOB_NAME_LENGTH) causes.push(invalid("metadata.name", name, maxLenError(MAX_CRONJOB_NAME_LENGTH)));
  return causes;
}

/** printBoolPtr: "True", "False" or "<unset>". */
function boolCell(value: boolean | undefined): string {
  if (value === undefined) return "<unset>";
  return value ? "True" : "False";
}

export const cronJobKind: KindDef = {
  group: "batch",
  version: "v1",
  kind: "CronJob",
  listKind: "CronJobList",
  plural: "cronjobs",
  singular: "cronjob",
  shortNames: ["cj"],
  categories: ["all"],
  namespaced: true,
  schema: cronJobSchema,
  statusField: "status",
  defaults: defaultCronJob,
  validate: validateCronJob,
  columns: [
    { name: "Schedule", type: "string", description: "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.", cell: (obj) => asCronJob(obj).spec?.schedule ?? "" },
    { name: "Timezone", type: "string", description: "The time zone name for the given schedule.", cell: (obj) => asCronJob(obj).spec?.timeZone ?? "<none>" },
    {
      name: "Suspend",
      type: "boolean",
      description: "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.",
      cell: (obj) => boolCell(asCronJob(obj).spec?.suspend),
    },
    { name: "Active", type: "integer", description: "A list of pointers to currently running jobs.", cell: (obj) => asCronJob(obj).status?.active?.length ?? 0 },
    {
      name: "Last Schedule",
      type: "string",
      description: "Information when was the last time the job was successfully scheduled.",
      cell: (obj, now) => {
        const last = asCronJob(obj).status?.lastScheduleTime;
        return last ? age(last, now) : "<none>";
      },
    },
    ageColumn(),
    ...wideTemplateColumns(
      "spec.jobTemplate.spec.template.spec.containers",
      "A label query over pods that should match the pod count. Normally, the system sets this field for you.",
      (obj) => formatLabelSelector(asCronJob(obj).spec?.jobTemplate?.spec?.selector),
    ),
  ],
};
