// Replica arithmetic of a Deployment (deployment_util.go): fenceposts, how far the new
// ReplicaSet may grow, proportional shares when the Deployment is scaled mid-rollout.
import { DESIRED_REPLICAS, MAX_REPLICAS, type Deployment, type IntOrPercent } from "./types";
import type { ReplicaSet } from "../replicaset/types";

/** *(d.Spec.Replicas): the API defaults it to 1. */
export function desiredReplicas(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

/** *(rs.Spec.Replicas). */
export function replicasOf(rs: ReplicaSet): number {
  return rs.spec?.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return d.spec?.strategy?.type === "RollingUpdate";
}

/**
 * intstr.GetScaledValueFromIntOrPercent: an integer as is, "p%" of total rounded up or down.
 * Undefined for a string that is not a percentage (validation refuses those).
 * Worked examples: ("25%", 10, up) → 3; ("25%", 10, down) → 2; ("25%", 1, down) → 0; (4, 10) → 4.
 */
export function scaledValue(value: IntOrPercent | undefined, total: number, roundUp: boolean): number | undefined {
  if (value === undefined) return 0;
  if (typeof value === "number") return value;
  const m = /^([+-]?\d+)%$/.exec(value);
  if (!m) return undefined;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, and when both come to 0 one
 * pod may be unavailable (surge might be impossible, e.g. under a quota). Worked examples:
 *   10 replicas, 25%/25% → surge 3, unavailable 2 (2.5 up, 2.5 down)
 *   1 replica, 25%/25%   → surge 1, unavailable 0
 *   1 replica, 0%/1%     → surge 0, unavailable 1 (both 0 → unavailable 1)
 */
export function resolveFenceposts(maxSurge: IntOrPercent | undefined, maxUnavailable: IntOrPercent | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true) ?? 0;
  let unavailable = scaledValue(maxUnavailable, desired, false) ?? 0;
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** MaxSurge: 0 unless RollingUpdate. */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const rolling = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, desiredReplicas(d)).surge;
}

/** MaxUnavailable: 0 unless RollingUpdate with replicas; never more than replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const rolling = d.spec?.strategy?.rollingUpdate;
  return Math.min(replicas, resolveFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, replicas).unavailable);
}

export function sumReplicas(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0);
}

export function sumStatus(rss: readonly (ReplicaSet | undefined)[], field: "replicas" | "readyReplicas" | "availableReplicas"): number {
  return rss.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);
}

/** FilterActiveReplicaSets: those asked for at least one pod. */
export function activeReplicaSets(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0);
}

/**
 * NewRSNewReplicas: RollingUpdate grows the new ReplicaSet up to replicas + maxSurge pods in
 * all, never past replicas; Recreate asks for all replicas at once. Worked example: replicas 10,
 * maxSurge 3, old ReplicaSet at 10, new at 0 → 3; once the old is at 8 and the new at 3 → 5.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const maxTotal = replicas + maxSurge(d);
  const current = sumReplicas(allRSs);
  if (current >= maxTotal) return replicasOf(newRS);
  const scaleUp = Math.min(maxTotal - current, replicas - replicasOf(newRS));
  return replicasOf(newRS) + scaleUp;
}

/** An annotation as Go's strconv.Atoi reads it. */
export function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const raw = rs.metadata.annotations?.[key];
  return raw !== undefined && /^[+-]?\d+$/.test(raw) ? Number(raw) : undefined;
}

/**
 * IsSaturated: the new ReplicaSet has all replicas, believes so (desired-replicas annotation),
 * and all of them are available.
 */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = intAnnotation(rs, DESIRED_REPLICAS);
  const replicas = desiredReplicas(d);
  return desired !== undefined && replicasOf(rs) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** integer.RoundToInt32: half away from zero. */
function round(a: number): number {
  return a < 0 ? Math.ceil(a - 0.5) : Math.floor(a + 0.5);
}

/**
 * getReplicaSetFraction: this ReplicaSet's share of a resize, from the max-replicas annotation
 * it was last sized for. Worked example: replicas 10 → 20 with maxSurge 0; a ReplicaSet of 4
 * sized for max 10 gets round(4 × 20 / 10) − 4 = +4.
 */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desiredReplicas(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  const annotated = intAnnotation(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
  // Go would divide by zero into an infinity; such a ReplicaSet takes no share (the leftover goes to the largest).
  if (annotated === 0) return 0;
  return round((replicasOf(rs) * deploymentReplicas) / annotated) - replicasOf(rs);
}

/**
 * GetProportion: the share of `toAdd` this ReplicaSet gets, given `added` already handed out,
 * never overshooting what is left to hand out in either direction.
 */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
