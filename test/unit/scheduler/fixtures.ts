// Small builders for Nodes and Pods in scheduler tests.
import { SchedulerCache } from "../../../src/scheduler/cache";
import type { ContainerLike, NodeLike, PodLike, PodSpecLike, ResourceList, Taint } from "../../../src/scheduler/types";

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  ready?: "True" | "False" | "Unknown" | null;
  extra?: ResourceList;
}

export function makeNode(name: string, o: NodeOptions = {}): NodeLike {
  const ready = o.ready === undefined ? "True" : o.ready;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, uid: `uid-${name}`, labels: { "kubernetes.io/hostname": name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: {
      allocatable: { cpu: o.cpu ?? "4", memory: o.memory ?? "8Gi", pods: String(o.pods ?? 110), "ephemeral-storage": "100Gi", ...o.extra },
      conditions: ready === null ? [] : [{ type: "Ready", status: ready }],
    },
  };
}

export interface PodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  requests?: ResourceList;
  labels?: Record<string, string>;
  owner?: string;
  nodeName?: string;
  spec?: Partial<PodSpecLike>;
  containers?: ContainerLike[];
  priority?: number;
  created?: string;
}

export function makePod(name: string, o: PodOptions = {}): PodLike {
  const requests: ResourceList = { ...o.requests };
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const containers = o.containers ?? [{ name: "app", resources: Object.keys(requests).length ? { requests } : {} }];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: o.namespace ?? "default",
      uid: `uid-${name}`,
      labels: o.labels,
      creationTimestamp: o.created,
      ownerReferences: o.owner ? [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: o.owner, uid: `uid-${o.owner}`, controller: true }] : undefined,
    },
    spec: { containers, nodeName: o.nodeName, priority: o.priority, ...o.spec },
  };
}

export function cacheWith(nodes: NodeLike[], pods: PodLike[] = []): SchedulerCache {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.upsertNode(n);
  for (const p of pods) cache.upsertPod(p);
  return cache;
}

/** A deterministic tie-breaker: always keeps the first of equally good nodes. */
export const firstOfTies = () => 0.99;
