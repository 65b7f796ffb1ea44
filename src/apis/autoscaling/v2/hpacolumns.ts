// The TARGETS column of `kubectl get hpa` (printers.go formatHPAMetrics): "cpu: 40%/80%",
// "<unknown>" until the controller reports a value, the first two metrics and "+ N more...".
import type { MetricSpec, MetricStatus, MetricTarget } from "./hpaschema";

type Quantity = string | number | undefined;

/** Quantities print as stored; Go prints a missing one as "<nil>". */
function q(value: Quantity): string {
  return value === undefined ? "<nil>" : String(value);
}

/** "current/target (avg)" when the target is an average value, else "current/target" of raw values. */
function valueOrAverage(target: MetricTarget | undefined, current: { value?: Quantity; averageValue?: Quantity } | undefined, hasStatus: boolean): string {
  if (target?.averageValue !== undefined) {
    const now = current?.averageValue !== undefined ? q(current.averageValue) : "<unknown>";
    return `${now}/${q(target.averageValue)} (avg)`;
  }
  return `${hasStatus ? q(current?.value) : "<unknown>"}/${q(target?.value)}`;
}

function resourceText(name: string | undefined, target: MetricTarget | undefined, current: { averageValue?: Quantity; averageUtilization?: number } | undefined, hasStatus: boolean): string {
  if (target?.averageValue !== undefined) return `${name ?? ""}: ${hasStatus ? q(current?.averageValue) : "<unknown>"}/${q(target.averageValue)}`;
  const now = current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : "<unknown>";
  const goal = target?.averageUtilization !== undefined ? `${target.averageUtilization}%` : "<auto>";
  return `${name ?? ""}: ${now}/${goal}`;
}

function metricText(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case "External":
      return valueOrAverage(spec.external?.target, status?.external?.current, status?.external !== undefined);
    case "Object":
      return valueOrAverage(spec.object?.target, status?.object?.current, status?.object !== undefined);
    case "Pods":
      return `${status?.pods ? q(status.pods.current.averageValue) : "<unknown>"}/${q(spec.pods?.target?.averageValue)}`;
    case "Resource":
      return resourceText(spec.resource?.name, spec.resource?.target, status?.resource?.current, status?.resource !== undefined);
    case "ContainerResource":
      return resourceText(spec.containerResource?.name, spec.containerResource?.target, status?.containerResource?.current, status?.containerResource !== undefined);
    default:
      return "<unknown type>";
  }
}

/** Spec metrics paired with the status metric at the same position, as Kubernetes pairs them. */
export function formatHpaMetrics(specs: MetricSpec[], statuses: MetricStatus[]): string {
  if (specs.length === 0) return "<none>";
  const max = 2;
  const shown = specs
    .slice(0, max)
    .map((spec, i) => metricText(spec, statuses[i]))
    .join(", ");
  return specs.length > max ? `${shown} + ${specs.length - max} more...` : shown;
}
