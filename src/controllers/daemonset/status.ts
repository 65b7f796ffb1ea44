// A DaemonSet's status (updateDaemonSetStatus and storeDaemonSetStatus): per node that should run
// the pod, whether it has one and whether its oldest is ready, available and up to date; pods on
// nodes that should not run one are misscheduled.
import { semanticEqual } from "../hash";
import { isPodAvailable, isPodReady } from "../podutil";
import { byCreation, isUpdated, type Pass } from "./pass";
import type { DaemonSetStatus } from "./types";

/**
 * The counts, with observedGeneration raised to the generation this pass acted on. Kubernetes
 * always writes the four int32 counts that have no omitempty; the others only when non-zero.
 */
export function calculateStatus(pass: Pass): DaemonSetStatus {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  let availableCount = 0;
  for (const [nodeName, fit] of pass.fits) {
    const pods = pass.byNode.get(nodeName) ?? [];
    if (!fit.shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    desired++;
    if (pods.length === 0) continue;
    current++;
    const pod = [...pods].sort(byCreation)[0];
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, pass.minReadySeconds, pass.now)) availableCount++;
    }
    if (isUpdated(pass, pod)) updated++;
  }
  const { ds } = pass;
  const status: DaemonSetStatus = { ...ds.status, currentNumberScheduled: current, numberMisscheduled: misscheduled, desiredNumberScheduled: desired, numberReady: ready };
  const optional = { observedGeneration: ds.metadata.generation, updatedNumberScheduled: updated, numberAvailable: availableCount, numberUnavailable: desired - availableCount };
  for (const [key, value] of Object.entries(optional) as [keyof typeof optional, number | undefined][]) {
    if (value) status[key] = value;
    else delete status[key];
  }
  return status;
}

/** Go's zero values filled in, so that an absent count equals 0. */
function normalized(s: DaemonSetStatus | undefined): DaemonSetStatus {
  return {
    currentNumberScheduled: s?.currentNumberScheduled ?? 0,
    numberMisscheduled: s?.numberMisscheduled ?? 0,
    desiredNumberScheduled: s?.desiredNumberScheduled ?? 0,
    numberReady: s?.numberReady ?? 0,
    observedGeneration: s?.observedGeneration ?? 0,
    updatedNumberScheduled: s?.updatedNumberScheduled ?? 0,
    numberAvailable: s?.numberAvailable ?? 0,
    numberUnavailable: s?.numberUnavailable ?? 0,
    collisionCount: s?.collisionCount,
    conditions: s?.conditions ?? [],
  };
}

export function daemonSetStatusEqual(a: DaemonSetStatus | undefined, b: DaemonSetStatus | undefined): boolean {
  return semanticEqual(normalized(a), normalized(b));
}
