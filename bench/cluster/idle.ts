// Idle cost (issue [2 of 6]): `deployments` Deployments of `replicas` pods on `nodes` simulated
// nodes, converged; then for `minutes` minutes, with the cron trigger fired at every minute as
// Cloudflare would, count D1 writes by resource (changelog rows, polled faster than compaction
// drops them, plus any other table that moved) and the reconcilers' passes and alarms (their
// stats() RPC, polled often enough that an evicted and recreated object is noticed).
import { ChangelogCounter, inventory, inventoryChanges, quiet } from "../lib/changelog";
import { CLIENTS, phase } from "../lib/targets";
import { fireCron, listAll, reconcilerStats, sleep, startAgent, type ReconcilerStats } from "../lib/cluster";
import { clusterFor, type PhaseContext } from "./context";

export interface IdleOptions {
  nodes: number;
  deployments: number;
  replicas: number;
  minutes: number;
  leaseIntervalS: number;
  /** How often the reconcilers' stats() are read. */
  statsEveryMs: number;
}

export interface IdleResult {
  options: IdleOptions;
  convergeSeconds: number;
  settled: boolean;
  windowSeconds: number;
  /** "resource type" -> changelog rows in the window. */
  writes: Map<string, number>;
  /** Tables whose rows moved: the changelog (inserts, compaction's deletes) and any written outside it. */
  otherTables: string[];
  cronRuns: number;
  cronErrors: string[];
  /** Passes in the window per kind of reconciler, and how many objects had any. */
  passes: Record<string, PassSummary>;
}

export interface PassSummary {
  objects: number;
  passes: number;
  /** Objects with at least one pass in the window. */
  busy: number;
  failures: number;
  alarmsAtStart: number;
  alarmsAtEnd: number;
  /** When the alarms set at the end are due, seconds after the window's end (min, max). */
  alarmsDueS?: [number, number];
}

const NS = "default";
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;

function deployment(name: string, replicas: number): string {
  const labels = { app: name };
  return JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "busybox:1.36", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] } },
    },
  });
}

interface Deployment {
  metadata: { name: string; generation?: number };
  spec: { replicas: number };
  status?: { observedGeneration?: number; availableReplicas?: number; updatedReplicas?: number; replicas?: number };
}

function convergedCount(items: Deployment[], replicas: number): number {
  return items.filter((d) => {
    const s = d.status ?? {};
    return s.observedGeneration === d.metadata.generation && s.availableReplicas === replicas && s.updatedReplicas === replicas && s.replicas === replicas;
  }).length;
}

/** A reconciler's passes across polls; a count that went down means the object was evicted and made anew. */
class PassCounter {
  passes = 0;
  failures = 0;
  private last?: ReconcilerStats;
  alarm: number | null = null;
  alarmAtStart: number | null | undefined;

  see(s: ReconcilerStats): void {
    if (this.last) {
      const reset = s.passes < this.last.passes;
      this.passes += reset ? s.passes : s.passes - this.last.passes;
      this.failures += reset ? s.failures : Math.max(0, s.failures - this.last.failures);
    }
    this.last = s;
    this.alarm = s.alarm;
    if (this.alarmAtStart === undefined) this.alarmAtStart = s.alarm;
  }
}

