// autoscaling/v2 HorizontalPodAutoscaler: the schema and its types.
import { z } from "zod";
import { atomicList, conditionsList, labelSelectorSchema, legacyConditionSchema, quantitySchema, timeSchema } from "../../meta";

// Fields Kubernetes requires are optional here when its validation reports them missing with its
// own wording (Go decodes a missing field as its zero value and validation says "Required value").
export const crossVersionObjectReferenceSchema = z.strictObject({
  kind: z.string().optional(),
  name: z.string().optional(),
  apiVersion: z.string().optional(),
});

const metricIdentifierSchema = z.strictObject({ name: z.string().optional(), selector: labelSelectorSchema.optional() });

const metricTargetSchema = z.strictObject({
  type: z.string().optional(),
  value: quantitySchema.optional(),
  averageValue: quantitySchema.optional(),
  averageUtilization: z.int32().optional(),
});

const metricValueStatusSchema = z.strictObject({
  value: quantitySchema.optional(),
  averageValue: quantitySchema.optional(),
  averageUtilization: z.int32().optional(),
});

const identified = { metric: metricIdentifierSchema.optional(), target: metricTargetSchema.optional() };

export const metricSpecSchema = z.strictObject({
  type: z.string().optional(),
  object: z.strictObject({ describedObject: crossVersionObjectReferenceSchema.optional(), ...identified }).optional(),
  pods: z.strictObject(identified).optional(),
  resource: z.strictObject({ name: z.string().optional(), target: metricTargetSchema.optional() }).optional(),
  containerResource: z.strictObject({ name: z.string().optional(), target: metricTargetSchema.optional(), container: z.string().optional() }).optional(),
  external: z.strictObject(identified).optional(),
});

export const metricStatusSchema = z.strictObject({
  type: z.string(),
  object: z.strictObject({ metric: metricIdentifierSchema, current: metricValueStatusSchema, describedObject: crossVersionObjectReferenceSchema }).optional(),
  pods: z.strictObject({ metric: metricIdentifierSchema, current: metricValueStatusSchema }).optional(),
  resource: z.strictObject({ name: z.string(), current: metricValueStatusSchema }).optional(),
  containerResource: z.strictObject({ name: z.string(), current: metricValueStatusSchema, container: z.string() }).optional(),
  external: z.strictObject({ metric: metricIdentifierSchema, current: metricValueStatusSchema }).optional(),
});

export const scalingRulesSchema = z.strictObject({
  stabilizationWindowSeconds: z.int32().optional(),
  selectPolicy: z.string().optional(),
  policies: atomicList(z.strictObject({ type: z.string().optional(), value: z.int32().optional(), periodSeconds: z.int32().optional() })),
});

export const hpaSpecSchema = z.strictObject({
  scaleTargetRef: crossVersionObjectReferenceSchema.optional(),
  minReplicas: z.int32().optional(),
  maxReplicas: z.int32().optional(),
  metrics: atomicList(metricSpecSchema),
  behavior: z.strictObject({ scaleUp: scalingRulesSchema.optional(), scaleDown: scalingRulesSchema.optional() }).optional(),
});

export const hpaStatusSchema = z.strictObject({
  observedGeneration: z.int().optional(),
  lastScaleTime: timeSchema.optional(),
  currentReplicas: z.int32().optional(),
  desiredReplicas: z.int32().optional(),
  currentMetrics: atomicList(metricStatusSchema),
  conditions: conditionsList(legacyConditionSchema([])),
});

export type HpaSpec = z.infer<typeof hpaSpecSchema>;
export type HpaStatus = z.infer<typeof hpaStatusSchema>;
export type MetricSpec = z.infer<typeof metricSpecSchema>;
export type MetricStatus = z.infer<typeof metricStatusSchema>;
export type MetricTarget = z.infer<typeof metricTargetSchema>;
export type ScalingRules = z.infer<typeof scalingRulesSchema>;
export type CrossVersionObjectReference = z.infer<typeof crossVersionObjectReferenceSchema>;
