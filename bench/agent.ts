// `npm run bench:agent`: the agent benchmarks of issue [3 of 6]. Builds the Worker and serves it
// on Miniflare (bench/lib), then for each runtime (simulated, process, podman) starts one
// `edgeplane agent` for one node as a child process and measures:
//   - pod startup latency: pods created at a steady rate (10/s), each from just before its POST
//     to the watch event that shows it Running (the Kubernetes pod startup SLI: scheduling, the
//     agent's start and the status write included); creationTimestamp has whole seconds only,
//     so the client's clock is used;
//   - memory: the agent process's RSS idle and with 110 pods (the node's pod capacity).
// Podman is skipped, with a message, when its service does not answer. Every pod, agent,
// container and server started is removed at the end. Results go to bench/RESULTS.md.
//
//   npm run bench:agent -- [--runtimes simulated,process,podman] [--pods 100] [--rate 10] [--tsx] [--no-append]
// The agent runs from its bundle, as bin/edgeplane.mjs runs it (bin/agent-bundle.mjs); --tsx runs
// it through tsx's loader instead, to tell the agent's own memory from tsx's.
import { writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { podmanAvailable } from "../src/agent/runtime/podman";
import { createRuntime } from "../src/agent/runtimes";
import type { Runtime } from "../src/agent/runtime/types";
import { Cleanup, call, must, runBounded, sleep, startAgent, startCluster, type AgentProcess, type Cluster, type ItemList } from "./lib/cluster";
import { podStages, type PodStages } from "./lib/changelog";
import { watchEvents } from "./lib/events";
import { bundleAgent } from "../bin/agent-bundle.mjs";
import { buildApiWorker } from "./lib/miniflare";
import { describeMachine, describeRevision, describeVersions } from "./lib/machine";
import { machineBusyWindow, processRssBytes, schedWindow } from "./lib/proc";
import { Children } from "../src/cli/children";
import { PROJECT_DIR } from "../src/cli/wrangler";
import { appendSection } from "./lib/report";
import { summarize, type Summary } from "./lib/stats";
import { markdown, type AgentResults, type RuntimeName, type RuntimeResult, type StageName } from "./agent/report";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(BENCH_DIR, "RESULTS.md");
const PODS = "/api/v1/namespaces/default/pods";
/** The node's pod capacity (the agent's allocatable pods, as the kubelet's default maxPods). */
const MEMORY_PODS = 110;
const RUNNING_LIMIT_MS = 3 * 60_000;
const DELETE_LIMIT_MS = 3 * 60_000;
const RUN_LIMIT_MS = 40 * 60_000;

const log = (line: string): void => console.log(`[bench] ${line}`);

interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { phase?: string };
}

function podFor(runtime: RuntimeName, name: string, node: string, run: string): Record<string, unknown> {
  const container =
    runtime === "podman"
      ? // A local image (scripts/podman-setup.sh): no pull is involved, as the target excludes pulls.
        { name: "web", image: "docker.io/library/nginx:1.7.9", imagePullPolicy: "IfNotPresent" }
      : runtime === "process"
        ? { name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }
        : { name: "app", image: "busybox:1.36" };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { "bench-run": run } },
    // Through the scheduler (part of startup, as in Kubernetes' SLI), pinned to this agent's node.
    // A short grace period keeps the clean-up short: nothing here needs a graceful stop.
    spec: { nodeSelector: { "kubernetes.io/hostname": node }, terminationGracePeriodSeconds: 1, containers: [container] },
  };
}

interface Tracker {
  sent: Map<string, { t0: number; t1?: number }>;
  running: Map<string, number>;
  failures: string[];
}

