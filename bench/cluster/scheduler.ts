// Scheduler throughput (issue [2 of 6]): one simulated agent plays `nodes` nodes. First the
// target's shape: `pods` pending pods are already in the store (written straight to D1 in the
// form the API stores them, so writing them wakes no one) and one pod created through the API
// wakes the scheduler, which reads, places and binds them all through the store: pods bound per
// second from that create to the last binding. Then the same number of pods created through the
// API by 32 clients as fast as it answers while the scheduler binds them: first create to last
// binding, and how far bindings trailed creates (a small backlog means the creates were the
// limit, not the scheduler). Times are the changelog's.
import { randomUUID } from "node:crypto";
import type { D1 } from "../lib/miniflare";
import { schedWindow, type SchedTime } from "../lib/proc";
import { summarize, type Summary } from "../lib/stats";
import { CLIENTS, PODS, phase, type Target } from "../lib/targets";
import { headRevision, perSecond, podStages, quiet, tally, type Tally } from "../lib/changelog";
import { benchPod, must, schedulerStats, sleep, startAgent, type SchedulerStats } from "../lib/cluster";
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

/** The backlog measurement: pending pods already stored, one create to wake the scheduler. */
export interface BacklogResult {
  pods: number;
  /** Seconds to store them (setup, not measured against the target). */
  storeSeconds: number;
  bound: number;
  /** The waking create (changelog time) to the last binding. */
  wakeToLastBindS: number;
  /** The waking create sent to every pod seen bound (this process's clock, polled every 100 ms): the figure the target is read against. */
  wallSeconds: number;
  /** The waking create to the first binding: reading and placing before anything is written. */
  wakeToFirstBindS: number;
  peakBindsPerSecond: number;
  writes: Tally;
  cpu: Record<"workerd" | "agent" | "bench", SchedTime>;
  complete: boolean;
}

export interface SchedulerResult {
  options: SchedulerOptions;
  registerSeconds: number;
  backlog: BacklogResult;
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

/** Waits until every pod has a node, or the deadline; the pods still without one. */
async function untilBound(ctx: PhaseContext, db: D1, limitMs: number, pollMs = 1_000): Promise<number> {
  const deadline = performance.now() + limitMs;
  let left = await unbound(db);
  let lastReport = performance.now();
  while (left > 0 && performance.now() < deadline) {
    await sleep(pollMs);
    left = await unbound(db);
    if (performance.now() - lastReport > 10_000) {
      ctx.log(`scheduler: ${left} pods still without a node`);
      lastReport = performance.now();
    }
  }
  return left;
}

interface StoredForm {
  metadata: Record<string, unknown> & { name: string; namespace: string };
  [field: string]: unknown;
}

/**
 * Stores `count` pending pods straight into D1, each the API's stored form of a bench pod (the
 * answer of a dryRun create) under its own name and uid, in the rows src/store writes for a
 * create: a log row and the object at that revision. Keep in step with src/store/statements.ts.
 */
async function storePending(api: Target, db: D1, count: number): Promise<void> {
  const form = await must<StoredForm>(api, "POST", `${PODS}?dryRun=All`, 201, benchPod("backlog"));
  const CHUNK = 500;
  for (let start = 0; start < count; start += CHUNK) {
    const statements = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const name = `backlog-${i}`;
      const { resourceVersion: _rv, ...metadata } = form.metadata;
      const data = JSON.stringify({ ...form, metadata: { ...metadata, name, uid: randomUUID() } });
      statements.push(
        db.prepare("INSERT INTO changelog (resource, namespace, name, type, data, prev, created_at) VALUES ('pods', ?, ?, 'ADDED', ?, NULL, ?)").bind(form.metadata.namespace, name, data, Date.now()),
        db
          .prepare("INSERT INTO objects (resource, namespace, name, uid, rv, node_name, controller_uid, data) VALUES ('pods', ?, ?, json_extract(?, '$.metadata.uid'), (SELECT max(id) FROM changelog), NULL, NULL, ?)")
          .bind(form.metadata.namespace, name, data, data),
      );
    }
    await db.batch(statements);
  }
}

