// apps/v1 Deployment: schema, Kubernetes' defaults (apps/v1 SetDefaults_Deployment), validation
// (apps/validation ValidateDeploymentSpec and the strategy's update rules) and `kubectl get` columns.
import { z } from "zod";
import { forbidden, invalid, notSupported, required } from "../../fielderrors";
import { conditionsList, intOrStringSchema, kindSchema, labelSelectorSchema, legacyConditionSchema, withPatchMeta } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateImmutable, validateNonNegative } from "../../validation";
import { defaultPodTemplateSpec, podTemplateSpecSchema } from "../../core/v1/podspec";
import { countAt, countColumn, wideTemplateColumns } from "./columns";
import { intOrPercentValue, validateNotMoreThan100Percent, validatePositiveIntOrPercent } from "./intorpercent";
import { selectorString } from "./labels";
import { validateReplicatedPods } from "./template";

const rollingUpdateDeploymentSchema = z.strictObject({
  maxUnavailable: intOrStringSchema.optional(),
  maxSurge: intOrStringSchema.optional(),
});

// Kubernetes tags the strategy retainKeys so that switching to Recreate drops rollingUpdate.
const deploymentStrategySchema = withPatchMeta(
  z.strictObject({
    type: z.string().optional(),
    rollingUpdate: rollingUpdateDeploymentSchema.optional(),
  }),
  { patchStrategy: "retainKeys" },
);

export const deploymentSpecSchema = z.strictObject({
  replicas: z.int32().optional(),
  selector: labelSelectorSchema.optional(),
  template: podTemplateSpecSchema.optional(),
  strategy: deploymentStrategySchema.optional(),
  minReadySeconds: z.int32().optional(),
  revisionHistoryLimit: z.int32().optional(),
  paused: z.boolean().optional(),
  progressDeadlineSeconds: z.int32().optional(),
});

export const deploymentStatusSchema = z.strictObject({
  observedGeneration: z.int().optional(),
  replicas: z.int32().optional(),
  updatedReplicas: z.int32().optional(),
  readyReplicas: z.int32().optional(),
  availableReplicas: z.int32().optional(),
  unavailableReplicas: z.int32().optional(),
  conditions: conditionsList(legacyConditionSchema(["lastUpdateTime"])),
  collisionCount: z.int32().optional(),
});

export const deploymentSchema = kindSchema({ apiVersion: "apps/v1", kind: "Deployment", spec: deploymentSpecSchema, status: deploymentStatusSchema });

export interface Deployment extends KubeObject {
  spec?: DeploymentSpec;
  status?: z.infer<typeof deploymentStatusSchema>;
}
export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;
type DeploymentStrategy = NonNullable<DeploymentSpec["strategy"]>;

const asDeployment = (obj: KubeObject) => obj as Deployment;

function defaultDeployment(obj: KubeObject): void {
  const spec = (asDeployment(obj).spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  if (!strategy.type) strategy.type = "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const rolling = (strategy.rollingUpdate ??= {});
    rolling.maxUnavailable ??= "25%";
    rolling.maxSurge ??= "25%";
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplateSpec((spec.template ??= {}));
}

function validateStrategy(strategy: DeploymentStrategy | undefined, path: string): FieldCause[] {
  switch (strategy?.type) {
    case "Recreate":
      return strategy.rollingUpdate ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
    case "RollingUpdate": {
      const rolling = strategy.rollingUpdate;
      if (!rolling) return [required(`${path}.rollingUpdate`, "this should be defaulted and never be nil")];
      const p = `${path}.rollingUpdate`;
      const causes = [...validatePositiveIntOrPercent(rolling.maxUnavailable, `${p}.maxUnavailable`), ...validatePositiveIntOrPercent(rolling.maxSurge, `${p}.maxSurge`)];
      if (intOrPercentValue(rolling.maxUnavailable) === 0 && intOrPercentValue(rolling.maxSurge) === 0) {
        causes.push(invalid(`${p}.maxUnavailable`, rolling.maxUnavailable, "may not be 0 when `maxSurge` is 0"));
      }
      return [...causes, ...validateNotMoreThan100Percent(rolling.maxUnavailable, `${p}.maxUnavailable`)];
    }
    default:
      return [notSupported(path, strategy ?? {}, ["Recreate", "RollingUpdate"])];
  }
}

function validateDeploymentSpec(spec: DeploymentSpec): FieldCause[] {
  const minReady = spec.minReadySeconds ?? 0;
  const causes = [
    ...validateNonNegative(spec.replicas, "spec.replicas"),
    ...validateReplicatedPods(spec, "spec"),
    ...validateStrategy(spec.strategy, "spec.strategy"),
    ...validateNonNegative(minReady, "spec.minReadySeconds"),
    ...validateNonNegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"),
    ...validateNonNegative(spec.progressDeadlineSeconds, "spec.progressDeadlineSeconds"),
  ];
  if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds <= minReady) {
    causes.push(invalid("spec.progressDeadlineSeconds", spec.progressDeadlineSeconds, "must be greater than minReadySeconds"));
  }
  return causes;
}

function validateDeployment(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = asDeployment(obj).spec ?? {};
  const causes = validateDeploymentSpec(spec);
  if (old) causes.push(...validateImmutable(spec.selector, asDeployment(old).spec?.selector, "spec.selector"));
  return causes;
}

export const deploymentKind: KindDef = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  listKind: "DeploymentList",
  plural: "deployments",
  singular: "deployment",
  shortNames: ["deploy"],
  categories: ["all"],
  namespaced: true,
  schema: deploymentSchema,
  statusField: "status",
  scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas", labelSelectorPath: "spec.selector" },
  defaults: defaultDeployment,
  validate: validateDeployment,
  columns: [
    {
      name: "Ready",
      type: "string",
      description: "Number of the pod with ready state",
      cell: (obj) => `${countAt(obj, "status.readyReplicas")}/${countAt(obj, "spec.replicas")}`,
    },
    countColumn("Up-to-date", "status.updatedReplicas", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", "string"),
    countColumn("Available", "status.availableReplicas", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", "string"),
    ageColumn(),
    // The Deployment printer, unlike the others, shows an empty selector as "" and a bad one as "<invalid>".
    ...wideTemplateColumns(
      "spec.template.spec.containers",
      "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
      (obj) => selectorString(asDeployment(obj).spec?.selector) ?? "<invalid>",
    ),
  ],
};
