// `npm run bench:cluster`: the scheduling and reconciliation benchmarks of issue [2 of 6]. Builds
// the Worker, then runs each part on a fresh Miniflare (bench/lib/miniflare.ts serve()) with the
// simulated agent as a child process:
//   scheduler    N nodes, M pending pods created through the API: pods bound per second;
//   convergence  a Deployment of R replicas: seconds until availableReplicas = R;
//   idle         converged Deployments for some minutes: D1 writes and reconciler passes/alarms.
// Prints the results and appends them to bench/RESULTS.md. Every part is bounded; the whole run
// stops itself at its time limit and stops everything it started (servers, agents).
//
//   npm run bench:cluster -- [--only scheduler,convergence,idle] [--idle-minutes 10]
//     [--nodes 5000] [--pods 10000] [--converge-nodes 1000] [--replicas 10000]
//     [--converge-limit 1200] [--idle-nodes 20] [--idle-deployments 100] [--idle-replicas 3]
//     [--scheduler-lease-interval 600] [--lease-interval 10] [--no-append] [--profile]
// --profile records workerd's CPU profile over the scheduler's and the convergence's measured
// windows and prints where it went; the profiler slows workerd, so nothing is appended.
// --count-d1 serves the D1-counting build of the Worker (bench/lib/d1count.ts) and prints D1
// calls per pod by caller (the API's requests, each Durable Object class); nothing is appended.
import { mkdir } from "node:fs/promises";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundleAgent } from "../bin/agent-bundle.mjs";
import { PROJECT_DIR } from "../src/cli/wrangler";
import { runBounded, type Cleanup } from "./lib/cluster";
import { buildApiWorker } from "./lib/miniflare";
import { buildCountingWorker } from "./lib/d1count";
import { describeMachine, describeRevision, describeVersions } from "./lib/machine";
import { appendSection } from "./lib/report";
import type { PhaseContext } from "./cluster/context";
import { runConvergence } from "./cluster/convergence";
import { runIdle } from "./cluster/idle";
import { markdown, type ClusterResults } from "./cluster/report";
import { runScheduler } from "./cluster/scheduler";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(BENCH_DIR, "RESULTS.md");
const PARTS = ["scheduler", "convergence", "idle"] as const;
type Part = (typeof PARTS)[number];

const log = (line: string): void => console.log(`[bench] ${line}`);

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: "string" },
      nodes: { type: "string" },
      pods: { type: "string" },
      "converge-nodes": { type: "string" },
      replicas: { type: "string" },
      "converge-limit": { type: "string" },
      "idle-nodes": { type: "string" },
      "idle-deployments": { type: "string" },
      "idle-replicas": { type: "string" },
      "idle-minutes": { type: "string" },
      "lease-interval": { type: "string" },
      "scheduler-lease-interval": { type: "string" },
      "no-append": { type: "boolean" },
      profile: { type: "boolean" },
      "count-d1": { type: "boolean" },
    },
  });
  const num = (name: keyof typeof values, fallback: number): number => {
    const raw = values[name];
    if (raw === undefined || typeof raw === "boolean") return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not "${raw}"`);
    return n;
  };
  const only = (values.only ?? PARTS.join(",")).split(",").map((p) => p.trim());
  for (const p of only) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only takes ${PARTS.join(", ")}, not "${p}"`);
  const leaseIntervalS = num("lease-interval", 10);
  return {
    parts: new Set(only as Part[]),
    // The profiler slows workerd: a profiled run's figures are not results.
    append: !values["no-append"] && !values.profile && !values["count-d1"],
    profile: Boolean(values.profile),
    countD1: Boolean(values["count-d1"]),
    scheduler: {
      nodes: num("nodes", 5_000),
      pods: num("pods", 10_000),
      // No cron runs in this part, so nothing marks a node whose lease is old: a long interval
      // keeps 5,000 heartbeats a minute out of the binding figures, as kube-scheduler's
      // scheduler_perf (nodes without kubelets) has none.
      leaseIntervalS: num("scheduler-lease-interval", 600),
      registerLimitMs: 20 * 60_000,
      createLimitMs: 15 * 60_000,
      bindLimitMs: 10 * 60_000,
    },
    convergence: { nodes: num("converge-nodes", 1_000), replicas: num("replicas", 10_000), leaseIntervalS, limitMs: num("converge-limit", 1200) * 1000 },
    idle: {
      nodes: num("idle-nodes", 20),
      deployments: num("idle-deployments", 100),
      replicas: num("idle-replicas", 3),
      minutes: num("idle-minutes", 10),
      leaseIntervalS,
      statsEveryMs: 5_000,
    },
  };
}

