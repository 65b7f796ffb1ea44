// batch/v1 JobSpec and JobStatus, shared by Job and by CronJob's jobTemplate.
import { z } from "zod";
import { atomicList, labelSelectorSchema, legacyConditionSchema, listOf, objectMetaSchema, timeSchema } from "../../meta";
import { podTemplateSpecSchema } from "../../core/v1/podspec";

const podFailurePolicyRuleSchema = z.strictObject({
  action: z.string(),
  onExitCodes: z
    .strictObject({
      containerName: z.string().optional(),
      operator: z.string(),
      values: listOf(z.int32(), { listType: "set" }),
    })
    .optional(),
  onPodConditions: atomicList(z.strictObject({ type: z.string(), status: z.string().optional() })),
});

export const jobSpecSchema = z.strictObject({
  parallelism: z.int32().optional(),
  completions: z.int32().optional(),
  activeDeadlineSeconds: z.int().optional(),
  podFailurePolicy: z.strictObject({ rules: atomicList(podFailurePolicyRuleSchema) }).optional(),
  successPolicy: z.strictObject({ rules: atomicList(z.strictObject({ succeededIndexes: z.string().optional(), succeededCount: z.int32().optional() })) }).optional(),
  backoffLimit: z.int32().optional(),
  backoffLimitPerIndex: z.int32().optional(),
  maxFailedIndexes: z.int32().optional(),
  selector: labelSelectorSchema.optional(),
  manualSelector: z.boolean().optional(),
  template: podTemplateSpecSchema.optional(),
  ttlSecondsAfterFinished: z.int32().optional(),
  completionMode: z.string().optional(),
  suspend: z.boolean().optional(),
  podReplacementPolicy: z.string().optional(),
  managedBy: z.string().optional(),
});

export const jobStatusSchema = z.strictObject({
  // Kubernetes merges job conditions by type in strategic merge patch but declares the list atomic.
  conditions: listOf(legacyConditionSchema(["lastProbeTime"]), { patchStrategy: "merge", patchMergeKey: "type", listType: "atomic" }),
  startTime: timeSchema.optional(),
  completionTime: timeSchema.optional(),
  active: z.int32().optional(),
  succeeded: z.int32().optional(),
  failed: z.int32().optional(),
  terminating: z.int32().optional(),
  completedIndexes: z.string().optional(),
  failedIndexes: z.string().optional(),
  uncountedTerminatedPods: z
    .strictObject({
      succeeded: listOf(z.string(), { listType: "set" }),
      failed: listOf(z.string(), { listType: "set" }),
    })
    .optional(),
  ready: z.int32().optional(),
});

export const jobTemplateSpecSchema = z.strictObject({
  metadata: objectMetaSchema.optional(),
  spec: jobSpecSchema.optional(),
});

export type JobSpec = z.infer<typeof jobSpecSchema>;
export type JobStatus = z.infer<typeof jobStatusSchema>;
export type JobTemplateSpec = z.infer<typeof jobTemplateSpecSchema>;
export type PodFailurePolicyRule = z.infer<typeof podFailurePolicyRuleSchema>;
