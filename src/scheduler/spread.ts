// PodTopologySpread: DoNotSchedule constraints as a filter, ScheduleAnyway constraints (or, for a
// pod with none and a controlling owner, the system defaults: hostname maxSkew 3 and zone maxSkew 5)
// as a score. Counting follows pkg/scheduler/framework/plugins/podtopologyspread; default
// constraints count the owner's pods from an index kept by the cache (as newer kube-schedulers
// do with PodsWithOwnerRef) instead of matching the owner's selector against every pod.
import { fromLabelSelector, matchesLabels, type LabelSelector } from "../api/labels";
import type { NodeState, SchedulerCache } from "./cache";
import type { FilterResult } from "./filters";
import { requiredMatches } from "./nodeaffinity";
import type { PodInfo } from "./podinfo";
import { firstUntoleratedTaint, isDoNotScheduleTaint } from "./taints";
import { LABEL_HOSTNAME, LABEL_ZONE, type TopologySpreadConstraint } from "./types";

export const ERR_SPREAD = "node(s) didn't match pod topology spread constraints";
export const ERR_SPREAD_LABEL = `${ERR_SPREAD} (missing required label)`;
const SPREAD: FilterResult = [ERR_SPREAD];
const SPREAD_LABEL: FilterResult = [ERR_SPREAD_LABEL];

interface Constraint {
  key: string;
  maxSkew: number;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
  /** Either the owner whose pods count, or a label selector over pods of the namespace. */
  owner: string | undefined;
  selector: LabelSelector;
  /**
   * Matching pods per node: the owner's index from the cache, or counted for the selector. One
   * map keyed by node is much cheaper to probe for hundreds of nodes than a map on each node.
   */
  perNode: ReadonlyMap<NodeState, number> | undefined;
}

function selectorFor(c: TopologySpreadConstraint, labels: Record<string, string>): LabelSelector {
  const parsed = fromLabelSelector(c.labelSelector);
  if (!parsed.ok || parsed.value === null) return null;
  const extra = (c.matchLabelKeys ?? []).filter((k) => Object.hasOwn(labels, k));
  return [...parsed.value, ...extra.map((key) => ({ key, operator: "in" as const, values: [labels[key]] }))];
}

function perNodeCounts(cache: SchedulerCache, pod: PodInfo, selector: LabelSelector): Map<NodeState, number> {
  const counts = new Map<NodeState, number>();
  if (selector === null || selector.length === 0) return counts;
  for (const p of cache.podsInNamespace(pod.namespace)) {
    if (!p.terminating && matchesLabels(selector, p.labels)) counts.set(p.node, (counts.get(p.node) ?? 0) + 1);
  }
  return counts;
}

function explicit(cache: SchedulerCache, pod: PodInfo, when: string): Constraint[] {
  return pod.spread
    .filter((c) => c.whenUnsatisfiable === when)
    .map((c) => {
      const selector = selectorFor(c, pod.labels);
      return {
        key: c.topologyKey,
        maxSkew: c.maxSkew,
        minDomains: c.minDomains ?? 1,
        honorAffinity: c.nodeAffinityPolicy !== "Ignore",
        honorTaints: c.nodeTaintsPolicy === "Honor",
        owner: undefined,
        selector,
        perNode: perNodeCounts(cache, pod, selector),
      };
    });
}

function defaults(cache: SchedulerCache, pod: PodInfo): Constraint[] {
  if (!pod.owner) return [];
  const base = { minDomains: 1, honorAffinity: true, honorTaints: false, owner: pod.owner, selector: null, perNode: cache.ownerNodes(pod.owner) };
  return [
    { ...base, key: LABEL_HOSTNAME, maxSkew: 3 },
    { ...base, key: LABEL_ZONE, maxSkew: 5 },
  ];
}

function countOn(c: Constraint, node: NodeState): number {
  return c.perNode?.get(node) ?? 0;
}

/** matchNodeInclusionPolicies: whether a node's pods count towards a constraint's domains. */
function included(c: Constraint, pod: PodInfo, node: NodeState): boolean {
  if (c.honorAffinity && pod.required && !requiredMatches(pod.required, node.labels, node.name)) return false;
  if (c.honorTaints && firstUntoleratedTaint(node.taints, pod.tolerations, isDoNotScheduleTaint)) return false;
  return true;
}

function hasAllKeys(node: NodeState, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (!Object.hasOwn(node.labels, c.key)) return false;
  return true;
}

export interface SpreadFilter {
  constraints: Constraint[];
  counts: Map<string, number>[];
  minMatch: number[];
  selfMatch: number[];
}

