// apps/v1 ReplicaSet: schema, defaults, validation (apps/validation ValidateReplicaSetSpec plus the
// strategy's immutable selector) and `kubectl get` columns.
import { z } from "zod";
import { conditionsList, kindSchema, labelSelectorSchema, legacyConditionSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateImmutable, validateNonNegative } from "../../validation";
import { defaultPodTemplateSpec, podTemplateSpecSchema } from "../../core/v1/podspec";
import { countColumn, wideTemplateColumns } from "./columns";
import { formatLabelSelector } from "./labels";
import { validateReplicatedPods } from "./template";

export const replicaSetSpecSchema = z.strictObject({
  replicas: z.int32().optional(),
  minReadySeconds: z.int32().optional(),
  selector: labelSelectorSchema.optional(),
  template: podTemplateSpecSchema.optional(),
});

export const replicaSetStatusSchema = z.strictObject({
  replicas: z.int32().optional(),
  fullyLabeledReplicas: z.int32().optional(),
  readyReplicas: z.int32().optional(),
  availableReplicas: z.int32().optional(),
  observedGeneration: z.int().optional(),
  conditions: conditionsList(legacyConditionSchema([])),
});

export const replicaSetSchema = kindSchema({ apiVersion: "apps/v1", kind: "ReplicaSet", spec: replicaSetSpecSchema, status: replicaSetStatusSchema });

export type ReplicaSetSpec = z.infer<typeof replicaSetSpecSchema>;

export interface ReplicaSet extends KubeObject {
  spec?: ReplicaSetSpec;
  status?: z.infer<typeof replicaSetStatusSchema>;
}

const asReplicaSet = (obj: KubeObject) => obj as ReplicaSet;

function defaultReplicaSet(obj: KubeObject): void {
  const spec = (asReplicaSet(obj).spec ??= {});
  spec.replicas ??= 1;
  defaultPodTemplateSpec((spec.template ??= {}));
}

function validateReplicaSet(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = asReplicaSet(obj).spec ?? {};
  const causes = [
    ...validateNonNegative(spec.replicas, "spec.replicas"),
    ...validateNonNegative(spec.minReadySeconds, "spec.minReadySeconds"),
    ...validateReplicatedPods(spec, "spec"),
  ];
  if (old) causes.push(...validateImmutable(spec.selector, asReplicaSet(old).spec?.selector, "spec.selector"));
  return causes;
}

export const replicaSetKind: KindDef = {
  group: "apps",
  version: "v1",
  kind: "ReplicaSet",
  listKind: "ReplicaSetList",
  plural: "replicasets",
  singular: "replicaset",
  shortNames: ["rs"],
  categories: ["all"],
  namespaced: true,
  schema: replicaSetSchema,
  statusField: "status",
  scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas", labelSelectorPath: "spec.selector" },
  defaults: defaultReplicaSet,
  validate: validateReplicaSet,
  selectableFields: { "status.replicas": (obj) => String(asReplicaSet(obj).status?.replicas ?? 0) },
  columns: [
    countColumn("Desired", "spec.replicas", "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1."),
    countColumn("Current", "status.replicas", "Replicas is the most recently observed number of replicas."),
    countColumn("Ready", "status.readyReplicas", "The number of ready replicas for this replica set."),
    ageColumn(),
    ...wideTemplateColumns(
      "spec.template.spec.containers",
      "Selector is a label query over pods that should match the replica count. It must match the pod template's labels.",
      (obj) => formatLabelSelector(asReplicaSet(obj).spec?.selector),
    ),
  ],
};