export async function runIdle(ctx: PhaseContext, o: IdleOptions): Promise<IdleResult> {
  const cluster = await clusterFor(ctx, "idle");
  const { api } = cluster;
  const db = api.server.db;
  ctx.log(`idle: API on ${api.origin}; starting a simulated agent with ${o.nodes} nodes (lease every ${o.leaseIntervalS} s)`);
  const agent = startAgent({ cluster, name: "sim", runtime: "simulated", nodes: o.nodes, args: ["--lease-interval", String(o.leaseIntervalS)], command: ctx.agentCommand, log: ctx.log });
  ctx.cleanup.add(() => agent.stop());
  await agent.ready(5 * 60_000);

  ctx.log(`idle: creating ${o.deployments} Deployments of ${o.replicas} replicas`);
  const start = performance.now();
  await phase(api, Math.min(CLIENTS, 8), { count: o.deployments, maxMs: 120_000 }, (i) => ({ method: "POST", path: DEPLOYMENTS, body: deployment(`idle-${i}`, o.replicas), expect: 201 }));
  let items: Deployment[] = [];
  while (performance.now() - start < 10 * 60_000) {
    items = await listAll<Deployment>(api, DEPLOYMENTS);
    if (convergedCount(items, o.replicas) === o.deployments) break;
    await sleep(2_000);
  }
  const done = convergedCount(items, o.replicas);
  if (done !== o.deployments) throw new Error(`only ${done} of ${o.deployments} Deployments converged in 10 minutes`);
  const convergeSeconds = (performance.now() - start) / 1000;
  ctx.log(`idle: all converged in ${convergeSeconds.toFixed(0)} s; waiting until only leases are written`);
  const settledAt = await quiet(db, ["coordination.k8s.io/leases"], 20_000, 3 * 60_000);

  const replicaSets = await listAll<{ metadata: { name: string } }>(api, `/apis/apps/v1/namespaces/${NS}/replicasets`);
  const nodes = await listAll<{ metadata: { name: string } }>(api, "/api/v1/nodes");
  const targets: [string, string][] = [
    ...items.map((d): [string, string] => ["deployments", `apps/deployments/${NS}/${d.metadata.name}`]),
    ...replicaSets.map((r): [string, string] => ["replicasets", `apps/replicasets/${NS}/${r.metadata.name}`]),
    ...nodes.map((n): [string, string] => ["nodes", `nodes//${n.metadata.name}`]),
  ];
  const counters = new Map(targets.map(([, name]) => [name, new PassCounter()]));
  const pollStats = async (): Promise<void> => {
    for (const [name, counter] of counters) counter.see(await reconcilerStats(api, name));
  };

  await pollStats();
  const changelog = await ChangelogCounter.from(db);
  const tablesBefore = await inventory(db);
  ctx.log(`idle: measuring for ${o.minutes} min (${targets.length} reconcilers polled every ${o.statsEveryMs / 1000} s, cron every minute)`);
  const windowStart = performance.now();
  const windowMs = o.minutes * 60_000;
  let cronRuns = 0;
  const cronErrors: string[] = [];
  let nextCron = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
  let nextChangelog = performance.now() + 15_000;
  while (performance.now() - windowStart < windowMs) {
    await sleep(Math.min(o.statsEveryMs, windowMs - (performance.now() - windowStart)));
    if (Date.now() >= nextCron) {
      // At the minute as Cloudflare fires "* * * * *"; awaited, so the polls below see its work.
      await fireCron(api, new Date(nextCron)).then(() => cronRuns++, (err: unknown) => cronErrors.push((err as Error).message));
      nextCron += 60_000;
    }
    await pollStats();
    if (performance.now() >= nextChangelog) {
      await changelog.poll();
      nextChangelog = performance.now() + 15_000;
      const other = changelog.total((k) => !k.startsWith("coordination.k8s.io/leases "));
      ctx.log(`idle: ${((performance.now() - windowStart) / 60_000).toFixed(1)} min: ${changelog.total()} changelog rows, ${other} not leases; cron runs ${cronRuns}`);
    }
  }
  await changelog.poll();
  const windowSeconds = (performance.now() - windowStart) / 1000;
  const tablesAfter = await inventory(db);
  const passes: IdleResult["passes"] = {};
  const end = Date.now();
  for (const [kind, name] of targets) {
    const c = counters.get(name);
    if (!c) continue;
    const p = (passes[kind] ??= { objects: 0, passes: 0, busy: 0, failures: 0, alarmsAtStart: 0, alarmsAtEnd: 0 });
    p.objects++;
    p.passes += c.passes;
    p.busy += c.passes > 0 ? 1 : 0;
    p.failures += c.failures;
    p.alarmsAtStart += c.alarmAtStart === null || c.alarmAtStart === undefined ? 0 : 1;
    if (c.alarm !== null) {
      p.alarmsAtEnd++;
      const due = Math.round((c.alarm - end) / 1000);
      p.alarmsDueS = p.alarmsDueS ? [Math.min(p.alarmsDueS[0], due), Math.max(p.alarmsDueS[1], due)] : [due, due];
    }
  }
  return {
    options: o,
    convergeSeconds,
    settled: settledAt.settled,
    windowSeconds,
    writes: changelog.rows,
    otherTables: inventoryChanges(tablesBefore, tablesAfter),
    cronRuns,
    cronErrors,
    passes,
  };
}
