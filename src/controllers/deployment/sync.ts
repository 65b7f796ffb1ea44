// Scaling and clean-up (sync.go): the paused and scaling-event path, proportional scaling of a
// Deployment resized mid-rollout, and revisionHistoryLimit.
import type { ReplicaSet } from "../replicaset/types";
import { activeReplicaSets, desiredReplicas, intAnnotation, isRollingUpdate, isSaturated, maxSurge, proportion, replicasOf, sumReplicas } from "./arithmetic";
import { syncDeploymentStatus } from "./progress";
import { byCreation, byRevision, bySizeNewer, bySizeOlder, getAllReplicaSetsAndSyncRevision } from "./replicasets";
import { DESIRED_REPLICAS, MAX_INT32 } from "./types";
import { scaleAndRecord, scaleReplicaSet, type Work } from "./work";

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active; undefined when several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas than the current one. */
export function isScalingEvent(work: Work, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): boolean {
  return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
    const desired = intAnnotation(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== desiredReplicas(work.d);
  });
}

/**
 * Proportional scaling: hand the difference between replicas + maxSurge and what the active
 * ReplicaSets ask for to each in proportion to its size, so that a resize mid-rollout neither
 * speeds the rollout up nor makes more of the new (possibly bad) pods. Leftovers from rounding go
 * to the largest ReplicaSet. Worked example: replicas 10 → 15, maxSurge 3 (max-replicas was 13),
 * old 8 and new 5: to add 18 − 13 = 5; old round(8×18/13) − 8 = +3, new +2 → old 11, new 7.
 */
function scaleProportionally(work: Work, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): void {
  const d = work.d;
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = desiredReplicas(d) > 0 ? desiredReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - sumReplicas(all);
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return replicasOf(rs);
    const share = proportion(rs, d, toAdd, added);
    added += share;
    return replicasOf(rs) + share;
  });
  if (all.length > 0 && toAdd !== 0) sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  all.forEach((rs, i) => scaleReplicaSet(work, rs, sizes[i]));
}

/** scale: the one active ReplicaSet takes all replicas; a saturated new one ends the old; otherwise proportions. */
export function scale(work: Work, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): void {
  const d = work.d;
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (replicasOf(only) !== desiredReplicas(d)) scaleAndRecord(work, only, desiredReplicas(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) scaleAndRecord(work, old, 0);
    return;
  }
  if (isRollingUpdate(d)) scaleProportionally(work, newRS, oldRSs);
}

/**
 * cleanupDeployment: delete the oldest old ReplicaSets beyond revisionHistoryLimit, only those
 * fully scaled down and observed so (and not changed in this very pass).
 */
export function cleanupDeployment(work: Work, oldRSs: readonly ReplicaSet[]): void {
  const limit = work.d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === MAX_INT32) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - limit;
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i];
    const lagging = (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0);
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || lagging || work.touched.includes(rs)) continue;
    work.deletes.push(rs);
  }
}

/** sync: the paused and scaling-event path. No new ReplicaSet is created here. */
export function sync(work: Work, owned: ReplicaSet[]): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(work, owned, false);
  scale(work, newRS, oldRSs);
  if (work.d.spec?.paused) cleanupDeployment(work, oldRSs);
  syncDeploymentStatus(work, [...oldRSs, newRS], newRS);
}
