// One scheduling cycle as kube-scheduler runs it (pkg/scheduler/schedule_one.go): PreFilter,
// Filter (filters.ts, then PodTopologySpread and InterPodAffinity) over a rotating sample of
// nodes that stops once enough fit (percentageOfNodesToScore), Score, and a uniformly random pick
// among the best. A pod that fits nowhere gets the FitError
// message word for word, minus the "preemption: ..." sentence: edgeplane does not preempt, so
// there is no PostFilter and nothing to report about victims.
import type { NodeState, SchedulerCache } from "./cache";
import { runFilters, type FilterResult } from "./filters";
import { preparePod, type PodInfo } from "./podinfo";
import { scoreNodes } from "./scores";
import { podAffinityFilter, preparePodAffinity } from "./interpodaffinity";
import { prepareSpreadFilter, spreadFilter } from "./spread";
import type { PodLike } from "./types";

export type ScheduleResult = { node: string } | { unschedulable: string };

export interface ScheduleOptions {
  /** KubeSchedulerConfiguration.percentageOfNodesToScore; 0 or absent means adaptive (50% − nodes/125, at least 5%). */
  percentageOfNodesToScore?: number;
  /** Breaks ties between the best nodes; Math.random unless a test injects one. */
  random?: () => number;
}

/** kube-scheduler's minFeasibleNodesToFind and minFeasibleNodesPercentageToFind. */
const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

export const ERR_NO_NODES = "no nodes available to schedule pods";
const ERR_AFFINITY_CONFLICT = "pod affinity terms conflict";
const ERR_NOT_IN_PREFILTER = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

/** numFeasibleNodesToFind: how many fitting nodes end the search (all of them in small clusters). */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  return Math.max(MIN_FEASIBLE_NODES, Math.trunc((numAllNodes * pct) / 100));
}

/**
 * FitError.Error(): "0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2
 * Insufficient cpu." Each reason is counted once per node and the "<count> <reason>" strings are
 * sorted as strings (so "10 ..." sorts before "2 ...", as in Go).
 */
