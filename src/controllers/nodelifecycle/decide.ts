// decideNode: one pass of Kubernetes' node lifecycle controller and taint eviction controller for
// one node, as a pure function. Order, as monitorNodeHealth has it: judge health from the Lease
// and mark a silent node's conditions Unknown; bring the controller's taints in line with the
// conditions the node had when the pass began; evict pods whose NoExecute tolerations have run
// out. Zone-level rate limiting and disruption modes are not modelled.
//
// Every decision writes the Node at most once. Conditions (status subresource) and taints (spec)
// are separate writes, each conditional on the same resourceVersion, so the second would always
// conflict; when both are due the conditions go first and the pass asks to run again at once.
import type { Action, Decision } from "../types";
import type { Condition, LeaseLike, NodeLike, PodLike, Taint } from "../../scheduler/types";
import { conditionsEqual, isSilent, readyCondition, silentConditions, type HealthOptions } from "./health";
import { disruptionCondition, evictionTime, notReadyConditions, withPodCondition } from "./eviction";
import { reconcileTaints, taintsEqual, wantedTaints } from "./taints";

export interface NodeObservation extends HealthOptions {
  node: NodeLike;
  /** The node's Lease in kube-node-lease, if there is one. */
  lease?: LeaseLike;
  /** The pods bound to the node. */
  pods: readonly PodLike[];
  /** Milliseconds since the epoch. */
  now: number;
}

function podName(pod: PodLike): string {
  return `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;
}

function nodeWrite(obs: NodeObservation, conditions: Condition[] | undefined, taints: Taint[] | undefined): Action | undefined {
  const { node } = obs;
  if (conditions) return { type: "updateStatus", resource: "nodes", object: { ...node, status: { ...node.status, conditions } } };
  if (!taints) return undefined;
  // An empty list is left out, as Go's omitempty would.
  const { taints: _old, ...rest } = node.spec ?? {};
  const spec = taints.length > 0 ? { ...rest, taints } : rest;
  return { type: "update", resource: "nodes", object: { ...node, spec } };
}

interface PodPlan {
  actions: Action[];
  requeueAfterMs: number | undefined;
}

function onNode(pod: PodLike, node: NodeLike): boolean {
  return !pod.metadata.deletionTimestamp && pod.spec?.nodeName === node.metadata.name;
}

/**
 * One pod's share of the pass: MarkPodsNotReady when the node has just gone silent, eviction once
 * its tolerations have run out. Both touch status.conditions, so they share one status write.
 */
function planPod(pod: PodLike, now: number, notReady: boolean, evict: boolean): Action[] {
  const actions: Action[] = [];
  const unready = notReady ? notReadyConditions(pod, now) : undefined;
  const conditions = evict ? (withPodCondition(unready ?? pod.status?.conditions, disruptionCondition(now)) ?? unready) : unready;
  if (conditions) actions.push({ type: "updateStatus", resource: "pods", object: { ...pod, status: { ...pod.status, conditions } } });
  if (unready) actions.push({ type: "event", about: pod, eventType: "Warning", reason: "NodeNotReady", message: "Node is not ready" });
  if (evict) {
    actions.push({ type: "event", about: pod, eventType: "Normal", reason: "TaintManagerEviction", message: `Marking for deletion Pod ${podName(pod)}` });
    const { namespace = "", name = "", uid } = pod.metadata;
    actions.push({ type: "delete", resource: "pods", namespace, name, uid });
  }
  return actions;
}

/** The pods' actions, and how long until the next eviction the node's current taints call for. */
function planPods(obs: NodeObservation, markNotReady: boolean): PodPlan {
  const taints = obs.node.spec?.taints ?? [];
  const actions: Action[] = [];
  let soonest = Infinity;
  for (const pod of obs.pods) {
    if (!onNode(pod, obs.node)) continue;
    const at = evictionTime(pod, taints);
    if (at > obs.now) soonest = Math.min(soonest, at);
    actions.push(...planPod(pod, obs.now, markNotReady, at <= obs.now));
  }
  return { actions, requeueAfterMs: soonest === Infinity ? undefined : soonest - obs.now };
}

/** Once new taints are written, how soon a pod on the node has to go (ms from now), if ever. */
function soonestEviction(obs: NodeObservation, taints: readonly Taint[]): number | undefined {
  let soonest = Infinity;
  for (const pod of obs.pods) {
    if (onNode(pod, obs.node)) soonest = Math.min(soonest, evictionTime(pod, taints));
  }
  return soonest === Infinity ? undefined : soonest - obs.now;
}

/** One pass over one node: its conditions, its controller taints, and the pods it must lose. */
export function decideNode(obs: NodeObservation): Decision {
  const { node, now } = obs;
  const observed = node.status?.conditions ?? [];
  const silent = isSilent(node, obs.lease, now, obs);
  const nextConditions = silent ? silentConditions(node, now) : observed;
  const conditionsChanged = !conditionsEqual(observed, nextConditions);

  // Taints follow the conditions as observed at the start of the pass (processTaintBaseEviction
  // reads observedReadyCondition), so a node marked Unknown now is tainted on the next pass.
  const currentTaints = node.spec?.taints ?? [];
  const unschedulable = node.spec?.unschedulable === true;
  const nextTaints = reconcileTaints(currentTaints, wantedTaints(observed, unschedulable), now);
  const taintsChanged = !taintsEqual(currentTaints, nextTaints);

  const wasReady = readyCondition(node)?.status === "True";
  const becomesNotReady = wasReady && nextConditions.find((c) => c.type === "Ready")?.status !== "True";
  const actions: Action[] = [];
  if (becomesNotReady) {
    actions.push({ type: "event", about: node, eventType: "Normal", reason: "NodeNotReady", message: `Node ${node.metadata.name ?? ""} status is now: NodeNotReady` });
  }
  const pods = planPods(obs, becomesNotReady);
  actions.push(...pods.actions);
  const write = nodeWrite(obs, conditionsChanged ? nextConditions : undefined, taintsChanged ? nextTaints : undefined);
  if (write) actions.push(write);

  // The taints could not be written with the conditions; run again if the new conditions call for a change.
  const followUp = conditionsChanged && !taintsEqual(currentTaints, reconcileTaints(currentTaints, wantedTaints(nextConditions, unschedulable), now));
  const requeues = [followUp ? 0 : undefined, pods.requeueAfterMs, taintsChanged && !conditionsChanged ? soonestEviction(obs, nextTaints) : undefined];
  const due = requeues.filter((v): v is number => v !== undefined);
  return due.length > 0 ? { actions, requeueAfterMs: Math.max(0, Math.min(...due)) } : { actions };
}
