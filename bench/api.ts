// `npm run bench:api`: the API benchmark of issue [1 of 6]. Builds the Worker, serves it on
// Miniflare directly, and measures pod creates/s, gets/s, a LIST of 1,000 pods and watch delivery
// to 100 watchers; then serves the D1 floor Worker (bench/floor-worker.ts) the same way and drives
// it with the same clients. The measured pods name a scheduler that does not run, so a create is
// one D1 write on both servers; creates that edgeplane's scheduler follows with writes of its own
// are measured and reported beside them. Prints a table and appends it to bench/RESULTS.md (not with
// --no-append, for trying a change out). With --profile it
// runs the create and get phases under workerd's CPU profiler instead (bench/lib/profilerun.ts).
// Every phase is bounded in requests and in time; the whole run stops itself after RUN_LIMIT_MS.
import { mkdir } from "node:fs/promises";
import { loadavg } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBounded } from "./lib/cluster";
import { keepAliveAgent, runLoad, type LoadResult } from "./lib/load";
import { buildApiWorker, buildSmallWorker, MINIFLARE_VERSION } from "./lib/miniflare";
import { describeMachine, describeRevision } from "./lib/machine";
import { profileRun } from "./lib/profilerun";
import { appendResults, textTable, verdict, type BenchResults, type Side } from "./lib/report";
import { summarize } from "./lib/stats";
import { CLIENTS, PODS, phase, revision, startApi, startFloor, type Target } from "./lib/targets";
import { runWatchBench, type WatchBenchResult } from "./lib/watch";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const STATE_DIR = join(BENCH_DIR, ".state");
const RESULTS = join(BENCH_DIR, "RESULTS.md");

const WARMUP = { count: 300, maxMs: 15_000 };
const SERIAL = { count: 300, maxMs: 8_000 };
const CREATES = { count: 4_000, maxMs: 20_000 };
const GETS = { count: 8_000, maxMs: 10_000 };
const DRY_RUN = { count: 3_000, maxMs: 10_000 };
const LIST = { size: 1_000, times: 10 };
const WATCH = { watchers: 100, events: 100, ratePerSecond: 10, drainMs: 10_000 };
const RUN_LIMIT_MS = 5 * 60_000;

const log = (line: string): void => console.log(`[bench] ${line}`);

/**
 * The same sequence on both servers, so both databases hold as many rows at each step.
 * `afterCreates` runs while the creates' follow-up work is fresh (the API's watch phase: the
 * scheduler Durable Object is still in memory; see runWatch).
 */
async function measureSide(t: Target, afterCreates?: () => Promise<void>): Promise<Side> {
  const label = t.label;
  log(`${label}: warm-up (${WARMUP.count} creates and gets)`);
  const warm = await phase(t, CLIENTS, WARMUP, (i) => t.create(`warm-${i}`));
  await phase(t, CLIENTS, WARMUP, (i) => t.get(`warm-${i % warm.done}`));
  await t.settle?.();
  log(`${label}: one client`);
  const serialCreates = await phase(t, 1, SERIAL, (i) => t.create(`serial-${i}`));
  const serialGets = await phase(t, 1, SERIAL, (i) => t.get(`serial-${i % serialCreates.done}`));
  const before = await t.settle?.();
  log(`${label}: creates, ${CLIENTS} clients`);
  const creates = await phase(t, CLIENTS, CREATES, (i) => t.create(`bench-${i}`), "x-d1-ms");
  // Later phases must not share the server with the creates' follow-up work.
  const after = await t.settle?.();
  if (before && after) log(`${label}: ${((after.rv - before.rv) / creates.done).toFixed(2)} revisions per create; quiet ${(after.ms / 1000).toFixed(1)} s after the last create`);
  log(`${label}: ${creates.perSecond.toFixed(0)} creates/s`);
  await afterCreates?.();
  log(`${label}: gets, ${CLIENTS} clients`);
  const gets = await phase(t, CLIENTS, GETS, (i) => t.get(`bench-${i % creates.done}`), "x-d1-ms");
  log(`${label}: ${gets.perSecond.toFixed(0)} gets/s`);
  return { creates, gets, serialCreates, serialGets };
}