async function runBacklog(ctx: PhaseContext, api: Target, db: D1, pids: { workerd: number | undefined; agent: number | undefined }, pods: number, limitMs: number): Promise<BacklogResult> {
  const t0 = performance.now();
  await storePending(api, db, pods);
  const storeSeconds = (performance.now() - t0) / 1000;
  ctx.log(`scheduler: ${pods} pending pods stored in ${storeSeconds.toFixed(1)} s; one create wakes the scheduler`);
  const rv0 = await headRevision(db);
  const sched = await schedWindow({ ...pids, bench: process.pid });
  const sent = performance.now();
  await must(api, "POST", PODS, 201, benchPod("backlog-wake"));
  const left = await untilBound(ctx, db, limitMs, 100);
  const wallSeconds = (performance.now() - sent) / 1000;
  const cpu = await sched();
  const rv1 = await headRevision(db);
  const wake = (await podStages(db, rv0 - 1)).get("default/backlog-wake")?.created ?? 0;
  const bound = [...(await podStages(db, 0)).entries()].flatMap(([key, p]) => (key.startsWith("default/backlog-") && p.bound !== undefined ? [p.bound] : []));
  const first = Math.min(...bound);
  const last = Math.max(...bound);
  return {
    pods,
    storeSeconds,
    bound: bound.length,
    wakeToLastBindS: (last - wake) / 1000,
    wakeToFirstBindS: (first - wake) / 1000,
    wallSeconds,
    peakBindsPerSecond: Math.max(...perSecond(bound, first)),
    writes: await tally(db, rv0, rv1),
    cpu,
    complete: left === 0,
  };
}

export async function runScheduler(ctx: PhaseContext, o: SchedulerOptions): Promise<SchedulerResult> {
  const cluster = await clusterFor(ctx, "scheduler");
  const { api } = cluster;
  const db = api.server.db;
  ctx.log(`scheduler: API on ${api.origin}; starting a simulated agent with ${o.nodes} nodes (lease every ${o.leaseIntervalS} s)`);
  const t0 = performance.now();
  const agent = startAgent({ cluster, name: "sim", runtime: "simulated", nodes: o.nodes, args: ["--lease-interval", String(o.leaseIntervalS)], command: ctx.agentCommand, log: ctx.log });
  ctx.cleanup.add(() => agent.stop());
  await agent.ready(o.registerLimitMs);
  const registerSeconds = (performance.now() - t0) / 1000;
  ctx.log(`scheduler: ${o.nodes} nodes registered in ${registerSeconds.toFixed(0)} s; waiting for quiet`);
  await quiet(db, ["coordination.k8s.io/leases"], 3_000, 120_000);
  const backlogResult = await runBacklog(ctx, api, db, { workerd: api.server.pid, agent: agent.pid }, o.pods, o.bindLimitMs);
  ctx.log(`scheduler: backlog of ${o.pods} bound in ${backlogResult.wakeToLastBindS.toFixed(1)} s after the waking create; waiting for quiet`);
  await quiet(db, ["coordination.k8s.io/leases"], 3_000, 120_000);

  const rv0 = await headRevision(db);
  const sched = await schedWindow({ workerd: api.server.pid, agent: agent.pid, bench: process.pid });
  const profiling = await profileWindow(ctx, cluster, "scheduler");
  const counting = await countWindow(ctx, cluster);
  ctx.log(`scheduler: creating ${o.pods} pods with ${CLIENTS} clients`);
  const creates = await phase(api, CLIENTS, { count: o.pods, maxMs: o.createLimitMs }, (i) => ({ method: "POST", path: PODS, body: JSON.stringify(benchPod(`sched-${i}`)), expect: 201 }));
  ctx.log(`scheduler: ${creates.done} pods created in ${(creates.elapsedMs / 1000).toFixed(1)} s (${creates.perSecond.toFixed(0)}/s); waiting for bindings`);
  const left = await untilBound(ctx, db, o.bindLimitMs);
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
    backlog: backlogResult,
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
