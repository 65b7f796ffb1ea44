// The RollingUpdate strategy (update.go rollingUpdate, updatedDesiredNodeCounts and
// util.SurgeCount/UnavailableCount). Without surge, old pods are deleted while fewer than
// maxUnavailable nodes lack an available pod, and manage puts new ones in their place; with
// surge, new pods start beside old ones on up to maxSurge nodes and an old pod goes once its
// replacement is available.
import { scaledValue } from "../deployment/arithmetic";
import { isPodAvailable, type Pod } from "../podutil";
import type { PodDelete } from "./podcontrol";
import { fitOf, isUpdated, type Pass } from "./pass";
import type { DaemonSet } from "./types";

function rollingUpdateOf(ds: DaemonSet) {
  const strategy = ds.spec?.updateStrategy;
  return strategy?.type === "RollingUpdate" ? strategy.rollingUpdate : undefined;
}

/** SurgeCount: maxSurge of `desired` nodes, rounded up; 0 unless RollingUpdate sets it. */
export function surgeCount(ds: DaemonSet, desired: number): number {
  const maxSurge = rollingUpdateOf(ds)?.maxSurge;
  return maxSurge === undefined ? 0 : (scaledValue(maxSurge, desired, true) ?? 0);
}

/** UnavailableCount: maxUnavailable of `desired` nodes, rounded up; 0 unless RollingUpdate. */
export function unavailableCount(ds: DaemonSet, desired: number): number {
  const rolling = rollingUpdateOf(ds);
  return rolling ? (scaledValue(rolling.maxUnavailable, desired, true) ?? 0) : 0;
}

/** AllowsSurge: a node may hold two daemon pods during an update. */
export function allowsSurge(ds: DaemonSet): boolean {
  return surgeCount(ds, 1) > 0;
}

/**
 * updatedDesiredNodeCounts: the nodes that should run the pod, and the limits for them. A
 * configuration allowing neither surge nor unavailability still lets one node go at a time.
 * Worked examples: 10 nodes, maxUnavailable "25%" → 3 (2.5 rounded up); maxSurge 0 and
 * maxUnavailable 0 → unavailable 1.
 */
export function rollingLimits(pass: Pass): { desired: number; maxSurge: number; maxUnavailable: number } {
  const desired = [...pass.fits.values()].filter((f) => f.shouldRun).length;
  const maxSurge = surgeCount(pass.ds, desired);
  let maxUnavailable = unavailableCount(pass.ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { desired, maxSurge, maxUnavailable };
}

/** findUpdatedPodsOnNode: at most one new and one old pod not being deleted, or undefined when there are more. */
function podsOnNode(pass: Pass, pods: readonly Pod[]): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isUpdated(pass, pod)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

/** The nodes rollingUpdate looks at: those with daemon pods and those that should have one, in name order. */
function rollingNodes(pass: Pass): [string, Pod[]][] {
  const names = new Set(pass.byNode.keys());
  for (const [name, fit] of pass.fits) if (fit.shouldRun) names.add(name);
  return [...names].sort().map((name) => [name, pass.byNode.get(name) ?? []]);
}

const available = (pass: Pass, pod: Pod) => isPodAvailable(pod, pass.minReadySeconds, pass.now);

/** Without surge: unavailable old pods go at once, available ones while the budget lasts. */
function withoutSurge(pass: Pass, maxUnavailable: number): PodDelete[] {
  let numUnavailable = 0;
  const replacements: Pod[] = [];
  const candidates: Pod[] = [];
  for (const [, pods] of rollingNodes(pass)) {
    const found = podsOnNode(pass, pods);
    // Excess pods, or a node with none or with both: manage deals with it; it counts as unavailable.
    if (!found || !found.oldPod === !found.newPod) {
      numUnavailable++;
    } else if (found.newPod) {
      if (!available(pass, found.newPod)) numUnavailable++;
    } else if (found.oldPod && !available(pass, found.oldPod)) {
      replacements.push(found.oldPod);
      numUnavailable++;
    } else if (found.oldPod && numUnavailable < maxUnavailable) {
      candidates.push(found.oldPod);
    }
  }
  const room = Math.max(0, Math.min(maxUnavailable - numUnavailable, candidates.length));
  return [...replacements, ...candidates.slice(0, room)].map((pod) => ({ pod }));
}

interface SurgePlan {
  deletes: PodDelete[];
  /** Old pods on nodes that should no longer run one, deleted only as others become available. */
  shouldNotRun: Pod[];
  allowedNew: string[];
  candidateNew: string[];
  numSurge: number;
  numAvailable: number;
}

/** One node of the surge plan (the switch of rollingUpdate's surge branch). */
function planSurgeNode(pass: Pass, nodeName: string, pods: readonly Pod[], maxSurge: number, plan: SurgePlan): void {
  const found = podsOnNode(pass, pods);
  if (!found) {
    plan.numSurge++;
    return;
  }
  const { newPod, oldPod } = found;
  const counted = oldPod ?? newPod;
  if (counted && available(pass, counted)) plan.numAvailable++;
  if (!oldPod) return;
  const shouldRun = fitOf(pass, nodeName).shouldRun;
  if (!newPod) {
    if (!available(pass, oldPod)) {
      if (shouldRun) plan.allowedNew.push(nodeName);
      else plan.deletes.push({ pod: oldPod });
    } else if (!shouldRun) {
      plan.shouldNotRun.push(oldPod);
    } else if (plan.numSurge < maxSurge) {
      plan.candidateNew.push(nodeName);
    }
  } else if (!available(pass, newPod)) {
    plan.numSurge++;
  } else {
    plan.deletes.push({ pod: oldPod });
  }
}

/** With surge: new pods beside old ones within maxSurge; old pods go as their replacements become available. */
function withSurge(pass: Pass, maxSurge: number, desired: number): { deletes: PodDelete[]; createOn: string[] } {
  const plan: SurgePlan = { deletes: [], shouldNotRun: [], allowedNew: [], candidateNew: [], numSurge: 0, numAvailable: 0 };
  for (const [nodeName, pods] of rollingNodes(pass)) planSurgeNode(pass, nodeName, pods, maxSurge, plan);
  // Surging promises full availability: a pod on a node that no longer fits goes only once another is available.
  const deletable = Math.min(Math.max(0, plan.numAvailable - desired), plan.shouldNotRun.length);
  const deletes = [...plan.deletes, ...plan.shouldNotRun.slice(0, deletable).map((pod) => ({ pod }))];
  const room = Math.max(0, Math.min(maxSurge - plan.numSurge, plan.candidateNew.length));
  return { deletes, createOn: [...plan.allowedNew, ...plan.candidateNew.slice(0, room)] };
}

export function rollingUpdate(pass: Pass): { deletes: PodDelete[]; createOn: string[] } {
  const { desired, maxSurge, maxUnavailable } = rollingLimits(pass);
  if (maxSurge === 0) return { deletes: withoutSurge(pass, maxUnavailable), createOn: [] };
  return withSurge(pass, maxSurge, desired);
}