export function fitErrorMessage(numAllNodes: number, reasons: ReadonlyMap<string, number>, preFilterMessage?: string): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMessage) return `${msg} ${preFilterMessage}.`;
  const parts = [...reasons].map(([reason, n]) => `${n} ${reason}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (parts.length > 0) msg += ` ${parts.join(", ")}.`;
  return msg;
}

/** Whether kube-scheduler would hold the pod back before any cycle (PreEnqueue: scheduling gates). */
export function isSchedulingGated(pod: PodLike): boolean {
  return (pod.spec?.schedulingGates?.length ?? 0) > 0;
}

interface Search {
  feasible: NodeState[];
  reasons: Map<string, number>;
}

function countReasons(reasons: Map<string, number>, r: FilterResult): void {
  for (const reason of r ?? []) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
}

type NodeFilter = (node: NodeState) => FilterResult;

/** PodTopologySpread and InterPodAffinity, whose filters need counts made before the search. */
function statefulFilters(cache: SchedulerCache, pod: PodInfo): NodeFilter[] {
  const out: NodeFilter[] = [];
  const spread = prepareSpreadFilter(cache, pod);
  if (spread) out.push((node) => spreadFilter(spread, node));
  const affinity = preparePodAffinity(cache, pod.pod);
  if (affinity) out.push((node) => podAffinityFilter(affinity, node));
  return out;
}

/** Filters nodes from `start` round the list until `want` fit or every node has been examined. */
function findFeasible(pod: PodInfo, nodes: readonly NodeState[], start: number, want: number, extra: readonly NodeFilter[]): Search & { processed: number } {
  const feasible: NodeState[] = [];
  const reasons = new Map<string, number>();
  const n = nodes.length;
  let processed = 0;
  for (; processed < n && feasible.length < want; processed++) {
    const node = nodes[(start + processed) % n];
    let r = runFilters(pod, node);
    for (let i = 0; !r && i < extra.length; i++) r = extra[i](node);
    if (r) countReasons(reasons, r);
    else feasible.push(node);
  }
  return { feasible, reasons, processed };
}

/** Reservoir sampling over the top score, so equally good nodes share the load. */
function selectHost(nodes: readonly NodeState[], scores: readonly number[], random: () => number): NodeState {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < nodes.length; i++) {
    if (scores[i] > scores[best]) {
      best = i;
      ties = 1;
    } else if (scores[i] === scores[best]) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = i;
    }
  }
  return nodes[best];
}

/** NodeAffinity's PreFilterResult: the nodes a pod pins by metadata.name (DaemonSet pods do), or undefined for all. */
function pinnedNodes(cache: SchedulerCache, pod: PodInfo): NodeState[] | undefined {
  const names = pod.required?.nodeNames;
  if (!names) return undefined;
  const out: NodeState[] = [];
  for (const name of names) {
    const node = cache.node(name);
    if (node) out.push(node);
  }
  return out;
}

/** Schedules a prepared pod without assuming it. */
export function scheduleInfo(pod: PodInfo, cache: SchedulerCache, options: ScheduleOptions = {}): ScheduleResult {
  const all = cache.nodes;
  if (all.length === 0) return { unschedulable: ERR_NO_NODES };
  if (pod.required?.nodeNames?.size === 0) return { unschedulable: fitErrorMessage(all.length, new Map(), ERR_AFFINITY_CONFLICT) };
  const pinned = pinnedNodes(cache, pod);
  const nodes = pinned ?? all;
  const start = pinned ? 0 : cache.nextStartIndex % all.length;
  const want = numFeasibleNodesToFind(nodes.length, options.percentageOfNodesToScore);
  const search = findFeasible(pod, nodes, start, want, statefulFilters(cache, pod));
  if (!pinned) cache.nextStartIndex = (start + search.processed) % all.length;
  if (search.feasible.length === 0) {
    if (pinned && all.length > nodes.length) search.reasons.set(ERR_NOT_IN_PREFILTER, all.length - nodes.length);
    return { unschedulable: fitErrorMessage(all.length, search.reasons) };
  }
  if (search.feasible.length === 1) return { node: search.feasible[0].name };
  const scores = scoreNodes(cache, pod, search.feasible);
  return { node: selectHost(search.feasible, scores, options.random ?? Math.random).name };
}

/** Picks a node for one pending pod, or says why none fits. The cache is not changed. */
export function schedule(pod: PodLike, cache: SchedulerCache, options?: ScheduleOptions): ScheduleResult {
  return scheduleInfo(preparePod(pod), cache, options);
}

function priorityOf(pod: PodLike): number {
  return pod.spec?.priority ?? 0;
}

/**
 * What the filters read from a pod, as a string; pods with equal keys fit the same nodes for the
 * same reasons while the cluster does not change. Namespace and labels are in it because placed
 * pods' anti-affinity reads them. Undefined for pods with DoNotSchedule spread constraints or pod
 * (anti-)affinity, whose fit is measured against other pods in ways a placement can improve.
 */
function equivalenceKey(pod: PodLike): string | undefined {
  const spec = pod.spec ?? {};
  if (spec.topologySpreadConstraints?.some((c) => c.whenUnsatisfiable === "DoNotSchedule")) return undefined;
  if (spec.affinity?.podAffinity || spec.affinity?.podAntiAffinity) return undefined;
  const resources = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => [c.restartPolicy, c.resources?.requests, c.ports]);
  const affinity = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return JSON.stringify([pod.metadata.namespace, pod.metadata.labels, resources, spec.overhead, spec.tolerations, spec.nodeSelector, affinity, spec.nodeName]);
}

/**
 * Schedules many pending pods, highest priority first and then oldest first (PrioritySort), and
 * assumes each placement into the cache before the next pod is considered, so a batch never
 * overcommits a node or ignores its own spreading. Results are in the order of `pods`. The caller
 * binds the placements and calls cache.removePod for any binding that fails.
 */
export function scheduleBatch(pods: readonly PodLike[], cache: SchedulerCache, options?: ScheduleOptions): ScheduleResult[] {
  const order = pods.map((_, i) => i);
  order.sort((a, b) => {
    const pa = priorityOf(pods[a]);
    const pb = priorityOf(pods[b]);
    if (pa !== pb) return pb - pa;
    const ta = pods[a].metadata.creationTimestamp ?? "";
    const tb = pods[b].metadata.creationTimestamp ?? "";
    return ta < tb ? -1 : ta > tb ? 1 : a - b;
  });
  const results = new Array<ScheduleResult>(pods.length);
  // A pod like one that just failed, with no placement since, fails the same way: answering from
  // memory keeps a backlog of unschedulable replicas from costing a full search each.
  const failed = new Map<string, ScheduleResult>();
  for (const i of order) {
    const key = equivalenceKey(pods[i]);
    const known = key === undefined ? undefined : failed.get(key);
    if (known) {
      results[i] = known;
      continue;
    }
    const info = preparePod(pods[i]);
    const result = scheduleInfo(info, cache, options);
    if ("node" in result) {
      cache.assume(pods[i], result.node, info);
      failed.clear();
    } else if (key !== undefined) {
      failed.set(key, result);
    }
    results[i] = result;
  }
  return results;
}
