// InterPodAffinity's filter (pkg/scheduler/framework/plugins/interpodaffinity/filtering.go): the
// incoming pod's required pod affinity and anti-affinity, and the required anti-affinity of the
// pods already placed, counted per topology domain before the nodes are examined. Preferred
// (scored) pod affinity is not implemented. A namespaceSelector other than {} (every namespace)
// would need namespace labels, which the cache does not hold: such a selector matches no namespace.
import { fromLabelSelector, matchesLabels, type LabelSelector } from "../api/labels";
import type { NodeState, PodEntry, SchedulerCache } from "./cache";
import type { FilterResult } from "./filters";
import type { PodAffinityTerm, PodLike } from "./types";

export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
const EXISTING_ANTI_AFFINITY: FilterResult = [ERR_EXISTING_ANTI_AFFINITY];
const AFFINITY: FilterResult = [ERR_AFFINITY];
const ANTI_AFFINITY: FilterResult = [ERR_ANTI_AFFINITY];

export interface AffinityTerm {
  selector: LabelSelector;
  /** Namespaces the term looks in; undefined means every namespace (namespaceSelector: {}). */
  namespaces: Set<string> | undefined;
  topologyKey: string;
}

/** framework.AffinityTerm: the pod's own namespace unless namespaces or a namespaceSelector say otherwise. */
function compileTerm(term: PodAffinityTerm, ownNamespace: string): AffinityTerm {
  const parsed = fromLabelSelector(term.labelSelector);
  const selector = parsed.ok ? parsed.value : null;
  const ns = term.namespaceSelector;
  const everyNamespace = ns !== undefined && Object.keys(ns.matchLabels ?? {}).length === 0 && (ns.matchExpressions ?? []).length === 0;
  const listed = term.namespaces ?? [];
  const namespaces = everyNamespace ? undefined : new Set(listed.length === 0 && ns === undefined ? [ownNamespace] : listed);
  return { selector, namespaces, topologyKey: term.topologyKey };
}

export function requiredTerms(pod: PodLike, kind: "podAffinity" | "podAntiAffinity"): AffinityTerm[] {
  const terms = pod.spec?.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  return terms.map((t) => compileTerm(t, pod.metadata.namespace ?? ""));
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and its labels match. */
export function termMatches(term: AffinityTerm, namespace: string, labels: Record<string, string>): boolean {
  return (term.namespaces === undefined || term.namespaces.has(namespace)) && matchesLabels(term.selector, labels);
}

type DomainCounts = Map<string, Map<string, number>>;

function bump(counts: DomainCounts, key: string, value: string): void {
  let byValue = counts.get(key);
  if (!byValue) counts.set(key, (byValue = new Map()));
  byValue.set(value, (byValue.get(value) ?? 0) + 1);
}

function has(counts: DomainCounts, key: string, node: NodeState): boolean {
  const value = node.labels[key];
  return value !== undefined && (counts.get(key)?.get(value) ?? 0) > 0;
}

export interface PodAffinityState {
  affinity: AffinityTerm[];
  antiAffinity: AffinityTerm[];
  /** Domains holding a pod that matches every affinity term. */
  affinityCounts: DomainCounts;
  antiAffinityCounts: DomainCounts;
  /** Domains whose placed pods' anti-affinity rejects the incoming pod. */
  existingCounts: DomainCounts;
  /** The incoming pod matches its own affinity terms (it may start a group). */
  selfMatch: boolean;
}

/** The pods a set of terms can match: their namespaces, or everything when a term spans all namespaces. */
function candidates(cache: SchedulerCache, terms: readonly AffinityTerm[]): Iterable<PodEntry> {
  if (terms.some((t) => t.namespaces === undefined)) return cache.allPods();
  const namespaces = new Set(terms.flatMap((t) => [...(t.namespaces ?? [])]));
  return [...namespaces].flatMap((ns) => [...cache.podsInNamespace(ns)]);
}

function countIncoming(cache: SchedulerCache, state: PodAffinityState): void {
  for (const p of candidates(cache, [...state.affinity, ...state.antiAffinity])) {
    if (!p.node.exists) continue;
    if (state.affinity.length > 0 && state.affinity.every((t) => termMatches(t, p.namespace, p.labels))) {
      for (const t of state.affinity) if (p.node.labels[t.topologyKey] !== undefined) bump(state.affinityCounts, t.topologyKey, p.node.labels[t.topologyKey]);
    }
    for (const t of state.antiAffinity) {
      if (p.node.labels[t.topologyKey] !== undefined && termMatches(t, p.namespace, p.labels)) bump(state.antiAffinityCounts, t.topologyKey, p.node.labels[t.topologyKey]);
    }
  }
}

/** PreFilter; undefined when neither the pod nor any placed pod has required pod (anti-)affinity. */
export function preparePodAffinity(cache: SchedulerCache, pod: PodLike): PodAffinityState | undefined {
  const affinity = requiredTerms(pod, "podAffinity");
  const antiAffinity = requiredTerms(pod, "podAntiAffinity");
  const existing = cache.podsWithAntiAffinity();
  if (affinity.length === 0 && antiAffinity.length === 0 && existing.size === 0) return undefined;
  const namespace = pod.metadata.namespace ?? "";
  const labels = pod.metadata.labels ?? {};
  const state: PodAffinityState = {
    affinity,
    antiAffinity,
    affinityCounts: new Map(),
    antiAffinityCounts: new Map(),
    existingCounts: new Map(),
    selfMatch: affinity.every((t) => termMatches(t, namespace, labels)),
  };
  for (const p of existing) {
    if (!p.node.exists) continue;
    for (const t of p.antiAffinity ?? []) {
      const value = p.node.labels[t.topologyKey];
      if (value !== undefined && termMatches(t, namespace, labels)) bump(state.existingCounts, t.topologyKey, value);
    }
  }
  if (affinity.length > 0 || antiAffinity.length > 0) countIncoming(cache, state);
  return state;
}

/** Filter: the pod's affinity, then its anti-affinity, then the anti-affinity of the pods already placed. */
export function podAffinityFilter(state: PodAffinityState, node: NodeState): FilterResult {
  if (state.affinity.length > 0) {
    const satisfied = state.affinity.every((t) => has(state.affinityCounts, t.topologyKey, node));
    // The first pod of a group that selects itself may go anywhere with the topology labels.
    const starts = state.affinityCounts.size === 0 && state.selfMatch && state.affinity.every((t) => node.labels[t.topologyKey] !== undefined);
    if (!satisfied && !starts) return AFFINITY;
  }
  for (const t of state.antiAffinity) if (has(state.antiAffinityCounts, t.topologyKey, node)) return ANTI_AFFINITY;
  for (const [key] of state.existingCounts) if (has(state.existingCounts, key, node)) return EXISTING_ANTI_AFFINITY;
  return null;
}
