// Schemas shared by every kind: ObjectMeta, label selectors, quantities, int-or-string, object
// references, conditions, and the whole-object builder `kindSchema`. Objects are strict so that
// unknown fields surface as `unrecognized_keys` issues (kubectl's fieldValidation=Strict).
import { z } from "zod";
import { mergeList, type PatchMeta } from "./patchmeta";

/** RFC 3339 timestamps are carried as strings; the store and printers parse them. */
export const timeSchema = z.string().meta({ format: "date-time" });

/**
 * A list field with its patch metadata. The metadata is attached both to the array and to the
 * optional wrapper, because zod does not carry `.meta()` across `.optional()` and readers
 * (strategic merge patch, OpenAPI) may look at either level.
 */
export function listOf<T extends z.ZodType>(item: T, meta: PatchMeta): z.ZodOptional<z.ZodArray<T>> {
  return withPatchMeta(withPatchMeta(z.array(item), meta).optional(), meta);
}

/** Attach patch metadata (spread, because zod's meta type wants an index signature PatchMeta lacks). */
export function withPatchMeta<T extends z.ZodType>(schema: T, meta: PatchMeta): T {
  return schema.meta({ ...meta });
}

/** A list Kubernetes replaces as a whole (x-kubernetes-list-type: atomic). */
export function atomicList<T extends z.ZodType>(item: T): z.ZodOptional<z.ZodArray<T>> {
  return listOf(item, { listType: "atomic" });
}

/** A string-to-string map (labels, annotations, nodeSelector, ConfigMap data...). */
export const stringMapSchema = z.record(z.string(), z.string());

/** resource.Quantity: "100m", "1Gi", 2. Its format is checked by validateQuantity. */
export const quantitySchema = z.union([z.string(), z.number()]).meta({ description: "A fixed-point number with an optional SI or binary suffix (resource.Quantity)." });

/** A map of resource names to quantities (requests, limits, capacity, overhead...). */
export const resourceListSchema = z.record(z.string(), quantitySchema);

/** intstr.IntOrString: a port number or name, a count or a percentage. */
export const intOrStringSchema = withPatchMeta(z.union([z.int32(), z.string()]), { intOrString: true });

export const ownerReferenceSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

export const managedFieldsEntrySchema = z.strictObject({
  manager: z.string().optional(),
  operation: z.enum(["Apply", "Update"]).optional(),
  apiVersion: z.string().optional(),
  time: timeSchema.optional(),
  fieldsType: z.literal("FieldsV1").optional(),
  fieldsV1: z.record(z.string(), z.unknown()).optional(),
  subresource: z.string().optional(),
});

export const objectMetaSchema = z.strictObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  selfLink: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().optional(),
  // `kubectl create --dry-run -o yaml` writes `creationTimestamp: null`, and Go decodes it as unset.
  creationTimestamp: timeSchema.nullable().optional(),
  deletionTimestamp: timeSchema.optional(),
  deletionGracePeriodSeconds: z.int().optional(),
  labels: stringMapSchema.optional(),
  annotations: stringMapSchema.optional(),
  ownerReferences: listOf(ownerReferenceSchema, mergeList("uid")),
  finalizers: listOf(z.string(), { patchStrategy: "merge", listType: "set" }),
  managedFields: atomicList(managedFieldsEntrySchema),
});

export const labelSelectorRequirementSchema = z.strictObject({
  key: z.string(),
  /** In, NotIn, Exists, DoesNotExist: checked by validateLabelSelector with Kubernetes' wording. */
  operator: z.string(),
  values: atomicList(z.string()),
});

export const labelSelectorSchema = withPatchMeta(
  z.strictObject({
    matchLabels: stringMapSchema.optional(),
    matchExpressions: atomicList(labelSelectorRequirementSchema),
  }),
  { mapType: "atomic" },
);

export type LabelSelector = z.infer<typeof labelSelectorSchema>;

/** core/v1 ObjectReference (Event.involvedObject, Binding.target, Endpoints targetRef...). */
export const objectReferenceSchema = withPatchMeta(
  z.strictObject({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    fieldPath: z.string().optional(),
  }),
  { mapType: "atomic" },
);

/** LocalObjectReference: `{name}` (imagePullSecrets, secretRef...). */
export const localObjectReferenceSchema = withPatchMeta(z.strictObject({ name: z.string().optional() }), { mapType: "atomic" });

/** meta/v1 Condition, the shape newer APIs use. */
export const conditionSchema = z.strictObject({
  type: z.string(),
  status: z.string(),
  observedGeneration: z.int().optional(),
  lastTransitionTime: timeSchema.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

/**
 * The older per-kind condition shapes (PodCondition, NodeCondition, DeploymentCondition,
 * JobCondition...): type, status, reason, message, lastTransitionTime plus the kind's own
 * timestamps, e.g. `legacyConditionSchema(["lastProbeTime"])`.
 */
export function legacyConditionSchema(timeFields: readonly string[], extra: z.ZodRawShape = {}) {
  const times = Object.fromEntries(timeFields.map((f) => [f, timeSchema.nullable().optional()]));
  return z.strictObject({
    type: z.string(),
    status: z.string(),
    reason: z.string().optional(),
    message: z.string().optional(),
    lastTransitionTime: timeSchema.nullable().optional(),
    ...times,
    ...extra,
  });
}

/** A conditions list merged by `type`, as Kubernetes declares them. */
export function conditionsList<T extends z.ZodType>(condition: T): z.ZodOptional<z.ZodArray<T>> {
  return listOf(condition, mergeList("type"));
}

/** apiVersion and kind: the API layer checks their values; the schema only says they are strings. */
export function typeMetaFields(apiVersion: string, kind: string) {
  return {
    apiVersion: z.string().optional().meta({ description: `APIVersion of this object: "${apiVersion}".` }),
    kind: z.string().optional().meta({ description: `Kind of this object: "${kind}".` }),
  };
}

export interface KindSchemaOptions {
  apiVersion: string;
  kind: string;
  spec?: z.ZodType;
  status?: z.ZodType;
  /** Top-level fields besides metadata/spec/status (ConfigMap data, Event fields...). */
  extra?: z.ZodRawShape;
}

/** The whole-object strict schema a KindDef carries. */
export function kindSchema(opts: KindSchemaOptions) {
  return z.strictObject({
    ...typeMetaFields(opts.apiVersion, opts.kind),
    metadata: objectMetaSchema.optional(),
    ...(opts.spec ? { spec: opts.spec.optional() } : {}),
    ...(opts.status ? { status: opts.status.optional() } : {}),
    ...opts.extra,
  });
}