type Options = ReturnType<typeof options>;

/** Generous bounds per part: registration, creates and waits are each bounded inside the parts. */
function runLimitMs(o: Options): number {
  let ms = 2 * 60_000;
  if (o.parts.has("scheduler")) ms += 5 * 60_000 + o.scheduler.registerLimitMs + o.scheduler.createLimitMs + o.scheduler.bindLimitMs;
  if (o.parts.has("convergence")) ms += 15 * 60_000 + o.convergence.limitMs;
  if (o.parts.has("idle")) ms += 20 * 60_000 + o.idle.minutes * 60_000;
  return ms;
}

async function main(o: Options, cleanup: Cleanup, stateRoot: string): Promise<void> {
  const started = performance.now();
  const machine = await describeMachine();
  const loadStart = loadavg()[0];
  if (loadStart > Number(machine.cpus) / 2) log(`warning: load average ${loadStart.toFixed(1)} on ${machine.cpus} CPUs; figures will be low`);
  log("building the Worker (wrangler deploy --dry-run)");
  const scriptPath = o.countD1
    ? await buildCountingWorker(join(BENCH_DIR, ".state", "d1count-cluster"))
    : await buildApiWorker(join(BENCH_DIR, ".state", "build"), log);
  const profileDir = o.profile ? join(BENCH_DIR, ".state", "profiles") : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const agentBundle = await bundleAgent(PROJECT_DIR, join(BENCH_DIR, ".state", "agent-bundle"));
  // Node writes the agent's profile when it exits, which it does on the cleanup's SIGTERM.
  const agentCommand = profileDir ? ["--cpu-prof", "--cpu-prof-dir", join(profileDir, "agent"), agentBundle] : [agentBundle];
  const ctx: PhaseContext = { scriptPath, stateDir: (part) => join(stateRoot, part), cleanup, log, profileDir, countD1: o.countD1, agentCommand };
  const results: ClusterResults = {
    date: new Date(),
    machine,
    load: { start: loadStart, end: NaN },
    revision: await describeRevision(),
    versions: describeVersions(),
    totalSeconds: NaN,
    failures: {},
  };
  // Each part on its own server and agent, stopped before the next starts. A part that fails
  // is reported as failed and the others still run: an hour's figures are not lost to one.
  const part = async (name: Part, body: () => Promise<void>): Promise<void> => {
    if (!o.parts.has(name)) return;
    try {
      await body();
    } catch (err) {
      log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      results.failures[name] = err instanceof Error ? err.message : String(err);
      process.exitCode = 1;
    } finally {
      await cleanup.run();
    }
    console.log(`\n${markdown({ ...results, totalSeconds: (performance.now() - started) / 1000 })}`);
  };
  await part("scheduler", async () => {
    results.scheduler = await runScheduler(ctx, o.scheduler);
  });
  await part("convergence", async () => {
    results.convergence = await runConvergence(ctx, o.convergence);
  });
  await part("idle", async () => {
    results.idle = await runIdle(ctx, o.idle);
  });
  results.load.end = loadavg()[0];
  results.totalSeconds = (performance.now() - started) / 1000;
  const text = markdown(results);
  log("final results:");
  console.log(`\n${text}`);
  for (const profile of [results.scheduler?.profile, results.convergence?.profile]) if (profile) console.log(`\n${profile}`);
  if (results.scheduler?.d1Calls) console.log(`\nD1 calls per pod in the scheduler's window, by caller:\n${results.scheduler.d1Calls.join("\n")}`);
  if (results.convergence?.d1Calls) console.log(`\nD1 calls per replica in the convergence's window, by caller:\n${results.convergence.d1Calls.join("\n")}`);
  if (profileDir) log(`profiles kept in ${profileDir} (Chrome DevTools, Performance panel); nothing appended to RESULTS.md`);
  if (o.append) {
    await appendSection(RESULTS, text);
    log(`appended to ${RESULTS}`);
  }
}

const o = options(process.argv.slice(2));
await runBounded("cluster", runLimitMs(o), (cleanup, stateRoot) => main(o, cleanup, stateRoot));
