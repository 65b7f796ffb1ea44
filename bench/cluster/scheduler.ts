// Scheduler throughput (issue [2 of 6]): one simulated agent plays `nodes` nodes; `pods` bare
// pods are created through the API by 32 clients as fast as it answers; the scheduler binds
// them. Measured from the changelog: first create to last binding, the binding rate, and how far
// bindings trailed creates (if the backlog stays small, creates were the limit, not the
// scheduler).
import type { D1 } from "../lib/miniflare";
import { schedWindow, type SchedTime } from "../lib/proc";
import { summarize, type Summary } from "../lib/stats";
import { CLIENTS, PODS, phase } from "../lib/targets";
import { headRevision, perSecond, podStages, quiet, tally, type Tally } from "../lib/changelog";
import { benchPod, schedulerStats, sleep, startAgent, type SchedulerStats } from "../lib/cluster";
import { clusterFor, countWindow, profileWindow, type PhaseContext } from "./context";

export interface SchedulerOptions {
  nodes: number;
  pods: number;
  /** The agent's --lease-interval (s) during this phase. */
  leaseIntervalS: number;
  /** How long registering the nodes, the creates, and the bindings after them may take. */
  registerLimitMs: number;
  createLimitMs: number;
  bindLimitMs: number;
}

export interface SchedulerResult {
  options: SchedulerOptions;
  registerSeconds: number;
  created: number;
  createSeconds: number;
  createLatency: Summary;
  bound: number;
  /** First pod ADDED to last binding (changelog times). */
  firstCreateToLastBindS: number;
  /** First binding to last binding. */
  bindWindowS: number;
  peakBindsPerSecond: number;
  /** Per pod: binding time minus ADDED time, ms. */
  bindLag: Summary;
  /** The most pods created but not yet bound at the end of any second. */
  maxBacklog: number;
  scheduler: SchedulerStats;
  writes: Tally;
  /** CPU and run-queue wait in the window: workerd, the agent, and this process (the 32 clients). */
  cpu: Record<"workerd" | "agent" | "bench", SchedTime>;
  complete: boolean;
  /** With --profile: where workerd's CPU went in the window (the profiler slows the server: figures are not comparable). */
  profile?: string;
  /** With --count-d1: D1 calls per pod (or replica) by caller in the window. */
  d1Calls?: string[];
}

/**
 * Pods without a node, straight from D1 rather than through the Worker, so the check stays off
 * the API's request path; the store keeps node_name NULL until a binding, and the objects_node
 * index answers this without reading a pod.
 */
async function unbound(db: D1): Promise<number> {
  const row = await db.prepare("SELECT COUNT(*) AS n FROM objects WHERE resource = 'pods' AND node_name IS NULL").first<{ n: number }>();
  return row?.n ?? 0;
}

function backlog(created: number[], bound: number[], origin: number): number {
  const c = perSecond(created, origin);
  const b = perSecond(bound, origin);
  let made = 0;
  let placed = 0;
  let worst = 0;
  for (let i = 0; i < Math.max(c.length, b.length); i++) {
    made += c[i] ?? 0;
    placed += b[i] ?? 0;
    worst = Math.max(worst, made - placed);
  }
  return worst;
}

export async function runScheduler(ctx: PhaseContext, o: SchedulerOptions): Promise<SchedulerResult> {
  const cluster = await clusterFor(ctx, "scheduler");
  const { api } = cluster;
  const db = api.server.db;
  ctx.log(`scheduler: API on ${api.origin}; starting a simulated agent with ${o.nodes} nodes (lease every ${o.leaseIntervalS} s)`);
  const t0 = performance.now();
  const agent = startAgent({ cluster, name: "sim", runtime: "simulated", nodes: o.nodes, args: ["--lease-interval", String(o.leaseIntervalS)], log: ctx.log });
  ctx.cleanup.add(() => agent.stop());
  await agent.ready(o.registerLimitMs);
  const registerSeconds = (performance.now() - t0) / 1000;
  ctx.log(`scheduler: ${o.nodes} nodes registered in ${registerSeconds.toFixed(0)} s; waiting for quiet`);
  await quiet(db, ["coordination.k8s.io/leases"], 3_000, 120_000);

  const rv0 = await headRevision(db);
  const sched = await schedWindow({ workerd: api.server.pid, agent: agent.pid, bench: process.pid });
  const profiling = await profileWindow(ctx, cluster, "scheduler");
  const counting = await countWindow(ctx, cluster);
  ctx.log(`scheduler: creating ${o.pods} pods with ${CLIENTS} clients`);
  const creates = await phase(api, CLIENTS, { count: o.pods, maxMs: o.createLimitMs }, (i) => ({ method: "POST", path: PODS, body: JSON.stringify(benchPod(`sched-${i}`)), expect: 201 }));
  ctx.log(`scheduler: ${creates.done} pods created in ${(creates.elapsedMs / 1000).toFixed(1)} s (${creates.perSecond.toFixed(0)}/s); waiting for bindings`);
  const deadline = performance.now() + o.bindLimitMs;
  let left = await unbound(db);
  let lastReport = performance.now();
  while (left > 0 && performance.now() < deadline) {
    await sleep(1_000);
    left = await unbound(db);
    if (performance.now() - lastReport > 10_000) {
      ctx.log(`scheduler: ${left} pods still without a node`);
      lastReport = performance.now();
    }
  }
  const cpu = await sched();
  const d1Calls = await counting?.(o.pods);
  const profile = await profiling?.stop(o.pods, "pod");
  const scheduler = await schedulerStats(api);
  const rv1 = await headRevision(db);
  const stages = [...(await podStages(db, rv0)).values()];
  const times = {
    created: stages.flatMap((p) => (p.created === undefined ? [] : [p.created])),
    bound: stages.flatMap((p) => (p.bound === undefined ? [] : [p.bound])),
  };
  const firstCreate = Math.min(...times.created);
  const firstBind = Math.min(...times.bound);
  const lastBind = Math.max(...times.bound);
  const lags = stages.flatMap((p) => (p.bound !== undefined && p.created !== undefined ? [p.bound - p.created] : []));
  return {
    options: o,
    registerSeconds,
    created: creates.done,
    createSeconds: creates.elapsedMs / 1000,
    createLatency: creates.latency,
    bound: times.bound.length,
    firstCreateToLastBindS: (lastBind - firstCreate) / 1000,
    bindWindowS: (lastBind - firstBind) / 1000,
    peakBindsPerSecond: Math.max(...perSecond(times.bound, firstBind)),
    bindLag: summarize(lags),
    maxBacklog: backlog(times.created, times.bound, firstCreate),
    scheduler,
    writes: await tally(db, rv0, rv1),
    cpu,
    complete: left === 0 && creates.done === o.pods,
    profile,
    d1Calls,
  };
}
