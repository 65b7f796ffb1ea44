// autoscaling/v2 HorizontalPodAutoscaler: defaults (autoscaling/v2 SetDefaults_HorizontalPodAutoscaler),
// validation and `kubectl get` columns. The schema is in hpaschema.ts.
import { kindSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { formatHpaMetrics } from "./hpacolumns";
import { hpaSpecSchema, hpaStatusSchema, type HpaSpec, type HpaStatus, type ScalingRules } from "./hpaschema";
import { validateHpaSpec } from "./hpavalidation";

export const hpaSchema = kindSchema({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", spec: hpaSpecSchema, status: hpaStatusSchema });

export interface HorizontalPodAutoscaler extends KubeObject {
  spec?: HpaSpec;
  status?: HpaStatus;
}

const asHpa = (obj: KubeObject) => obj as HorizontalPodAutoscaler;

/** The target Kubernetes gives an HPA without metrics: 80% average CPU utilization. */
const DEFAULT_CPU_UTILIZATION = 80;

// The behavior of HPAs before `behavior` existed: scale up by 4 pods or 100% every 15s, whichever
// is more, without a window; scale down by up to 100% every 15s after the controller's own window.
const defaultScaleUp = (): ScalingRules => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
});
const defaultScaleDown = (): ScalingRules => ({ selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] });

/** Fields the user set win over the defaults, field by field (copyHPAScalingRules). */
function withDefaults(rules: ScalingRules | undefined, defaults: ScalingRules): ScalingRules {
  return {
    ...defaults,
    ...(rules?.stabilizationWindowSeconds !== undefined ? { stabilizationWindowSeconds: rules.stabilizationWindowSeconds } : {}),
    ...(rules?.selectPolicy !== undefined ? { selectPolicy: rules.selectPolicy } : {}),
    ...(rules?.policies !== undefined ? { policies: rules.policies } : {}),
  };
}

function defaultHpa(obj: KubeObject): void {
  const spec = (asHpa(obj).spec ??= {});
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) {
    spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (spec.behavior) {
    spec.behavior.scaleUp = withDefaults(spec.behavior.scaleUp, defaultScaleUp());
    spec.behavior.scaleDown = withDefaults(spec.behavior.scaleDown, defaultScaleDown());
  }
}

function validateHpa(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const scaledToZero = old !== undefined && asHpa(old).spec?.minReplicas === 0;
  return validateHpaSpec(asHpa(obj).spec ?? {}, scaledToZero ? 0 : 1);
}

export const hpaKind: KindDef = {
  group: "autoscaling",
  version: "v2",
  kind: "HorizontalPodAutoscaler",
  listKind: "HorizontalPodAutoscalerList",
  plural: "horizontalpodautoscalers",
  singular: "horizontalpodautoscaler",
  shortNames: ["hpa"],
  categories: ["all"],
  namespaced: true,
  schema: hpaSchema,
  statusField: "status",
  defaults: defaultHpa,
  validate: validateHpa,
  columns: [
    {
      name: "Reference",
      type: "string",
      description: "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.",
      cell: (obj) => `${asHpa(obj).spec?.scaleTargetRef?.kind ?? ""}/${asHpa(obj).spec?.scaleTargetRef?.name ?? ""}`,
    },
    {
      name: "Targets",
      type: "string",
      description: "metrics contains the specifications for which to use to calculate the desired replica count.",
      cell: (obj) => formatHpaMetrics(asHpa(obj).spec?.metrics ?? [], asHpa(obj).status?.currentMetrics ?? []),
    },
    {
      name: "MinPods",
      type: "string",
      description: "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.",
      cell: (obj) => {
        const min = asHpa(obj).spec?.minReplicas;
        return min === undefined ? "<unset>" : String(min);
      },
    },
    { name: "MaxPods", type: "string", description: "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.", cell: (obj) => asHpa(obj).spec?.maxReplicas ?? 0 },
    { name: "Replicas", type: "string", description: "currentReplicas is current number of replicas of pods managed by this autoscaler.", cell: (obj) => asHpa(obj).status?.currentReplicas ?? 0 },
    ageColumn(),
  ],
};
