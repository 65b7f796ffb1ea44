// The Score plugins of kube-scheduler's default profile that apply here, with its weights:
// TaintToleration 3, NodeAffinity 2, PodTopologySpread 2, NodeResourcesFit (LeastAllocated over
// cpu and memory, equal weights) 1, NodeResourcesBalancedAllocation 1. Each plugin scores a node
// 0-100 after normalisation; the node's total is the weighted sum. Integer arithmetic truncates
// where Go's int64 does, so scores equal kube-scheduler's. Not scored: InterPodAffinity's
// preferred terms and ImageLocality (the cache holds no node images).
import type { NodeState, SchedulerCache } from "./cache";
import { termMatches } from "./nodeaffinity";
import type { PodInfo } from "./podinfo";
import { requestsNothing } from "./resources";
import { normalizeSpread, prepareSpreadScore, spreadRawScore } from "./spread";
import { tolerationsTolerateTaint } from "./taints";
import type { Toleration } from "./types";

export const MAX_NODE_SCORE = 100;
export const WEIGHTS = { taintToleration: 3, nodeAffinity: 2, podTopologySpread: 2, leastAllocated: 1, balancedAllocation: 1 } as const;

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * LeastAllocated: the free share of cpu and memory after placing the pod, averaged. It counts
 * 100m / 200Mi for containers that request nothing, so that BestEffort pods still spread.
 */
export function leastAllocatedScore(pod: PodInfo, node: NodeState): number {
  const a = node.allocatable;
  const r = node.requested;
  let score = 0;
  let weights = 0;
  if (a.milliCpu > 0) {
    score += leastRequested(r.nonZeroMilliCpu + pod.requests.nonZeroMilliCpu, a.milliCpu);
    weights++;
  }
  if (a.memory > 0) {
    score += leastRequested(r.nonZeroMemory + pod.requests.nonZeroMemory, a.memory);
    weights++;
  }
  return weights === 0 ? 0 : Math.floor(score / weights);
}

/**
 * BalancedAllocation: 100 × (1 − |cpu fraction − memory fraction| / 2) with actual requests.
 * BestEffort pods are skipped (score 0 everywhere), as kube-scheduler does since the fix for
 * kubernetes#129138, because they would otherwise all favour the same node.
 */
export function balancedAllocationScore(pod: PodInfo, node: NodeState): number {
  if (requestsNothing(pod.requests)) return 0;
  const a = node.allocatable;
  const r = node.requested;
  // With one resource (or none) the deviation is 0, as balancedResourceScorer has it.
  if (a.milliCpu <= 0 || a.memory <= 0) return MAX_NODE_SCORE;
  const cpu = Math.min(1, (r.milliCpu + pod.requests.milliCpu) / a.milliCpu);
  const memory = Math.min(1, (r.memory + pod.requests.memory) / a.memory);
  return Math.trunc((1 - Math.abs((cpu - memory) / 2)) * MAX_NODE_SCORE);
}

/** NodeAffinity's raw score: the weights of the preferred terms the node matches. */
export function nodeAffinityRawScore(pod: PodInfo, node: NodeState): number {
  let score = 0;
  for (const p of pod.preferred) if (termMatches(p.term, node.labels, node.name)) score += p.weight;
  return score;
}

/** TaintToleration's raw score: PreferNoSchedule taints not tolerated by a toleration with effect "" or PreferNoSchedule. */
export function taintRawScore(pod: PodInfo, node: NodeState): number {
  let count = 0;
  let relevant: Toleration[] | undefined;
  for (const t of node.taints) {
    if (t.effect !== "PreferNoSchedule") continue;
    relevant ??= pod.tolerations.filter((tol) => !tol.effect || tol.effect === "PreferNoSchedule");
    if (!tolerationsTolerateTaint(relevant, t)) count++;
  }
  return count;
}

/** helper.DefaultNormalizeScore: scale to 0-100 by the maximum; `reverse` makes fewer better. */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.floor((MAX_NODE_SCORE * scores[i]) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}

function addWeighted(total: number[], scores: readonly number[], weight: number): void {
  for (let i = 0; i < total.length; i++) total[i] += scores[i] * weight;
}

/** Raw scores of one plugin for every node, or undefined when it has nothing to say (all equal). */
function raw(nodes: readonly NodeState[], pod: PodInfo, score: (pod: PodInfo, node: NodeState) => number): number[] | undefined {
  const out = new Array<number>(nodes.length);
  let any = false;
  for (let i = 0; i < nodes.length; i++) {
    out[i] = score(pod, nodes[i]);
    if (out[i] !== 0) any = true;
  }
  return any ? out : undefined;
}

/**
 * The weighted total of every plugin for each feasible node (same order). A plugin that would
 * give every node the same score is skipped, which never changes the choice.
 */
export function scoreNodes(cache: SchedulerCache, pod: PodInfo, nodes: readonly NodeState[]): number[] {
  const total = new Array<number>(nodes.length).fill(0);
  const taints = raw(nodes, pod, taintRawScore);
  if (taints) {
    defaultNormalize(taints, true);
    addWeighted(total, taints, WEIGHTS.taintToleration);
  }
  const affinity = pod.preferred.length > 0 ? raw(nodes, pod, nodeAffinityRawScore) : undefined;
  if (affinity) {
    defaultNormalize(affinity, false);
    addWeighted(total, affinity, WEIGHTS.nodeAffinity);
  }
  const spread = prepareSpreadScore(cache, pod, nodes);
  if (spread) {
    const scores = new Array<number>(nodes.length);
    for (let i = 0; i < nodes.length; i++) scores[i] = spreadRawScore(spread, nodes[i]);
    normalizeSpread(spread, nodes, scores);
    addWeighted(total, scores, WEIGHTS.podTopologySpread);
  }
  for (let i = 0; i < nodes.length; i++) {
    total[i] += WEIGHTS.leastAllocated * leastAllocatedScore(pod, nodes[i]) + WEIGHTS.balancedAllocation * balancedAllocationScore(pod, nodes[i]);
  }
  return total;
}
