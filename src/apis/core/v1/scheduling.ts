// Where a pod may run: node and pod (anti-)affinity, tolerations, topology spread constraints.
import { z } from "zod";
import { atomicList, labelSelectorSchema } from "../../meta";

export const nodeSelectorRequirementSchema = z.strictObject({
  key: z.string(),
  /** In, NotIn, Exists, DoesNotExist, Gt, Lt. */
  operator: z.string(),
  values: atomicList(z.string()),
});

export const nodeSelectorTermSchema = z.strictObject({
  matchExpressions: atomicList(nodeSelectorRequirementSchema),
  matchFields: atomicList(nodeSelectorRequirementSchema),
});

export const nodeSelectorSchema = z.strictObject({ nodeSelectorTerms: atomicList(nodeSelectorTermSchema) });

export const podAffinityTermSchema = z.strictObject({
  labelSelector: labelSelectorSchema.optional(),
  namespaces: atomicList(z.string()),
  topologyKey: z.string(),
  namespaceSelector: labelSelectorSchema.optional(),
  matchLabelKeys: atomicList(z.string()),
  mismatchLabelKeys: atomicList(z.string()),
});

const weightedPodAffinityTermSchema = z.strictObject({ weight: z.int32(), podAffinityTerm: podAffinityTermSchema });

const podAffinitySchema = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: atomicList(podAffinityTermSchema),
  preferredDuringSchedulingIgnoredDuringExecution: atomicList(weightedPodAffinityTermSchema),
});

export const affinitySchema = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: nodeSelectorSchema.optional(),
      preferredDuringSchedulingIgnoredDuringExecution: atomicList(z.strictObject({ weight: z.int32(), preference: nodeSelectorTermSchema })),
    })
    .optional(),
  podAffinity: podAffinitySchema.optional(),
  podAntiAffinity: podAffinitySchema.optional(),
});

export const tolerationSchema = z.strictObject({
  key: z.string().optional(),
  operator: z.string().optional(),
  value: z.string().optional(),
  effect: z.string().optional(),
  tolerationSeconds: z.int().optional(),
});

export const topologySpreadConstraintSchema = z.strictObject({
  maxSkew: z.int32(),
  topologyKey: z.string(),
  whenUnsatisfiable: z.string(),
  labelSelector: labelSelectorSchema.optional(),
  minDomains: z.int32().optional(),
  nodeAffinityPolicy: z.string().optional(),
  nodeTaintsPolicy: z.string().optional(),
  matchLabelKeys: atomicList(z.string()),
});

export type Affinity = z.infer<typeof affinitySchema>;
export type Toleration = z.infer<typeof tolerationSchema>;
export type NodeSelectorTerm = z.infer<typeof nodeSelectorTermSchema>;
export type PodAffinityTerm = z.infer<typeof podAffinityTermSchema>;
export type TopologySpreadConstraint = z.infer<typeof topologySpreadConstraintSchema>;
