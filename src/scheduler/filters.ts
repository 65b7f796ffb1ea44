// The Filter plugins of kube-scheduler's default profile that apply here, in its order:
// NodeUnschedulable, NodeName, TaintToleration (with node readiness), NodeAffinity, NodePorts,
// NodeResourcesFit. Each returns null when the node fits, or the reasons it does not, worded as
// kube-scheduler words them, because they end up in the FitError message users read.
import type { NodeState } from "./cache";
import { requiredMatches } from "./nodeaffinity";
import type { HostPort, PodInfo } from "./podinfo";
import { firstUntoleratedTaint, isDoNotScheduleTaint, tolerationsTolerateTaint, untoleratedTaintReason } from "./taints";

export type FilterResult = readonly string[] | null;
export type Filter = (pod: PodInfo, node: NodeState) => FilterResult;

export const ERR_UNSCHEDULABLE = "node(s) were unschedulable";
export const ERR_NODE_NAME = "node(s) didn't match the requested node name";
export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const ERR_TOO_MANY_PODS = "Too many pods";

const UNSCHEDULABLE: FilterResult = [ERR_UNSCHEDULABLE];
const NODE_NAME: FilterResult = [ERR_NODE_NAME];
const NODE_AFFINITY: FilterResult = [ERR_NODE_AFFINITY];
const NODE_PORTS: FilterResult = [ERR_NODE_PORTS];
const taintReasons = new Map<string, FilterResult>();

function taintReason(key: string, value: string | undefined): FilterResult {
  const text = untoleratedTaintReason({ key, value, effect: "" });
  let r = taintReasons.get(text);
  if (!r) taintReasons.set(text, (r = [text]));
  return r;
}

/** NodeUnschedulable: a cordoned node takes only pods that tolerate node.kubernetes.io/unschedulable:NoSchedule. */
export function nodeUnschedulable(pod: PodInfo, node: NodeState): FilterResult {
  return node.unschedulable && !pod.toleratesUnschedulable ? UNSCHEDULABLE : null;
}

/** NodeName: a pod that names its node fits only there. */
export function nodeName(pod: PodInfo, node: NodeState): FilterResult {
  const wanted = pod.pod.spec?.nodeName;
  return wanted && wanted !== node.name ? NODE_NAME : null;
}

/** TaintToleration: every NoSchedule and NoExecute taint must be tolerated; the first one that is not is reported. */
export function taintToleration(pod: PodInfo, node: NodeState): FilterResult {
  if (node.taints.length === 0) return null;
  const taint = firstUntoleratedTaint(node.taints, pod.tolerations, isDoNotScheduleTaint);
  return taint ? taintReason(taint.key, taint.value) : null;
}

/**
 * NodeReady: a node whose Ready condition is not True is filtered as if it already carried the
 * not-ready or unreachable NoSchedule taint the node lifecycle controller gives it (Kubernetes has
 * no separate readiness filter: TaintToleration does this once the taint is on the node).
 */
export function nodeReady(pod: PodInfo, node: NodeState): FilterResult {
  const taint = node.readinessTaint;
  if (!taint || tolerationsTolerateTaint(pod.tolerations, taint)) return null;
  return taintReason(taint.key, taint.value);
}

/** NodeAffinity: spec.nodeSelector and required node affinity (terms ORed). */
export function nodeAffinity(pod: PodInfo, node: NodeState): FilterResult {
  if (!pod.required) return null;
  return requiredMatches(pod.required, node.labels, node.name) ? null : NODE_AFFINITY;
}

/** HostPortInfo.CheckConflict: 0.0.0.0 clashes with every address; otherwise the same address or 0.0.0.0. */
export function portConflicts(used: readonly HostPort[], want: HostPort): boolean {
  for (const u of used) {
    if (u.port !== want.port || u.protocol !== want.protocol) continue;
    if (want.ip === "0.0.0.0" || u.ip === "0.0.0.0" || u.ip === want.ip) return true;
  }
  return false;
}

/** NodePorts: every host port the pod wants must be free on the node for its protocol and address. */
export function nodePorts(pod: PodInfo, node: NodeState): FilterResult {
  if (pod.ports.length === 0 || node.ports.length === 0) return null;
  for (const p of pod.ports) if (portConflicts(node.ports, p)) return NODE_PORTS;
  return null;
}

/**
 * NodeResourcesFit (fitsRequest): the pod count first, then cpu, memory, ephemeral-storage and
 * each extended resource the pod requests, against allocatable minus what assigned pods request.
 * Every shortage is reported, so one node can add several reasons to the FitError.
 */
export function nodeResourcesFit(pod: PodInfo, node: NodeState): FilterResult {
  const r = pod.requests;
  const alloc = node.allocatable;
  const used = node.requested;
  // Plain statements rather than a helper closure: this runs for every node examined.
  let reasons: string[] | null = null;
  if (node.pods.size + 1 > alloc.pods) reasons = [ERR_TOO_MANY_PODS];
  if (r.milliCpu > 0 && r.milliCpu > alloc.milliCpu - used.milliCpu) (reasons ??= []).push("Insufficient cpu");
  if (r.memory > 0 && r.memory > alloc.memory - used.memory) (reasons ??= []).push("Insufficient memory");
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    (reasons ??= []).push("Insufficient ephemeral-storage");
  }
  if (r.scalar.size === 0) return reasons;
  for (const [name, q] of r.scalar) {
    if (q > 0 && q > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) (reasons ??= []).push(`Insufficient ${name}`);
  }
  return reasons;
}

/** The filters in kube-scheduler's order; the first that fails decides the node's reasons. */
export const FILTERS: readonly Filter[] = [nodeUnschedulable, nodeName, taintToleration, nodeReady, nodeAffinity, nodePorts, nodeResourcesFit];

/** Runs the filters; null when the node fits. */
export function runFilters(pod: PodInfo, node: NodeState): FilterResult {
  for (const f of FILTERS) {
    const r = f(pod, node);
    if (r) return r;
  }
  return null;
}