/**
 * Tops the namespace up to LIST.size pods when the timed phases created fewer (a slow machine).
 * Runs right after the creates, while the scheduler is still in memory (see measureWatch).
 */
async function fillForList(t: Target): Promise<void> {
  const first = await phase(t, 1, { count: 1, maxMs: 60_000 }, () => ({ method: "GET", path: `${PODS}?limit=${LIST.size}`, expect: 200 }));
  const missing = LIST.size - (JSON.parse(first.lastBody) as { items: unknown[] }).items.length;
  if (missing <= 0) return;
  log(`API: ${missing} more pods for the LIST`);
  await phase(t, CLIENTS, { count: missing, maxMs: 120_000 }, (i) => t.create(`fill-${i}`));
  await t.settle?.();
}

async function measureList(t: Target): Promise<BenchResults["list"]> {
  const latencies: number[] = [];
  let bytes = 0;
  for (let i = 0; i < LIST.times; i++) {
    const res = await phase(t, 1, { count: 1, maxMs: 60_000 }, () => ({ method: "GET", path: `${PODS}?limit=${LIST.size}`, expect: 200 }));
    const items = (JSON.parse(res.lastBody) as { items: unknown[] }).items.length;
    if (items !== LIST.size) throw new Error(`LIST returned ${items} pods, expected ${LIST.size}`);
    latencies.push(res.latency.max);
    bytes = res.lastBody.length;
  }
  return { size: LIST.size, latency: summarize(latencies), bytes };
}

/**
 * Watch delivery, right after the creates. It must not follow an idle spell of more than about
 * ten seconds: workerd then evicts the scheduler Durable Object, and the next pod commit makes it
 * reload and rewrite the status and Event of every pending pod (thousands of writes, each fanned
 * out to every watcher), which stalls the server for tens of seconds. That is a scheduler issue
 * to fix, not watch latency; the run reports it when it happens (the sentinel times out).
 */
async function measureWatch(t: Target): Promise<WatchBenchResult> {
  const resourceVersion = String((await t.settle?.())?.rv ?? (await revision(t)));
  log(`watch: ${WATCH.watchers} watchers from resourceVersion ${resourceVersion}, ${WATCH.events} creates at ${WATCH.ratePerSecond}/s`);
  // Creates go over a connection of their own, apart from the watches' and the load's.
  const createAgent = keepAliveAgent(1);
  try {
    return await runWatchBench({
      origin: t.origin,
      headers: t.headers,
      path: PODS,
      resourceVersion,
      ...WATCH,
      log,
      create: async (name) => {
        await runLoad({ origin: t.origin, headers: t.headers, agent: createAgent, clients: 1, count: 1, maxMs: 10_000, call: () => t.create(name) });
      },
    });
  } finally {
    await createAgent.close();
  }
}

/**
 * Creates of pods for edgeplane's scheduler: with no nodes in the bench, it follows each with
 * PodScheduled=False and a FailedScheduling Event. Reported beside the like-for-like creates.
 */
async function measureScheduled(t: Target): Promise<BenchResults["scheduled"]> {
  const create = t.createScheduled;
  if (!create || !t.settle) throw new Error("the API target creates scheduled pods");
  // The scheduler's first pass loads every pod: not part of the measure.
  await phase(t, 1, { count: 1, maxMs: 30_000 }, () => create("sched-warm"));
  const before = await t.settle();
  log(`API: creates the scheduler follows, ${CLIENTS} clients`);
  const creates = await phase(t, CLIENTS, CREATES, (i) => create(`sched-${i}`));
  const after = await t.settle();
  const revisionsPerCreate = (after.rv - before.rv) / creates.done;
  log(`API: ${creates.perSecond.toFixed(0)} scheduled creates/s; ${revisionsPerCreate.toFixed(2)} revisions per create`);
  return { creates, revisionsPerCreate, settleMs: after.ms };
}

