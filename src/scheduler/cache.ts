// The scheduler's in-memory picture of the cluster, like kube-scheduler's cache of NodeInfo: each
// node's allocatable resources, labels and taints, plus the summed requests, host ports and owner
// counts of the pods assigned to it. The Durable Object keeps one and applies watch deltas to it;
// a placement is "assumed" into it at once so that the next decision sees it before the binding is
// observed. Pods without a node and pods in a terminal phase are not part of it (the scheduler's
// informer ignores Succeeded and Failed pods).
import { requiredTerms, type AffinityTerm } from "./interpodaffinity";
import { controllerUid, hostPortsOf, podKey, type HostPort, type PodInfo } from "./podinfo";
import { podRequests, value, milliValue, isScalarResource, CPU, MEMORY, EPHEMERAL_STORAGE, PODS, type PodRequests } from "./resources";
import { TAINT_NOT_READY, TAINT_UNREACHABLE, type NodeLike, type PodLike, type Taint } from "./types";

export interface PodEntry {
  key: string;
  uid: string | undefined;
  namespace: string;
  labels: Record<string, string>;
  node: NodeState;
  requests: PodRequests;
  ports: HostPort[];
  /** uid of the controlling owner (ReplicaSet, StatefulSet, Job...), for default spreading. */
  owner: string | undefined;
  /** Terminating pods still hold resources but are left out of spreading counts (#87621). */
  terminating: boolean;
  /** Required pod anti-affinity terms, which later pods must respect. */
  antiAffinity: AffinityTerm[] | undefined;
}

export interface Allocatable {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
  scalar: Map<string, number>;
}

export class NodeState {
  /** False while only pods refer to the node (they arrived before it, or it was deleted before them). */
  exists = false;
  object: NodeLike | undefined;
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  /** The not-ready/unreachable NoSchedule taint the node lifecycle controller adds, until it has (see readinessTaint). */
  readinessTaint: Taint | undefined;
  unschedulable = false;
  allocatable: Allocatable = { milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: new Map() };
  requested: PodRequests = { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map(), nonZeroMilliCpu: 0, nonZeroMemory: 0 };
  readonly pods = new Map<string, PodEntry>();
  /** A multiset: two pods may declare the same port (one of them was bound by someone else). */
  readonly ports: HostPort[] = [];

  constructor(readonly name: string) {}
}

/** One owner's non-terminating pods per node, and per topology domain for the keys asked for. */
interface OwnerIndex {
  byNode: Map<NodeState, number>;
  domains: Map<string, Map<string, number>>;
  epoch: number;
}

function readyStatus(node: NodeLike): string | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready")?.status;
}

/**
 * A node that is not Ready is treated as carrying the NoSchedule taint that the node lifecycle
 * controller puts on it (not-ready for False or a node that never reported, unreachable for
 * Unknown), so the decision does not wait for that write. Pods that tolerate the taint still fit,
 * exactly as with TaintToleration.
 */
function readinessTaint(node: NodeLike, taints: Taint[]): Taint | undefined {
  const status = readyStatus(node);
  if (status === "True") return undefined;
  const key = status === "Unknown" ? TAINT_UNREACHABLE : TAINT_NOT_READY;
  if (taints.some((t) => t.key === key && t.effect === "NoSchedule")) return undefined;
  return { key, effect: "NoSchedule" };
}

