// RollingUpdate (rolling.go): grow the new ReplicaSet within maxSurge, shrink the old ones within
// maxUnavailable, unhealthy old pods first.
import type { ReplicaSet } from "../replicaset/types";
import { activeReplicaSets, desiredReplicas, maxUnavailable, newRSNewReplicas, replicasOf, sumReplicas, sumStatus } from "./arithmetic";
import { deploymentComplete, syncRolloutStatus } from "./progress";
import { byCreation, getAllReplicaSetsAndSyncRevision } from "./replicasets";
import { cleanupDeployment } from "./sync";
import { scaleAndRecord, type Work } from "./work";

/** reconcileNewReplicaSet: scale the new ReplicaSet up as far as maxSurge allows (or down to replicas). */
function reconcileNewReplicaSet(work: Work, allRSs: ReplicaSet[], newRS: ReplicaSet): boolean {
  const replicas = desiredReplicas(work.d);
  if (replicasOf(newRS) === replicas) return false;
  if (replicasOf(newRS) > replicas) return scaleAndRecord(work, newRS, replicas);
  return scaleAndRecord(work, newRS, newRSNewReplicas(work.d, allRSs, newRS));
}

/**
 * cleanupUnhealthyReplicas: old ReplicaSets with unavailable pods lose those first (oldest
 * ReplicaSet first); removing them cannot reduce availability. Returns how many went, or
 * undefined when a ReplicaSet reports more available pods than it asks for (a stale status:
 * Kubernetes gives up on scaling down for this pass).
 */
function cleanupUnhealthyReplicas(work: Work, oldRSs: ReplicaSet[], maxCleanup: number): number | undefined {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
    const count = Math.min(maxCleanup - total, replicasOf(rs) - available);
    if (count < 0) return undefined;
    scaleAndRecord(work, rs, replicasOf(rs) - count);
    total += count;
  }
  return total;
}

/** scaleDownOldReplicaSetsForRollingUpdate: take old pods away while availability stays above minAvailable. */
function scaleDownOld(work: Work, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): number {
  const minAvailable = desiredReplicas(work.d) - maxUnavailable(work.d);
  const available = sumStatus(allRSs, "availableReplicas");
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= toScaleDown) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), toScaleDown - total);
    scaleAndRecord(work, rs, replicasOf(rs) - count);
    total += count;
  }
  return total;
}

/**
 * reconcileOldReplicaSets. How far old pods may go: all pods − minAvailable − new pods not yet
 * available (those cannot be counted on). Worked example: replicas 10, maxUnavailable 2, maxSurge
 * 3; old 10 available, new just made with 3: 13 − 8 − 3 = 2 may go, old → 8.
 */
function reconcileOldReplicaSets(work: Work, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): boolean {
  if (sumReplicas(oldRSs) === 0) return false;
  const minAvailable = desiredReplicas(work.d) - maxUnavailable(work.d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumReplicas(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = cleanupUnhealthyReplicas(work, oldRSs, maxScaledDown);
  if (cleaned === undefined) return false;
  const scaledDown = scaleDownOld(work, [...oldRSs, newRS], oldRSs);
  return cleaned + scaledDown > 0;
}

/** rolloutRolling: scale up if we can, else scale down if we can, else clean up once complete. */
export function rolloutRolling(work: Work, owned: ReplicaSet[]): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(work, owned, true);
  if (!newRS) return; // a hash collision: only the bumped collisionCount is written
  const allRSs = [...oldRSs, newRS];
  if (reconcileNewReplicaSet(work, allRSs, newRS)) return syncRolloutStatus(work, allRSs, newRS);
  if (reconcileOldReplicaSets(work, allRSs, activeReplicaSets(oldRSs), newRS)) return syncRolloutStatus(work, allRSs, newRS);
  if (deploymentComplete(work.d, work.d.status)) cleanupDeployment(work, oldRSs);
  syncRolloutStatus(work, allRSs, newRS);
}