/** Creates pods `from`..`to`-1 at `rate` per second, without waiting for one answer before sending the next. */
async function createPaced(c: Cluster, t: Tracker, names: string[], rate: number, body: (name: string) => Record<string, unknown>): Promise<void> {
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < names.length; i++) {
    await sleep(start + (i * 1000) / rate - performance.now());
    const name = names[i];
    const entry: { t0: number; t1?: number } = { t0: performance.now() };
    t.sent.set(name, entry);
    inFlight.push(
      call(c.api, "POST", PODS, body(name)).then((res) => {
        entry.t1 = performance.now();
        if (res.status !== 201) t.failures.push(`create ${name}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }),
    );
  }
  await Promise.all(inFlight);
}

async function waitRunning(t: Tracker, names: string[], limitMs: number): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if (names.every((n) => t.running.has(n))) return true;
    await sleep(100);
  }
  return false;
}

async function rssSamples(agent: AgentProcess, count: number, everyMs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(await agent.rssBytes());
    await sleep(everyMs);
  }
  return out;
}

/** The node's runtime as the agent sees it (Podman filtered by the node's label; the process runtime's records on disk). */
async function runtimeOf(runtime: RuntimeName, node: string, stateDir: string): Promise<Runtime> {
  return createRuntime({ runtime, name: node, isolation: "auto", startDelayMs: 0 }, { stateDir: resolve(stateDir), hostIP: "127.0.0.1", podByUid: () => undefined });
}

/**
 * Deletes the run's pods and waits for them to go and for the runtime to be empty (the agent
 * stops and removes their containers, after the pod objects are gone), then stops the agent.
 */
async function tearDown(c: Cluster, run: string, agent: AgentProcess, rt: Runtime): Promise<string | undefined> {
  const selector = new URLSearchParams({ labelSelector: `bench-run=${run}` });
  await call(c.api, "DELETE", `${PODS}?${selector}`);
  const deadline = performance.now() + DELETE_LIMIT_MS;
  let left = -1;
  let running = -1;
  while (performance.now() < deadline) {
    left = (await must<ItemList<Pod>>(c.api, "GET", `${PODS}?${selector}`, 200)).items.length;
    // Listing while the agent removes things can race with it (Podman: a pod whose infra
    // container just went); that only means "not empty yet".
    const listed = rt.name === "simulated" ? { containers: [], sandboxes: [] } : await rt.list().catch(() => undefined);
    running = listed ? listed.containers.length + listed.sandboxes.length : -1;
    if (left === 0 && running === 0) break;
    await sleep(1_000);
  }
  await agent.stop();
  if (left !== 0) return `${left} pods were still there ${DELETE_LIMIT_MS / 1000} s after their deletion`;
  if (running !== 0) return `the agent had not removed ${running} containers and sandboxes ${DELETE_LIMIT_MS / 1000} s after the pods' deletion`;
  return undefined;
}

/** Stops and removes whatever the runtime still has for the node (the agent leaves containers running on SIGTERM, by design). */
async function removeLeftovers(rt: Runtime): Promise<number> {
  if (rt.name === "simulated") return 0;
  const { containers, sandboxes } = await rt.list();
  await Promise.all(containers.filter((x) => x.state.state === "running").map((x) => rt.stopContainer(x.id, 1).catch(() => undefined)));
  for (const x of containers) await rt.removeContainer(x.id).catch(() => undefined);
  for (const s of sandboxes) await rt.removeSandbox(s.id).catch(() => undefined);
  return containers.length + sandboxes.length;
}

async function runtimeBench(c: Cluster, runtime: RuntimeName, o: { pods: number; rate: number; command?: string[] }, cleanup: Cleanup): Promise<RuntimeResult> {
  const node = `bench-${runtime}`;
  const run = `${runtime}-${Date.now().toString(36)}`;
  const rt = await runtimeOf(runtime, node, join(c.stateDir, "agents", node));
  cleanup.add(() => rt.close());
  log(`${runtime}: starting the agent for node ${node}`);
  const agent = startAgent({ cluster: c, name: node, runtime, log, command: o.command });
  cleanup.add(async () => {
    await agent.stop();
    await removeLeftovers(rt);
  });
  await agent.ready(2 * 60_000);
  await sleep(3_000);
  const idleRss = summarize(await rssSamples(agent, 5, 1_000));

  const tracker: Tracker = { sent: new Map(), running: new Map(), failures: [] };
  const rv = (await must<ItemList<Pod>>(c.api, "GET", `${PODS}?limit=1`, 200)).metadata.resourceVersion;
  const rv0 = Number(rv);
  const stream = await watchEvents<Pod>({
    origin: c.api.origin,
    headers: c.api.headers,
    path: `${PODS}?${new URLSearchParams({ labelSelector: `bench-run=${run}` })}`,
    resourceVersion: rv,
    onEvent(event, at) {
      const name = event.object.metadata.name;
      if (event.type !== "DELETED" && event.object.status?.phase === "Running" && !tracker.running.has(name)) tracker.running.set(name, at);
    },
  });
  try {
    const names = Array.from({ length: o.pods }, (_, i) => `${run}-${i}`);
    log(`${runtime}: creating ${o.pods} pods at ${o.rate}/s`);
    const sched = await schedWindow({ agent: agent.pid, workerd: c.api.server.pid });
    const busy = await machineBusyWindow();
    await createPaced(c, tracker, names, o.rate, (n) => podFor(runtime, n, node, run));
    const allRunning = await waitRunning(tracker, names, RUNNING_LIMIT_MS);
    const cpu = await sched();
    const machineBusy = await busy();
    const latency = latencies(tracker, names);
    const stages = breakdown(tracker, names, await podStages(c.api.server.db, rv0));
    log(`${runtime}: ${latency.running} of ${o.pods} Running; p50 ${latency.fromSend.p50.toFixed(0)} ms, p99 ${latency.fromSend.p99.toFixed(0)} ms`);

    // Up to the node's capacity for the memory figure.
    const more = Array.from({ length: Math.max(0, MEMORY_PODS - o.pods) }, (_, i) => `${run}-${o.pods + i}`);
    await createPaced(c, tracker, more, o.rate, (n) => podFor(runtime, n, node, run));
    const all = [...names, ...more];
    const full = await waitRunning(tracker, all, RUNNING_LIMIT_MS);
    log(`${runtime}: ${all.filter((n) => tracker.running.has(n)).length} pods Running; sampling the agent's RSS`);
    await sleep(5_000);
    const fullRss = summarize(await rssSamples(agent, 10, 1_000));
    const teardown = await tearDown(c, run, agent, rt);
    const leftovers = await removeLeftovers(rt);
    return {
      runtime,
      pods: o.pods,
      rate: o.rate,
      ...latency,
      stages,
      allRunning,
      cpu,
      machineBusy,
      idleRss,
      fullRss,
      fullPods: all.filter((n) => tracker.running.has(n)).length,
      full,
      notes: [...tracker.failures.slice(0, 5), ...stream.errors.slice(0, 5), ...(teardown ? [teardown] : []), ...(leftovers ? [`${leftovers} containers or sandboxes were left after the agent stopped and were removed`] : [])],
    };
  } finally {
    await stream.stop();
  }
}

function latencies(t: Tracker, names: string[]): { fromSend: Summary; fromResponse: Summary; running: number } {
  const fromSend: number[] = [];
  const fromResponse: number[] = [];
  for (const n of names) {
    const at = t.running.get(n);
    const s = t.sent.get(n);
    if (at === undefined || !s) continue;
    fromSend.push(at - s.t0);
    if (s.t1 !== undefined) fromResponse.push(at - s.t1);
  }
  return { fromSend: summarize(fromSend), fromResponse: summarize(fromResponse), running: fromSend.length };
}

/**
 * What any agent's RSS starts from: Node running an idle script, and Node with tsx's loader
 * running an idle TypeScript file (the shipped command runs the agent that way).
 */
async function rssFloors(dir: string): Promise<{ node: number; tsx: number }> {
  const file = join(dir, "idle.ts");
  await writeFile(file, "const forever: number = 1e9;\nsetTimeout(() => {}, forever);\n");
  const measure = async (args: string[]): Promise<number> => {
    const children = new Children();
    const child = children.spawn("idle node", process.execPath, args, { cwd: PROJECT_DIR, env: process.env, onLine: () => {} });
    try {
      await sleep(4_000);
      return await processRssBytes(child.process.pid);
    } finally {
      await children.stopAll();
    }
  };
  return { node: await measure(["-e", "setTimeout(() => {}, 1e9)"]), tsx: await measure(["--import", "tsx", file]) };
}

/** performance.now() as epoch ms, to compare with the Worker's clock in the changelog (one machine, one clock). */
const epoch = (t: number): number => performance.timeOrigin + t;

/**
 * Where each pod's startup went, from the changelog's times (the Worker's clock at each write)
 * between the client's send and its watch event: the API's create, the scheduler's binding, the
 * agent's start up to its status write, and the watch delivering that write.
 */
function breakdown(t: Tracker, names: string[], stages: Map<string, PodStages>): Record<StageName, Summary> {
  const out: Record<StageName, number[]> = { create: [], schedule: [], agent: [], watch: [] };
  for (const n of names) {
    const s = stages.get(`default/${n}`);
    const sent = t.sent.get(n);
    const seen = t.running.get(n);
    if (!s || !sent || seen === undefined || s.created === undefined || s.bound === undefined || s.running === undefined) continue;
    out.create.push(s.created - epoch(sent.t0));
    out.schedule.push(s.bound - s.created);
    out.agent.push(s.running - s.bound);
    out.watch.push(epoch(seen) - s.running);
  }
  return { create: summarize(out.create), schedule: summarize(out.schedule), agent: summarize(out.agent), watch: summarize(out.watch) };
}

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { runtimes: { type: "string" }, pods: { type: "string" }, rate: { type: "string" }, tsx: { type: "boolean" }, "no-append": { type: "boolean" } },
  });
  const runtimes = (values.runtimes ?? "simulated,process,podman").split(",").map((r) => r.trim()) as RuntimeName[];
  for (const r of runtimes) if (!["simulated", "process", "podman"].includes(r)) throw new Error(`--runtimes takes simulated, process, podman; not "${r}"`);
  const pods = Number(values.pods ?? 100);
  const rate = Number(values.rate ?? 10);
  if (!(pods >= 1 && pods <= MEMORY_PODS)) throw new Error(`--pods must be 1..${MEMORY_PODS}`);
  if (!(rate > 0)) throw new Error("--rate must be positive");
  return { runtimes, pods, rate, tsx: Boolean(values.tsx), append: !values["no-append"] };
}

async function main(o: ReturnType<typeof options>, cleanup: Cleanup, stateRoot: string): Promise<void> {
  const started = performance.now();
  const machine = await describeMachine();
  const loadStart = loadavg()[0];
  if (loadStart > Number(machine.cpus) / 2) log(`warning: load average ${loadStart.toFixed(1)} on ${machine.cpus} CPUs; figures will be high`);
  log("building the Worker (wrangler deploy --dry-run)");
  const scriptPath = await buildApiWorker(join(BENCH_DIR, ".state", "build"), log);
  const cluster = await startCluster(scriptPath, stateRoot);
  cleanup.add(() => cluster.api.close());
  log(`API on ${cluster.api.origin}`);
  const command = o.tsx ? undefined : [await bundleAgent(PROJECT_DIR, join(BENCH_DIR, ".state", "agent-bundle"))];
  const results: AgentResults = {
    date: new Date(),
    machine,
    load: { start: loadStart, end: NaN },
    revision: await describeRevision(),
    versions: describeVersions(),
    totalSeconds: NaN,
    agentFrom: o.tsx ? "tsx" : "bundle",
    floors: await rssFloors(stateRoot),
    runtimes: [],
  };
  for (const runtime of o.runtimes) {
    if (runtime === "podman" && !(await podmanAvailable())) {
      const why = "Podman's service does not answer on its socket (run scripts/podman-setup.sh): skipped";
      log(`podman: ${why}`);
      results.runtimes.push({ runtime, skipped: why });
      continue;
    }
    // Each runtime's agent is stopped (and its containers removed) before the next starts; the
    // run's cleanup reaches it too if the run is cut short.
    const own = new Cleanup();
    cleanup.add(() => own.run());
    try {
      results.runtimes.push(await runtimeBench(cluster, runtime, { ...o, command }, own));
    } catch (err) {
      // One runtime's failure is reported with the others' figures, not instead of them.
      log(`${runtime} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      results.runtimes.push({ runtime, skipped: `failed: ${err instanceof Error ? err.message : String(err)}` });
      process.exitCode = 1;
    } finally {
      await own.run();
    }
  }
  results.load.end = loadavg()[0];
  results.totalSeconds = (performance.now() - started) / 1000;
  const text = markdown(results);
  console.log(`\n${text}`);
  if (o.append) {
    await appendSection(RESULTS, text);
    log(`appended to ${RESULTS}`);
  }
}

const o = options(process.argv.slice(2));
await runBounded("agent", RUN_LIMIT_MS, (cleanup, stateRoot) => main(o, cleanup, stateRoot));
