// Recreate (recreate.go): all old pods go, and only once none is left (terminating ones
// included) does the new ReplicaSet get its replicas.
import { controllerOf, type Pod } from "../podutil";
import type { ReplicaSet } from "../replicaset/types";
import { activeReplicaSets, desiredReplicas, sumStatus } from "./arithmetic";
import { deploymentComplete, syncRolloutStatus } from "./progress";
import { getAllReplicaSetsAndSyncRevision } from "./replicasets";
import { cleanupDeployment } from "./sync";
import { scaleAndRecord, type Work } from "./work";

/**
 * While old pods are terminating nothing we own changes when they finally go (their ReplicaSet's
 * status already counts them out), so look again after a while. Kubernetes enqueues the
 * Deployment from its pod-deletion handler instead; a reconciler that triggers the Deployment
 * when a pod of its ReplicaSets is deleted makes this a mere safety net.
 */
export const OLD_PODS_POLL_MS = 5_000;

/**
 * oldPodsRunning: an old ReplicaSet still reports pods, or a pod controlled by one of our
 * ReplicaSets other than the new one exists in a phase other than Succeeded or Failed.
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], owned: readonly ReplicaSet[], pods: readonly Pod[]): boolean {
  if (sumStatus(oldRSs, "replicas") > 0) return true;
  const ours = new Set(owned.map((rs) => rs.metadata.uid));
  return pods.some((pod) => {
    const uid = controllerOf(pod)?.uid;
    if (uid === undefined || !ours.has(uid) || (newRS && uid === newRS.metadata.uid)) return false;
    const phase = pod.status?.phase;
    return phase !== "Succeeded" && phase !== "Failed";
  });
}

export function rolloutRecreate(work: Work, owned: ReplicaSet[], pods: readonly Pod[]): void {
  const first = getAllReplicaSetsAndSyncRevision(work, owned, false);
  let { newRS } = first;
  const { oldRSs } = first;
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) if (scaleAndRecord(work, rs, 0)) scaledDown = true;
  if (scaledDown) return syncRolloutStatus(work, [...oldRSs, newRS], newRS);
  if (oldPodsRunning(newRS, oldRSs, owned, pods)) {
    syncRolloutStatus(work, [...oldRSs, newRS], newRS);
    work.requeueAfterMs = Math.min(work.requeueAfterMs ?? OLD_PODS_POLL_MS, OLD_PODS_POLL_MS);
    return;
  }
  // Create the new ReplicaSet only now, so that nothing scales up before the old pods are gone.
  newRS ??= getAllReplicaSetsAndSyncRevision(work, owned, true).newRS;
  if (!newRS) return; // a hash collision: only the bumped collisionCount is written
  scaleAndRecord(work, newRS, desiredReplicas(work.d));
  if (deploymentComplete(work.d, work.d.status)) cleanupDeployment(work, oldRSs);
  syncRolloutStatus(work, [...oldRSs, newRS], newRS);
}