interface ApiOutcome {
  side: Side;
  dryRun: LoadResult;
  scheduled: BenchResults["scheduled"];
  list: BenchResults["list"];
  watch: WatchBenchResult;
  /** A pod as the API stored it: the floor stores objects of the same size. */
  storedPod: string;
}

async function benchApi(scriptPath: string, track: (t: Target) => void): Promise<ApiOutcome> {
  const t = await startApi(scriptPath);
  track(t);
  log(`API on ${t.origin}`);
  try {
    let watch: WatchBenchResult | undefined;
    const side = await measureSide(t, async () => {
      await fillForList(t);
      watch = await measureWatch(t);
    });
    // Everything a create does but the store write and the notifications: the handler's own cost.
    log(`API: creates with dryRun=All, ${CLIENTS} clients`);
    const dryRun = await phase(t, CLIENTS, DRY_RUN, (i) => ({ ...t.create(`dry-${i}`), path: `${PODS}?dryRun=All` }));
    const scheduled = await measureScheduled(t);
    log(`API: LIST of ${LIST.size}, ${LIST.times} times`);
    const list = await measureList(t);
    if (!watch) throw new Error("the watch phase did not run");
    return { side, dryRun, scheduled, list, watch, storedPod: side.creates.lastBody };
  } finally {
    await t.close();
  }
}

async function benchFloor(scriptPath: string, storedPod: string, track: (t: Target) => void): Promise<Side> {
  const t = await startFloor(scriptPath, storedPod);
  track(t);
  log(`D1 floor on ${t.origin}`);
  try {
    return await measureSide(t);
  } finally {
    await t.close();
  }
}

function versions(): string {
  const require = createRequire(import.meta.url);
  const wrangler = (require("wrangler/package.json") as { version: string }).version;
  return `wrangler ${wrangler}, miniflare ${MINIFLARE_VERSION}`;
}

async function build(): Promise<{ apiScript: string; floorScript: string }> {
  await mkdir(STATE_DIR, { recursive: true });
  log("building the Worker (wrangler deploy --dry-run) and the floor Worker (esbuild)");
  const apiScript = await buildApiWorker(join(STATE_DIR, "build"), log);
  const floorScript = await buildSmallWorker(join(BENCH_DIR, "floor-worker.ts"), join(STATE_DIR, "floor", "worker.js"));
  return { apiScript, floorScript };
}

async function main(track: (t: Target) => void): Promise<void> {
  const started = performance.now();
  const loadAtStart = loadavg()[0];
  const machine = await describeMachine();
  // Other processes on the machine take CPU from workerd and from the clients alike.
  if (loadAtStart > Number(machine.cpus) / 2) log(`warning: load average ${loadAtStart.toFixed(1)} on ${machine.cpus} CPUs; figures will be low`);
  const { apiScript, floorScript } = await build();
  const api = await benchApi(apiScript, track);
  const floor = await benchFloor(floorScript, api.storedPod, track);
  const results: BenchResults = {
    date: new Date(),
    machine,
    load: { start: loadAtStart, end: loadavg()[0] },
    revision: await describeRevision(),
    versions: versions(),
    clients: CLIENTS,
    api: api.side,
    dryRun: api.dryRun,
    scheduled: api.scheduled,
    floor,
    list: api.list,
    watch: api.watch,
    totalSeconds: (performance.now() - started) / 1000,
  };
  console.log(`\n${textTable(results)}\n`);
  for (const line of verdict(results).lines) console.log(line.replace(/\*\*/g, ""));
  if (process.argv.includes("--no-append")) return;
  await appendResults(RESULTS, results);
  log(`appended to ${RESULTS}`);
}

async function profile(track: (t: Target) => void): Promise<void> {
  const { apiScript, floorScript } = await build();
  await profileRun({ apiScript, floorScript, outDir: join(STATE_DIR, "profiles"), log, track });
}

// Every server it starts is stopped at the end: on success, on error, on Ctrl-C and at the time limit.
await runBounded("api", RUN_LIMIT_MS, async (cleanup) => {
  const track = (t: Target) => cleanup.add(() => t.close());
  await (process.argv.includes("--profile") ? profile(track) : main(track));
});
