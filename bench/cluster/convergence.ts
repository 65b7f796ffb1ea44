// Convergence (issue [2 of 6]): a Deployment of `replicas` pods on `nodes` simulated nodes, from
// its create until status.availableReplicas = replicas. Besides the total, the changelog tells
// when the last pod was created, bound and Running, which says which stage held it up.
import { headRevision, podTimes, quiet, tally, type Tally } from "../lib/changelog";
import { listAll, must, reconcilerStats, sleep, startAgent, watchHubStats, type ReconcilerStats, type WatchHubStats } from "../lib/cluster";
import { schedWindow, type SchedTime } from "../lib/proc";
import { clusterFor, countWindow, profileWindow, type PhaseContext } from "./context";

export interface ConvergenceOptions {
  nodes: number;
  replicas: number;
  leaseIntervalS: number;
  limitMs: number;
}

export interface DeploymentStatus {
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

export interface ConvergenceResult {
  options: ConvergenceOptions;
  registerSeconds: number;
  /** Seconds from the POST of the Deployment until availableReplicas = replicas (or the limit). */
  seconds: number;
  converged: boolean;
  last: DeploymentStatus;
  /** Seconds from the POST until the last pod was created, bound, Running (changelog times). */
  stages: { created: number; bound: number; running: number; podsCreated: number; podsBound: number; podsRunning: number };
  /** availableReplicas sampled every few seconds: [seconds since the POST, available]. */
  progress: [number, number][];
  /** How long the Deployment's POST took to be answered. */
  postSeconds: number;
  /** Status polls the API did not answer (60 s client timeout), and the longest time without an answer. */
  unanswered: number;
  longestSilenceS: number;
  deployment: ReconcilerStats;
  replicaSet: ReconcilerStats;
  /** The pods watch hub (the agent watches pods) over the whole part. */
  podsHub: WatchHubStats;
  writes: Tally;
  /** CPU and run-queue wait in the window. */
  cpu: Record<"workerd" | "agent", SchedTime>;
  /** With --profile: where workerd's CPU went in the window. */
  profile?: string;
  /** With --count-d1: D1 calls per pod (or replica) by caller in the window. */
  d1Calls?: string[];
}

const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
const NO_STATS: ReconcilerStats = { passes: NaN, failures: NaN, alarm: null };
const NO_HUB_STATS: WatchHubStats = { watchers: NaN, handed: NaN, read: NaN };

/** The value, or `fallback` when a stuck server has not given it within a minute. */
async function withTimeout<T>(p: Promise<T>, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), 60_000)));
  try {
    return await Promise.race([p.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}
const NAME = "converge";

function deployment(replicas: number): Record<string, unknown> {
  const labels = { app: NAME };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: NAME },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "busybox:1.36", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] } },
    },
  };
}

