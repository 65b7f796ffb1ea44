// apps/v1 DaemonSet: schema, defaults (apps/v1 SetDefaults_DaemonSet), validation
// (apps/validation ValidateDaemonSetSpec plus the immutable selector) and `kubectl get` columns.
import { z } from "zod";
import { invalid, notSupported, required } from "../../fielderrors";
import { conditionsList, intOrStringSchema, kindSchema, labelSelectorSchema, legacyConditionSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateImmutable, validateLabelSelector, validateNonNegative } from "../../validation";
import { defaultPodTemplateSpec, podTemplateSpecSchema } from "../../core/v1/podspec";
import { countColumn, wideTemplateColumns } from "./columns";
import { intOrPercentValue, validateNotMoreThan100Percent, validatePositiveIntOrPercent } from "./intorpercent";
import { formatLabelSelector, formatLabels, selectorString } from "./labels";
import { isEmptySelector, validateLongRunningTemplate, validateSelectorMatchesTemplate } from "./template";

const daemonSetUpdateStrategySchema = z.strictObject({
  type: z.string().optional(),
  rollingUpdate: z
    .strictObject({
      maxUnavailable: intOrStringSchema.optional(),
      maxSurge: intOrStringSchema.optional(),
    })
    .optional(),
});

export const daemonSetSpecSchema = z.strictObject({
  selector: labelSelectorSchema.optional(),
  template: podTemplateSpecSchema.optional(),
  updateStrategy: daemonSetUpdateStrategySchema.optional(),
  minReadySeconds: z.int32().optional(),
  revisionHistoryLimit: z.int32().optional(),
});

export const daemonSetStatusSchema = z.strictObject({
  currentNumberScheduled: z.int32().optional(),
  numberMisscheduled: z.int32().optional(),
  desiredNumberScheduled: z.int32().optional(),
  numberReady: z.int32().optional(),
  observedGeneration: z.int().optional(),
  updatedNumberScheduled: z.int32().optional(),
  numberAvailable: z.int32().optional(),
  numberUnavailable: z.int32().optional(),
  collisionCount: z.int32().optional(),
  conditions: conditionsList(legacyConditionSchema([])),
});

export const daemonSetSchema = kindSchema({ apiVersion: "apps/v1", kind: "DaemonSet", spec: daemonSetSpecSchema, status: daemonSetStatusSchema });

export interface DaemonSet extends KubeObject {
  spec?: DaemonSetSpec;
  status?: z.infer<typeof daemonSetStatusSchema>;
}
export type DaemonSetSpec = z.infer<typeof daemonSetSpecSchema>;
type DaemonSetUpdateStrategy = z.infer<typeof daemonSetUpdateStrategySchema>;

const asDaemonSet = (obj: KubeObject) => obj as DaemonSet;

function defaultDaemonSet(obj: KubeObject): void {
  const spec = (asDaemonSet(obj).spec ??= {});
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) strategy.type = "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const rolling = (strategy.rollingUpdate ??= {});
    rolling.maxUnavailable ??= 1;
    rolling.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplateSpec((spec.template ??= {}));
}

function validateUpdateStrategy(strategy: DaemonSetUpdateStrategy | undefined, path: string): FieldCause[] {
  switch (strategy?.type) {
    case "OnDelete":
      return [];
    case "RollingUpdate": {
      const rolling = strategy.rollingUpdate;
      const p = `${path}.rollingUpdate`;
      if (!rolling) return [required(p)];
      const causes = [
        ...validatePositiveIntOrPercent(rolling.maxUnavailable, `${p}.maxUnavailable`),
        ...validatePositiveIntOrPercent(rolling.maxSurge, `${p}.maxSurge`),
        ...validateNotMoreThan100Percent(rolling.maxUnavailable, `${p}.maxUnavailable`),
        ...validateNotMoreThan100Percent(rolling.maxSurge, `${p}.maxSurge`),
      ];
      // Exactly one of the two may be non-zero.
      const hasUnavailable = intOrPercentValue(rolling.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(rolling.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) causes.push(invalid(`${p}.maxSurge`, rolling.maxSurge, "may not be set when maxUnavailable is non-zero"));
      if (!hasUnavailable && !hasSurge) causes.push(required(`${p}.maxUnavailable`, "cannot be 0 when maxSurge is 0"));
      return causes;
    }
    default:
      return [notSupported(path, strategy ?? {}, ["RollingUpdate", "OnDelete"])];
  }
}

function validateDaemonSetSpec(spec: DaemonSetSpec): FieldCause[] {
  const sel = spec.selector;
  const causes = validateLabelSelector(sel, "spec.selector");
  // A selector Kubernetes cannot convert skips the label match, as there.
  if (!sel || selectorString(sel) !== undefined) causes.push(...validateSelectorMatchesTemplate(sel, spec.template, "spec"));
  if (sel && isEmptySelector(sel)) causes.push(invalid("spec.selector", sel, "empty selector is invalid for daemonset"));
  return [
    ...causes,
    ...validateLongRunningTemplate(spec.template, "spec.template", "DaemonSet"),
    ...validateNonNegative(spec.minReadySeconds, "spec.minReadySeconds"),
    ...validateUpdateStrategy(spec.updateStrategy, "spec.updateStrategy"),
    ...validateNonNegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"),
  ];
}

function validateDaemonSet(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = asDaemonSet(obj).spec ?? {};
  const causes = validateDaemonSetSpec(spec);
  if (old) causes.push(...validateImmutable(spec.selector, asDaemonSet(old).spec?.selector, "spec.selector"));
  return causes;
}

export const daemonSetKind: KindDef = {
  group: "apps",
  version: "v1",
  kind: "DaemonSet",
  listKind: "DaemonSetList",
  plural: "daemonsets",
  singular: "daemonset",
  shortNames: ["ds"],
  categories: ["all"],
  namespaced: true,
  schema: daemonSetSchema,
  statusField: "status",
  defaults: defaultDaemonSet,
  validate: validateDaemonSet,
  columns: [
    countColumn("Desired", "status.desiredNumberScheduled", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
    countColumn("Current", "status.currentNumberScheduled", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
    countColumn("Ready", "status.numberReady", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
    countColumn("Up-to-date", "status.updatedNumberScheduled", "The total number of nodes that are running updated daemon pod"),
    countColumn("Available", "status.numberAvailable", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
    {
      name: "Node Selector",
      type: "string",
      description: "NodeSelector is a selector which must be true for the pod to fit on a node.",
      cell: (obj) => formatLabels(asDaemonSet(obj).spec?.template?.spec?.nodeSelector),
    },
    ageColumn(),
    ...wideTemplateColumns(
      "spec.template.spec.containers",
      "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels.",
      (obj) => formatLabelSelector(asDaemonSet(obj).spec?.selector),
    ),
  ],
};
