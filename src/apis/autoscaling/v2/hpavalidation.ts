// autoscaling/validation for HorizontalPodAutoscaler specs: replica bounds, the scale target,
// metric sources and scaling behavior.
import { forbidden, invalid, notSupported, required } from "../../fielderrors";
import type { FieldCause } from "../../types";
import { parseQuantity, validateDns1123Label } from "../../validation";
import type { CrossVersionObjectReference, HpaSpec, MetricSpec, MetricTarget, ScalingRules } from "./hpaschema";

const METRIC_SOURCE_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const SELECT_POLICIES = ["Disabled", "Max", "Min"];
const POLICY_TYPES = ["Percent", "Pods"];
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

/** Which member of a MetricSpec each source type fills. */
const SOURCE_FIELDS: Record<string, keyof MetricSpec> = {
  Object: "object",
  Pods: "pods",
  Resource: "resource",
  External: "external",
  ContainerResource: "containerResource",
};

/** IsValidPathSegmentName: the value ends up in a URL path. */
function pathSegmentErrors(value: string): string[] {
  if (value === "." || value === "..") return [`may not be '${value}'`];
  return [...(value.includes("/") ? ["may not contain '/'"] : []), ...(value.includes("%") ? ["may not contain '%'"] : [])];
}

function validatePathSegment(value: string | undefined, path: string, missing?: string): FieldCause[] {
  if (!value) return [required(path, missing)];
  return pathSegmentErrors(value).map((m) => invalid(path, value, m));
}

export function validateObjectReference(ref: CrossVersionObjectReference | undefined, path: string): FieldCause[] {
  return [...validatePathSegment(ref?.kind, `${path}.kind`), ...validatePathSegment(ref?.name, `${path}.name`)];
}

function validatePositiveQuantity(q: string | number | undefined, path: string): FieldCause[] {
  if (q === undefined) return [];
  const value = parseQuantity(q);
  return value !== undefined && value > 0 ? [] : [invalid(path, q, "must be positive")];
}

function validateTarget(target: MetricTarget | undefined, path: string): FieldCause[] {
  const t = target ?? {};
  const causes: FieldCause[] = [];
  if (!t.type) causes.push(required(`${path}.type`, "must specify a metric target type"));
  if (t.type !== "Utilization" && t.type !== "Value" && t.type !== "AverageValue") {
    causes.push(invalid(`${path}.type`, t.type ?? "", "must be either Utilization, Value, or AverageValue"));
  }
  causes.push(...validatePositiveQuantity(t.value, `${path}.value`), ...validatePositiveQuantity(t.averageValue, `${path}.averageValue`));
  if (t.averageUtilization !== undefined && t.averageUtilization < 1) causes.push(invalid(`${path}.averageUtilization`, t.averageUtilization, "must be greater than 0"));
  return causes;
}

type Identified = NonNullable<MetricSpec["pods"]>;
type ResourceSource = NonNullable<MetricSpec["containerResource"]>;

function validateIdentified(src: Identified, path: string): FieldCause[] {
  return [...validatePathSegment(src.metric?.name, `${path}.metric.name`, "must specify a metric name"), ...validateTarget(src.target, `${path}.target`)];
}

function validateObjectSource(src: NonNullable<MetricSpec["object"]>, path: string): FieldCause[] {
  const causes = [...validateObjectReference(src.describedObject, `${path}.describedObject`), ...validateIdentified(src, path)];
  if (src.target?.value === undefined && src.target?.averageValue === undefined) causes.push(required(`${path}.target.averageValue`, "must set either a target value or averageValue"));
  return causes;
}

function validatePodsSource(src: Identified, path: string): FieldCause[] {
  const causes = validateIdentified(src, path);
  if (src.target?.averageValue === undefined) causes.push(required(`${path}.target.averageValue`, "must specify a positive target averageValue"));
  return causes;
}

function validateExternalSource(src: Identified, path: string): FieldCause[] {
  const t = src.target ?? {};
  const causes = validateIdentified(src, path);
  if (t.value === undefined && t.averageValue === undefined) causes.push(required(`${path}.target.averageValue`, "must set either a target value for metric or a per-pod target"));
  if (t.value !== undefined && t.averageValue !== undefined) causes.push(forbidden(`${path}.target.value`, "may not set both a target value for metric and a per-pod target"));
  return causes;
}

/** Resource and ContainerResource sources (the latter names a container too). */
function validateResourceSource(src: ResourceSource, path: string, withContainer: boolean): FieldCause[] {
  const t = src.target ?? {};
  const causes = src.name ? [] : [required(`${path}.name`, "must specify a resource name")];
  if (withContainer) causes.push(...(src.container ? validateDns1123Label(src.container, `${path}.container`) : [required(`${path}.container`, "must specify a container")]));
  causes.push(...validateTarget(src.target, `${path}.target`));
  if (t.averageUtilization === undefined && t.averageValue === undefined) causes.push(required(`${path}.target.averageUtilization`, "must set either a target raw value or a target utilization"));
  if (t.averageUtilization !== undefined && t.averageValue !== undefined) causes.push(forbidden(`${path}.target.averageValue`, "may not set both a target raw value and a target utilization"));
  return causes;
}

