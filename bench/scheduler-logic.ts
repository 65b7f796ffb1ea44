// The scheduler's pure logic at kube-scheduler's scheduler_perf shape: 5,000 nodes, 10,000
// pending pods from a few ReplicaSets, scheduled in one batch into an empty cluster. Prints the
// CPU time and pods per second; binding through the store is measured elsewhere.
// Run: npx tsx bench/scheduler-logic.ts [nodes] [pods] [cpu request per pod, default 100m]
// (a request above 4 makes every pod unschedulable: the worst case, every node examined).
import { SchedulerCache } from "../src/scheduler/cache";
import { scheduleBatch } from "../src/scheduler/schedule";
import type { NodeLike, PodLike } from "../src/scheduler/types";

const NODES = Number(process.argv[2] ?? 5000);
const PODS = Number(process.argv[3] ?? 10000);
const CPU_REQUEST = process.argv[4] ?? "100m";
const OWNERS = 10;
const ZONES = 3;

function node(i: number): NodeLike {
  const name = `node-${i}`;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, "topology.kubernetes.io/zone": `zone-${i % ZONES}` } },
    spec: {},
    status: {
      allocatable: { cpu: "4", memory: "32Gi", pods: "110", "ephemeral-storage": "100Gi" },
      conditions: [{ type: "Ready", status: "True" }],
    },
  };
}

function pod(i: number): PodLike {
  const owner = i % OWNERS;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `web-${owner}-${i}`,
      namespace: "default",
      uid: `pod-${i}`,
      labels: { app: `web-${owner}` },
      creationTimestamp: "2025-01-01T00:00:00Z",
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `web-${owner}`, uid: `rs-${owner}`, controller: true }],
    },
    spec: {
      containers: [{ name: "app", resources: { requests: { cpu: CPU_REQUEST, memory: "128Mi" } } }],
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
    },
  };
}

const cache = new SchedulerCache();
for (let i = 0; i < NODES; i++) cache.upsertNode(node(i));
const pods = Array.from({ length: PODS }, (_, i) => pod(i));

const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const results = scheduleBatch(pods, cache);
const wall = performance.now() - wall0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;

const placed = results.filter((r) => "node" in r).length;
const perNode = cache.nodes.map((n) => n.pods.size);
console.log(`${NODES} nodes, ${PODS} pods: ${placed} placed in ${wall.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU`);
console.log(`${Math.round((PODS / cpuMs) * 1000)} pods/s (CPU); pods per node min ${Math.min(...perNode)} max ${Math.max(...perNode)}`);
