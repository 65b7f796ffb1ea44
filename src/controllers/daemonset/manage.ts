// manage (daemon_controller.go): per node, the daemon pod to create or the pods to delete —
// podsShouldBeOnNode with its failed-pod backoff and, when the update strategy surges, the rule
// for the two pods a node may hold during an update — plus the pods of nodes that are gone.
import { isPodAvailable, isPodReady, type Pod } from "../podutil";
import type { Action } from "../types";
import type { PodDelete } from "./podcontrol";
import { byCreation, fitOf, isUpdated, type Pass } from "./pass";
import { allowsSurge } from "./rolling";
import { Reason } from "./types";

/** failedPodsBackoff: flowcontrol.NewBackOff(1s, 15min); an entry idle for twice the maximum starts over. */
const BACKOFF_INITIAL_MS = 1000;
const BACKOFF_MAX_MS = 15 * 60 * 1000;

export interface Managed {
  createOn: string[];
  deletes: PodDelete[];
  events: Action[];
  /** When a failed pod's backoff ends. */
  requeueAfterMs?: number;
}

function backoffKey(pass: Pass, nodeName: string): string {
  return `${pass.ds.metadata.uid ?? ""}/${pass.ds.status?.observedGeneration ?? 0}/${nodeName}`;
}

/** IsInBackOffSinceUpdate, then Next: undefined when the pod may be deleted now, else the ms left. */
function failedPodBackoff(pass: Pass, nodeName: string): number | undefined {
  const key = backoffKey(pass, nodeName);
  const entry = pass.backoff.get(key);
  const expired = !entry || pass.now - entry.lastUpdate > 2 * BACKOFF_MAX_MS;
  if (entry && !expired && pass.now - entry.lastUpdate < entry.delayMs) return entry.lastUpdate + entry.delayMs - pass.now;
  const delayMs = expired ? BACKOFF_INITIAL_MS : Math.min(entry.delayMs * 2, BACKOFF_MAX_MS);
  pass.backoff.set(key, { delayMs, lastUpdate: pass.now });
  return undefined;
}

/** Forget entries that would start over anyway (Backoff.GC). */
export function pruneBackoff(pass: Pass): void {
  for (const [key, entry] of pass.backoff) if (pass.now - entry.lastUpdate > 2 * BACKOFF_MAX_MS) pass.backoff.delete(key);
}

/** Surging: the oldest new and the oldest old pod may both stay until the new one is available (or the old one is not ready). */
function surgeDeletes(pass: Pass, running: Pod[], out: Managed): void {
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const pod of [...running].sort(byCreation)) {
    if (isUpdated(pass, pod) && !oldestNew) oldestNew = pod;
    else if (!isUpdated(pass, pod) && !oldestOld) oldestOld = pod;
    else out.deletes.push({ pod });
  }
  if (!oldestNew || !oldestOld) return;
  if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, pass.minReadySeconds, pass.now)) out.deletes.push({ pod: oldestOld });
}

/** The running pods of a node that should keep one: failed ones deleted (with backoff), succeeded ones deleted. */
function runningPods(pass: Pass, nodeName: string, pods: readonly Pod[], out: Managed): Pod[] {
  const running: Pod[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const phase = pod.status?.phase;
    const where = `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""} on node ${nodeName}`;
    if (phase === "Failed") {
      const wait = failedPodBackoff(pass, nodeName);
      if (wait !== undefined) {
        out.requeueAfterMs = Math.min(out.requeueAfterMs ?? Infinity, wait);
        continue;
      }
      out.events.push({ type: "event", about: pass.ds, eventType: "Warning", reason: Reason.FailedDaemonPod, message: `Found failed daemon pod ${where}, will try to kill it` });
      out.deletes.push({ pod });
    } else if (phase === "Succeeded") {
      out.events.push({ type: "event", about: pass.ds, eventType: "Normal", reason: Reason.SucceededDaemonPod, message: `Found succeeded daemon pod ${where}, will try to delete it` });
      out.deletes.push({ pod });
    } else {
      running.push(pod);
    }
  }
  return running;
}

/** podsShouldBeOnNode for one node. */
function manageNode(pass: Pass, nodeName: string, out: Managed): void {
  const { shouldRun, shouldContinueRunning } = fitOf(pass, nodeName);
  const pods = pass.byNode.get(nodeName);
  if (shouldRun && !pods) {
    out.createOn.push(nodeName);
  } else if (shouldContinueRunning && pods) {
    const running = runningPods(pass, nodeName, pods, out);
    if (!allowsSurge(pass.ds)) {
      // Without surge a node keeps its oldest pod; a replacement waits for the old pod to be gone.
      for (const pod of [...running].sort(byCreation).slice(1)) out.deletes.push({ pod });
    } else if (running.length === 0) {
      if (shouldRun) out.createOn.push(nodeName);
    } else if (running.length > 1) {
      surgeDeletes(pass, running, out);
    }
  } else if (!shouldContinueRunning && pods) {
    for (const pod of pods) if (!pod.metadata.deletionTimestamp) out.deletes.push({ pod });
  }
}

/**
 * Pods meant for nodes that do not exist. Unbound ones would never be scheduled
 * (getUnscheduledPodsWithoutNode); bound ones are what Kubernetes' pod garbage collector removes
 * at once, as nothing is left on that node to stop them.
 */
function podsOfGoneNodes(pass: Pass, out: Managed): void {
  for (const [nodeName, pods] of pass.byNode) {
    if (pass.nodes.has(nodeName)) continue;
    for (const pod of pods) {
      if (!pod.spec?.nodeName) out.deletes.push({ pod });
      else if (!pod.metadata.deletionTimestamp || (pod.metadata.deletionGracePeriodSeconds ?? 0) > 0) out.deletes.push({ pod, gracePeriodSeconds: 0 });
    }
  }
}

export function manage(pass: Pass): Managed {
  const out: Managed = { createOn: [], deletes: [], events: [] };
  for (const nodeName of pass.nodes.keys()) manageNode(pass, nodeName, out);
  podsOfGoneNodes(pass, out);
  return out;
}
