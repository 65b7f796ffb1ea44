// The downward API: pod fields and container resources as strings, for env (fieldRef,
// resourceFieldRef) and downwardAPI volume files. Values and formats as the kubelet produces
// them (fieldpath.ExtractFieldPathAsString, resource.ExtractContainerResourceValue).
import type { Container } from "../../apis/core/v1/container";
import type { Pod } from "../../apis/core/v1/pod";
import { parseQuantity } from "../../apis/quantity";

export interface PodAddresses {
  podIPs: string[];
  hostIPs: string[];
}

/** labels and annotations as a downward file shows them: sorted `key="value"` lines. */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map?.[k] ?? "")}`)
    .join("\n");
}

const SUBSCRIPTED = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** A fieldRef's value, or an error message for a path the kubelet does not support. */
export function fieldValue(pod: Pod, fieldPath: string, addresses: PodAddresses): { value: string } | { error: string } {
  const meta = pod.metadata;
  const sub = SUBSCRIPTED.exec(fieldPath);
  if (sub) return { value: (sub[1] === "labels" ? meta.labels : meta.annotations)?.[sub[2]] ?? "" };
  switch (fieldPath) {
    case "metadata.name":
      return { value: meta.name ?? "" };
    case "metadata.namespace":
      return { value: meta.namespace ?? "" };
    case "metadata.uid":
      return { value: meta.uid ?? "" };
    case "metadata.labels":
      return { value: formatMap(meta.labels) };
    case "metadata.annotations":
      return { value: formatMap(meta.annotations) };
    case "spec.nodeName":
      return { value: pod.spec?.nodeName ?? "" };
    case "spec.serviceAccountName":
      return { value: pod.spec?.serviceAccountName ?? "" };
    case "status.hostIP":
      return { value: addresses.hostIPs[0] ?? "" };
    case "status.hostIPs":
      return { value: addresses.hostIPs.join(",") };
    case "status.podIP":
      return { value: addresses.podIPs[0] ?? "" };
    case "status.podIPs":
      return { value: addresses.podIPs.join(",") };
  }
  return { error: `unsupported fieldPath: ${fieldPath}` };
}

/** The node's allocatable, which stands in for limits a container does not set. */
export type Allocatable = Record<string, string>;

/**
 * A resourceFieldRef's value: the container's limit or request divided by the divisor and
 * rounded up (cpu in whole cores unless the divisor says "1m"); a limit the container does not
 * set is the node's allocatable, a request it does not set is 0.
 */
export function resourceValue(container: Container, resource: string, divisor: string | number | undefined, allocatable: Allocatable): { value: string } | { error: string } {
  const [kind, name] = resource.split(".", 2) as [string, string | undefined];
  if ((kind !== "limits" && kind !== "requests") || !name) return { error: `unsupported container resource: ${resource}` };
  const set = container.resources?.[kind]?.[name];
  const fallback = kind === "limits" ? allocatable[name] : undefined;
  const amount = parseQuantity(set ?? fallback ?? 0) ?? 0;
  const by = parseQuantity(divisor ?? 1) || 1;
  return { value: String(Math.ceil(amount / by - 1e-9)) };
}