export async function runConvergence(ctx: PhaseContext, o: ConvergenceOptions): Promise<ConvergenceResult> {
  const cluster = await clusterFor(ctx, "convergence");
  const { api } = cluster;
  const db = api.server.db;
  ctx.log(`convergence: API on ${api.origin}; starting a simulated agent with ${o.nodes} nodes (lease every ${o.leaseIntervalS} s)`);
  const t0 = performance.now();
  const agent = startAgent({ cluster, name: "sim", runtime: "simulated", nodes: o.nodes, args: ["--lease-interval", String(o.leaseIntervalS)], command: ctx.agentCommand, log: ctx.log });
  ctx.cleanup.add(() => agent.stop());
  await agent.ready(10 * 60_000);
  const registerSeconds = (performance.now() - t0) / 1000;
  ctx.log(`convergence: ${o.nodes} nodes registered in ${registerSeconds.toFixed(0)} s; waiting for quiet`);
  await quiet(db, ["coordination.k8s.io/leases"], 3_000, 120_000);

  const rv0 = await headRevision(db);
  const sched = await schedWindow({ workerd: api.server.pid, agent: agent.pid });
  const profiling = await profileWindow(ctx, cluster, "convergence");
  const counting = await countWindow(ctx, cluster);
  ctx.log(`convergence: creating Deployment ${NAME} with ${o.replicas} replicas`);
  const start = performance.now();
  const startWall = Date.now();
  // The POST's answer can wait behind the controllers' first burst of work (see RESULTS.md):
  // allow it the whole limit, and report how long it took.
  await must(api, "POST", DEPLOYMENTS, 201, deployment(o.replicas), o.limitMs);
  const postSeconds = (performance.now() - start) / 1000;
  if (postSeconds > 5) ctx.log(`convergence: the POST was answered after ${postSeconds.toFixed(1)} s`);
  const progress: [number, number][] = [];
  let last: DeploymentStatus = {};
  let lastLogged = 0;
  // A server busy past the clients' timeout is a finding, not the end of the part: the polls
  // go on, and the longest time without an answer is reported.
  let answeredAt = performance.now();
  let longestSilenceS = 0;
  let unanswered = 0;
  while (performance.now() - start < o.limitMs) {
    await sleep(500);
    try {
      last = (await must<{ status?: DeploymentStatus }>(api, "GET", `${DEPLOYMENTS}/${NAME}`, 200)).status ?? {};
      answeredAt = performance.now();
    } catch (err) {
      unanswered++;
      longestSilenceS = Math.max(longestSilenceS, (performance.now() - answeredAt) / 1000);
      ctx.log(`convergence: the Deployment's GET failed (${(err as Error).message}); ${((performance.now() - answeredAt) / 1000).toFixed(0)} s without an answer`);
      continue;
    }
    const s = (performance.now() - start) / 1000;
    if (s - (progress.at(-1)?.[0] ?? -10) >= 5) progress.push([Math.round(s), last.availableReplicas ?? 0]);
    if ((last.availableReplicas ?? 0) >= o.replicas) break;
    if (s - lastLogged >= 15) {
      ctx.log(`convergence: ${s.toFixed(0)} s: replicas ${last.replicas ?? 0}, updated ${last.updatedReplicas ?? 0}, ready ${last.readyReplicas ?? 0}, available ${last.availableReplicas ?? 0}`);
      lastLogged = s;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const converged = (last.availableReplicas ?? 0) >= o.replicas;
  progress.push([Math.round(seconds), last.availableReplicas ?? 0]);
  ctx.log(`convergence: ${converged ? "converged" : "NOT converged"} after ${seconds.toFixed(1)} s (available ${last.availableReplicas ?? 0})`);
  const cpu = await sched();
  const d1Calls = await counting?.(o.replicas);
  const profile = await profiling?.stop(o.replicas, "replica");
  const rv1 = await headRevision(db);
  const times = await podTimes(db, rv0);
  const since = (list: number[]) => (list.length ? (Math.max(...list) - startWall) / 1000 : NaN);
  const [rs] = await withTimeout(listAll<{ metadata: { name: string } }>(api, "/apis/apps/v1/namespaces/default/replicasets", { labelSelector: `app=${NAME}` }), []);
  return {
    options: o,
    registerSeconds,
    seconds,
    converged,
    last,
    stages: {
      created: since(times.created),
      bound: since(times.bound),
      running: since(times.running),
      podsCreated: times.created.length,
      podsBound: times.bound.length,
      podsRunning: times.running.length,
    },
    progress,
    postSeconds,
    unanswered,
    longestSilenceS,
    deployment: await withTimeout(reconcilerStats(api, `apps/deployments/default/${NAME}`), NO_STATS),
    replicaSet: rs ? await withTimeout(reconcilerStats(api, `apps/replicasets/default/${rs.metadata.name}`), NO_STATS) : NO_STATS,
    podsHub: await withTimeout(watchHubStats(api, "pods"), NO_HUB_STATS),
    writes: await tally(db, rv0, rv1),
    cpu,
    profile,
    d1Calls,
  };
}