/** PreFilter: matching pods per domain over every eligible node, and each constraint's global minimum. */
export function prepareSpreadFilter(cache: SchedulerCache, pod: PodInfo): SpreadFilter | undefined {
  const constraints = explicit(cache, pod, "DoNotSchedule");
  if (constraints.length === 0) return undefined;
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of cache.nodes) {
    if (!hasAllKeys(node, constraints)) continue;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      if (!included(c, pod, node)) continue;
      const v = node.labels[c.key];
      counts[i].set(v, (counts[i].get(v) ?? 0) + countOn(c, node));
    }
  }
  const minMatch = constraints.map((c, i) => {
    if (counts[i].size < c.minDomains) return 0;
    let min = Infinity;
    for (const n of counts[i].values()) min = Math.min(min, n);
    return min;
  });
  const selfMatch = constraints.map((c) => (matchesLabels(c.selector, pod.labels) ? 1 : 0));
  return { constraints, counts, minMatch, selfMatch };
}

/** Filter: placing the pod on the node must keep every constraint's skew within maxSkew. */
export function spreadFilter(state: SpreadFilter, node: NodeState): FilterResult {
  for (let i = 0; i < state.constraints.length; i++) {
    const c = state.constraints[i];
    if (!Object.hasOwn(node.labels, c.key)) return SPREAD_LABEL;
    const skew = (state.counts[i].get(node.labels[c.key]) ?? 0) + state.selfMatch[i] - state.minMatch[i];
    if (skew > c.maxSkew) return SPREAD;
  }
  return null;
}

interface SpreadScore {
  constraints: Constraint[];
  ignored: Set<NodeState>;
  weights: number[];
  domainCounts: (Map<string, number> | undefined)[];
}

/** Adds the pods of an owner or selector per domain, over nodes outside the feasible set too. */
function countDomains(cache: SchedulerCache, pod: PodInfo, c: Constraint, into: Map<string, number>, requireAll: boolean, all: Constraint[]): void {
  if (c.owner && !pod.required && !c.honorTaints && !requireAll) {
    const byDomain = cache.ownerDomains(c.owner, c.key);
    for (const v of into.keys()) into.set(v, byDomain?.get(v) ?? 0);
    return;
  }
  for (const [node, n] of c.perNode ?? []) {
    if (!node.exists || (requireAll && !hasAllKeys(node, all)) || !included(c, pod, node)) continue;
    const v = node.labels[c.key] ?? "";
    const cur = into.get(v);
    if (cur !== undefined) into.set(v, cur + n);
  }
}

/** PreScore over the feasible nodes; undefined when the pod has nothing to spread (Skip). */
export function prepareSpreadScore(cache: SchedulerCache, pod: PodInfo, feasible: readonly NodeState[]): SpreadScore | undefined {
  const requireAll = pod.spread.length > 0;
  const constraints = requireAll ? explicit(cache, pod, "ScheduleAnyway") : defaults(cache, pod);
  if (constraints.length === 0) return undefined;
  const ignored = new Set<NodeState>();
  const domainCounts = constraints.map((c) => (c.key === LABEL_HOSTNAME ? undefined : new Map<string, number>()));
  for (const node of feasible) {
    if (requireAll && !hasAllKeys(node, constraints)) {
      ignored.add(node);
      continue;
    }
    for (let i = 0; i < constraints.length; i++) domainCounts[i]?.set(node.labels[constraints[i].key] ?? "", 0);
  }
  const weights = constraints.map((c, i) => Math.log((domainCounts[i]?.size ?? feasible.length - ignored.size) + 2));
  for (let i = 0; i < constraints.length; i++) {
    const m = domainCounts[i];
    if (m) countDomains(cache, pod, constraints[i], m, requireAll, constraints);
  }
  return { constraints, ignored, weights, domainCounts };
}

/** Raw score: matching pods in the node's domains, weighted by log(domains + 2), plus maxSkew − 1 each. */
export function spreadRawScore(s: SpreadScore, node: NodeState): number {
  if (s.ignored.size > 0 && s.ignored.has(node)) return 0;
  let score = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    if (!Object.hasOwn(node.labels, c.key)) continue;
    const m = s.domainCounts[i];
    const cnt = m ? (m.get(node.labels[c.key]) ?? 0) : countOn(c, node);
    score += cnt * s.weights[i] + (c.maxSkew - 1);
  }
  return Math.round(score);
}

/** NormalizeScore: fewer matching pods is better; ignored nodes get 0. */
export function normalizeSpread(s: SpreadScore, nodes: readonly NodeState[], scores: number[]): void {
  let min = Infinity;
  let max = 0;
  const skip = s.ignored.size > 0;
  for (let i = 0; i < nodes.length; i++) {
    if (skip && s.ignored.has(nodes[i])) continue;
    if (scores[i] < min) min = scores[i];
    if (scores[i] > max) max = scores[i];
  }
  for (let i = 0; i < nodes.length; i++) {
    if (skip && s.ignored.has(nodes[i])) scores[i] = 0;
    else scores[i] = max === 0 ? 100 : Math.floor((100 * (max + min - scores[i])) / max);
  }
}