function validateSource(spec: MetricSpec, field: keyof MetricSpec, path: string): FieldCause[] {
  const p = `${path}.${field}`;
  if (spec.object) return validateObjectSource(spec.object, p);
  if (spec.pods) return validatePodsSource(spec.pods, p);
  if (spec.external) return validateExternalSource(spec.external, p);
  if (spec.resource) return validateResourceSource(spec.resource, p, false);
  return spec.containerResource ? validateResourceSource(spec.containerResource, p, true) : [];
}

function validateMetricSpec(spec: MetricSpec, path: string): FieldCause[] {
  const present = (Object.values(SOURCE_FIELDS) as (keyof MetricSpec)[]).filter((f) => spec[f] !== undefined);
  const causes: FieldCause[] = [];
  if (!spec.type) causes.push(required(`${path}.type`, "must specify a metric source type"));
  // Like Kubernetes, only a lone source is checked in detail.
  if (present.length === 1) causes.push(...validateSource(spec, present[0], path));
  const expected = spec.type ? SOURCE_FIELDS[spec.type] : undefined;
  if (!expected) causes.push(notSupported(`${path}.type`, spec.type ?? "", METRIC_SOURCE_TYPES));
  else if (spec[expected] === undefined) causes.push(required(`${path}.${expected}`, "must populate information for the given metric source"));
  if (present.length !== 1) {
    for (const f of present.filter((f) => f !== expected)) causes.push(forbidden(`${path}.${f}`, "must populate the given metric source only"));
  }
  return causes;
}

function validateScalingRules(rules: ScalingRules | undefined, path: string): FieldCause[] {
  if (!rules) return [];
  const causes: FieldCause[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (window !== undefined && window < 0) causes.push(invalid(`${path}.stabilizationWindowSeconds`, window, "must be greater than or equal to zero"));
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    causes.push(invalid(`${path}.stabilizationWindowSeconds`, window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (rules.selectPolicy !== undefined && !SELECT_POLICIES.includes(rules.selectPolicy)) causes.push(notSupported(`${path}.selectPolicy`, rules.selectPolicy, SELECT_POLICIES));
  const policies = rules.policies ?? [];
  if (policies.length === 0) causes.push(required(`${path}.policies`, "must specify at least one Policy"));
  policies.forEach((policy, i) => {
    const p = `${path}.policies[${i}]`;
    const { type = "", value = 0, periodSeconds = 0 } = policy;
    if (!POLICY_TYPES.includes(type)) causes.push(notSupported(`${p}.type`, type, POLICY_TYPES));
    if (value <= 0) causes.push(invalid(`${p}.value`, value, "must be greater than zero"));
    if (periodSeconds <= 0) causes.push(invalid(`${p}.periodSeconds`, periodSeconds, "must be greater than zero"));
    if (periodSeconds > MAX_PERIOD_SECONDS) causes.push(invalid(`${p}.periodSeconds`, periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return causes;
}

/**
 * validateHorizontalPodAutoscalerSpec. `minReplicasLowerBound` is 1 unless the object already
 * scaled to zero (Kubernetes keeps such objects updatable).
 */
export function validateHpaSpec(spec: HpaSpec, minReplicasLowerBound: number): FieldCause[] {
  const { minReplicas, maxReplicas = 0 } = spec;
  const causes: FieldCause[] = [];
  if (minReplicas !== undefined && minReplicas < minReplicasLowerBound) {
    causes.push(invalid("spec.minReplicas", minReplicas, `must be greater than or equal to ${minReplicasLowerBound}`));
  }
  if (maxReplicas < 1) causes.push(invalid("spec.maxReplicas", maxReplicas, "must be greater than 0"));
  if (minReplicas !== undefined && maxReplicas < minReplicas) causes.push(invalid("spec.maxReplicas", maxReplicas, "must be greater than or equal to `minReplicas`"));
  causes.push(...validateObjectReference(spec.scaleTargetRef, "spec.scaleTargetRef"));
  const metrics = spec.metrics ?? [];
  metrics.forEach((m, i) => causes.push(...validateMetricSpec(m, `spec.metrics[${i}]`)));
  if (minReplicas === 0 && !metrics.some((m) => m.type === "Object" || m.type === "External")) {
    causes.push(forbidden("spec.metrics", "must specify at least one Object or External metric to support scaling to zero replicas"));
  }
  return [...causes, ...validateScalingRules(spec.behavior?.scaleUp, "spec.behavior.scaleUp"), ...validateScalingRules(spec.behavior?.scaleDown, "spec.behavior.scaleDown")];
}
