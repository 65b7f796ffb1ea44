// Pod readiness and availability as the controllers judge them (k8s.io/kubernetes/pkg/api/v1/pod
// and pkg/controller's IsPodActive), status conditions with Kubernetes' update rules, and times.
// Only the fields the controllers read are declared; everything else passes through untouched.
import type { KubeObject, OwnerReference } from "../apis/types";

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | null;
  lastProbeTime?: string | null;
}

export interface PodSpecFields {
  nodeName?: string;
  [field: string]: unknown;
}

export interface PodStatusFields {
  phase?: string;
  conditions?: PodCondition[];
  containerStatuses?: { restartCount?: number; [field: string]: unknown }[];
  [field: string]: unknown;
}

export interface Pod extends KubeObject {
  spec?: PodSpecFields;
  status?: PodStatusFields;
}

/** The annotation whose lower value a ReplicaSet deletes first (controller.kubernetes.io/pod-deletion-cost). */
export const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

// ---------------------------------------------------------------------------------------------
// Times: metav1.Time serializes at second precision in RFC 3339; decisions take `now` in ms.

/** RFC 3339 at second precision, as metav1.Time is written. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A metav1.Time as ms since the epoch; undefined when absent or unparseable (Go's zero time). */
export function parseTime(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

// ---------------------------------------------------------------------------------------------
// Pods

export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === "True";
}

/** When a ready pod became ready (ms); undefined for a pod that is not ready or has no time. */
export function podReadyTime(pod: Pod): number | undefined {
  return isPodReady(pod) ? parseTime(podReadyCondition(pod)?.lastTransitionTime) : undefined;
}

/**
 * podutil.IsPodAvailable: ready, and either minReadySeconds is 0 or it has been ready for
 * strictly more than minReadySeconds. Worked example: ready at 10:00:00, minReadySeconds 5:
 * at 10:00:05 not yet available, at 10:00:05.001 available.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const readyAt = podReadyTime(pod);
  return readyAt !== undefined && readyAt + minReadySeconds * 1000 < now;
}

/**
 * How long until a ready pod becomes available (ms, at least 1); undefined when it already is,
 * when it is not ready, or when it has no ready time (then it never becomes available by time).
 */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds === 0 || !isPodReady(pod) || isPodAvailable(pod, minReadySeconds, now)) return undefined;
  const readyAt = podReadyTime(pod);
  if (readyAt === undefined) return undefined;
  // Availability needs readyAt + minReady strictly before now: wake one ms past the boundary.
  return Math.max(1, readyAt + minReadySeconds * 1000 - now + 1);
}

/** controller.IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

/** The highest restart count among the pod's containers. */
export function maxContainerRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/** helper.GetDeletionCostFromPodAnnotations: the annotation as an int32, 0 when absent or malformed. */
export function podDeletionCost(pod: Pod): number {
  const raw = pod.metadata.annotations?.[POD_DELETION_COST];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const n = Number(raw);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

// ---------------------------------------------------------------------------------------------
// Owner references (metav1.GetControllerOf, NewControllerRef)

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The controller reference a controller puts on what it creates or adopts. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Conditions of ReplicaSets and Deployments

export interface StatusCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string | null;
  lastTransitionTime?: string | null;
}

export function getCondition<C extends StatusCondition>(conditions: readonly C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition / SetCondition: a condition with the same status and reason is left as
 * it is (times included); one with the same status keeps its lastTransitionTime; the new one
 * goes to the end of the list, as Kubernetes' filter-then-append does.
 */
export function setCondition<C extends StatusCondition>(conditions: readonly C[] | undefined, next: C): C[] {
  const list = conditions ?? [];
  const current = getCondition(list, next.type);
  if (current && current.status === next.status && current.reason === next.reason) return [...list];
  const placed = current && current.status === next.status ? { ...next, lastTransitionTime: current.lastTransitionTime } : next;
  return [...list.filter((c) => c.type !== next.type), placed];
}

export function removeCondition<C extends StatusCondition>(conditions: readonly C[] | undefined, type: string): C[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