function allocatableOf(node: NodeLike): Allocatable {
  const list = node.status?.allocatable ?? node.status?.capacity ?? {};
  const scalar = new Map<string, number>();
  for (const name in list) if (isScalarResource(name)) scalar.set(name, value(list[name]));
  return {
    milliCpu: milliValue(list[CPU]),
    memory: value(list[MEMORY]),
    ephemeralStorage: value(list[EPHEMERAL_STORAGE]),
    pods: value(list[PODS]),
    scalar,
  };
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function adjust(map: Map<string, number>, key: string, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

export class SchedulerCache {
  private readonly states = new Map<string, NodeState>();
  private readonly list: NodeState[] = [];
  private readonly pods = new Map<string, PodEntry>();
  private readonly namespaces = new Map<string, Set<PodEntry>>();
  private readonly withAntiAffinity = new Set<PodEntry>();
  private readonly owners = new Map<string, OwnerIndex>();
  /** Bumped when node labels or the set of nodes change, which invalidates per-domain counts. */
  private epoch = 0;
  /** Where the next search for feasible nodes starts (kube-scheduler's nextStartNodeIndex). */
  nextStartIndex = 0;

  /** The nodes that exist, in a stable order. Do not modify. */
  get nodes(): readonly NodeState[] {
    return this.list;
  }

  node(name: string): NodeState | undefined {
    const s = this.states.get(name);
    return s?.exists ? s : undefined;
  }

  pod(key: string): PodEntry | undefined {
    return this.pods.get(key);
  }

  upsertNode(node: NodeLike): void {
    const name = node.metadata.name ?? "";
    const state = this.stateFor(name);
    const labels = node.metadata.labels ?? {};
    if (!state.exists || !sameLabels(state.labels, labels)) this.epoch++;
    state.object = node;
    state.labels = labels;
    state.taints = node.spec?.taints ?? [];
    state.readinessTaint = readinessTaint(node, state.taints);
    state.unschedulable = node.spec?.unschedulable === true;
    state.allocatable = allocatableOf(node);
    if (!state.exists) {
      state.exists = true;
      this.list.push(state);
    }
  }

  removeNode(name: string): void {
    const state = this.states.get(name);
    if (!state?.exists) return;
    state.exists = false;
    state.object = undefined;
    this.list.splice(this.list.indexOf(state), 1);
    if (this.nextStartIndex >= this.list.length) this.nextStartIndex = 0;
    if (state.pods.size === 0) this.states.delete(name);
    this.epoch++;
  }

  /** Applies a pod as the store has it: assigned pods count on their node; others are dropped. */
  upsertPod(pod: PodLike): void {
    const nodeName = pod.spec?.nodeName;
    const phase = pod.status?.phase;
    if (!nodeName || phase === "Succeeded" || phase === "Failed") {
      this.removePod(podKey(pod));
      return;
    }
    this.place(pod, nodeName);
  }

  /**
   * Counts a pod on a node before its binding is observed, so later decisions see the placement.
   * `info`, when the caller has it from scheduling, saves working the requests out again.
   */
  assume(pod: PodLike, nodeName: string, info?: PodInfo): void {
    this.place(pod, nodeName, info);
  }

  /** Drops a pod (deleted, finished, or an assumed placement whose binding failed). */
  removePod(key: string): void {
    const entry = this.pods.get(key);
    if (!entry) return;
    this.pods.delete(key);
    this.namespaces.get(entry.namespace)?.delete(entry);
    this.withAntiAffinity.delete(entry);
    this.account(entry, -1);
    entry.node.pods.delete(key);
    if (!entry.node.exists && entry.node.pods.size === 0) this.states.delete(entry.node.name);
  }

  /** Pods of a namespace that are on nodes, for topology spread constraints with label selectors. */
  podsInNamespace(namespace: string): Iterable<PodEntry> {
    return this.namespaces.get(namespace) ?? [];
  }

  /** Every pod on a node. */
  allPods(): Iterable<PodEntry> {
    return this.pods.values();
  }

  /** Pods with required anti-affinity terms (InterPodAffinity checks them against every incoming pod). */
  podsWithAntiAffinity(): ReadonlySet<PodEntry> {
    return this.withAntiAffinity;
  }

  /** An owner's non-terminating pods per node. */
  ownerNodes(uid: string): ReadonlyMap<NodeState, number> | undefined {
    return this.owners.get(uid)?.byNode;
  }

  /** An owner's non-terminating pods per value of a node label, over existing nodes ("" for nodes without it). */
  ownerDomains(uid: string, key: string): ReadonlyMap<string, number> | undefined {
    const idx = this.owners.get(uid);
    if (!idx) return undefined;
    if (idx.epoch !== this.epoch) {
      idx.domains.clear();
      idx.epoch = this.epoch;
    }
    let counts = idx.domains.get(key);
    if (!counts) {
      counts = new Map();
      for (const [node, n] of idx.byNode) if (node.exists) adjust(counts, node.labels[key] ?? "", n);
      idx.domains.set(key, counts);
    }
    return counts;
  }

  private stateFor(name: string): NodeState {
    let state = this.states.get(name);
    if (!state) {
      state = new NodeState(name);
      this.states.set(name, state);
    }
    return state;
  }

  private place(pod: PodLike, nodeName: string, info?: PodInfo): void {
    const key = info?.key ?? podKey(pod);
    this.removePod(key);
    const node = this.stateFor(nodeName);
    const entry: PodEntry = {
      key,
      uid: pod.metadata.uid,
      namespace: pod.metadata.namespace ?? "",
      labels: pod.metadata.labels ?? {},
      node,
      requests: info?.requests ?? podRequests(pod.spec),
      ports: info?.ports ?? hostPortsOf(pod),
      owner: info ? info.owner : controllerUid(pod),
      terminating: pod.metadata.deletionTimestamp !== undefined,
      antiAffinity: pod.spec?.affinity?.podAntiAffinity ? requiredTerms(pod, "podAntiAffinity") : undefined,
    };
    if (entry.antiAffinity?.length) this.withAntiAffinity.add(entry);
    this.pods.set(key, entry);
    node.pods.set(key, entry);
    let ns = this.namespaces.get(entry.namespace);
    if (!ns) this.namespaces.set(entry.namespace, (ns = new Set()));
    ns.add(entry);
    this.account(entry, 1);
  }

  /** Adds (sign 1) or removes (sign -1) a pod's requests, ports and owner counts on its node. */
  private account(entry: PodEntry, sign: 1 | -1): void {
    const { node, requests: r } = entry;
    const req = node.requested;
    req.milliCpu += sign * r.milliCpu;
    req.memory += sign * r.memory;
    req.ephemeralStorage += sign * r.ephemeralStorage;
    req.nonZeroMilliCpu += sign * r.nonZeroMilliCpu;
    req.nonZeroMemory += sign * r.nonZeroMemory;
    for (const [name, v] of r.scalar) adjust(req.scalar, name, sign * v);
    for (const p of entry.ports) {
      if (sign > 0) node.ports.push(p);
      else node.ports.splice(node.ports.indexOf(p), 1);
    }
    if (entry.owner && !entry.terminating) this.countOwner(entry.owner, node, sign);
  }

  private countOwner(uid: string, node: NodeState, sign: 1 | -1): void {
    let idx = this.owners.get(uid);
    if (!idx) this.owners.set(uid, (idx = { byNode: new Map(), domains: new Map(), epoch: this.epoch }));
    const n = (idx.byNode.get(node) ?? 0) + sign;
    if (n === 0) idx.byNode.delete(node);
    else idx.byNode.set(node, n);
    if (idx.epoch === this.epoch && node.exists) {
      for (const [key, counts] of idx.domains) adjust(counts, node.labels[key] ?? "", sign);
    }
    if (idx.byNode.size === 0) this.owners.delete(uid);
  }
}
