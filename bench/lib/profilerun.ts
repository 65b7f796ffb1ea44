// `npm run bench:api -- --profile`: where the time of a create and of a get goes. Runs the same
// 32-client create and get phases as the benchmark against the API and against the D1 floor with
// workerd's CPU profiler on, and prints CPU per request in the Worker's isolate (the API's code,
// its Durable Objects included) and in the D1 simulator's isolate (D1's code and SQLite), with the
// sources and functions that take it. The profiler slows the server, so nothing is appended to
// RESULTS.md; the .cpuprofile files are kept in bench/.state/profiles for DevTools. Last, a build
// that counts D1 calls by caller (bench/lib/d1count.ts) says which part of the system makes them.
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { freePort } from "../../src/cli/ports";
import type { Call } from "./load";
import { buildCountingWorker, describeCounts, readCounts } from "./d1count";
import { breakdown, loadBundleMap, record, saveProfile, type Breakdown } from "./profile";
import { ms } from "./stats";
import { CLIENTS, PODS, phase, startApi, startFloor, type Limits, type Target } from "./targets";

const WARMUP: Limits = { count: 300, maxMs: 15_000 };
const CREATES: Limits = { count: 2_000, maxMs: 15_000 };
const GETS: Limits = { count: 3_000, maxMs: 10_000 };
const TOP = 12;

/** Inspector ids: the user Worker's isolate and the D1 simulator's (see workerd's /json list). */
const WORKER = "core:user:bench";
const D1 = "d1:db";

export interface ProfileRunOptions {
  apiScript: string;
  floorScript: string;
  outDir: string;
  log(line: string): void;
  track(t: Target): void;
}

interface Profiled {
  report: string;
  done: number;
}

async function profiled(t: Target, port: number, name: string, limits: Limits, call: (i: number) => Call, o: ProfileRunOptions): Promise<Profiled> {
  const recording = await record(port, [WORKER, D1]);
  const load = await phase(t, CLIENTS, limits, call);
  const profiles = await recording.stop();
  const bundle = await loadBundleMap(t.label === "API" ? o.apiScript : o.floorScript);
  const lines = [
    `== ${t.label} ${name}: ${load.done} requests, ${load.perSecond.toFixed(0)}/s, p50 ${ms(load.latency.p50)} ms, p99 ${ms(load.latency.p99)} ms; ` +
      `workerd CPU ${ms(load.serverCpuMs)} ms per request (profiler included), clients ${ms(load.clientCpuMs)} ms`,
  ];
  for (const [target, profile] of profiles) {
    await saveProfile(join(o.outDir, `${t.label}-${name}-${target.replace(/:/g, "_")}.cpuprofile`), profile);
    lines.push(...describe(target === WORKER ? "Worker isolate" : "D1 isolate", breakdown(profile, target === WORKER ? bundle : undefined), load.done));
  }
  return { report: lines.join("\n"), done: load.done };
}

function describe(label: string, b: Breakdown, requests: number): string[] {
  const share = (x: number) => `${((x / b.attributedMs) * 100).toFixed(0)}%`.padStart(4);
  return [
    `  ${label}: ${ms(b.attributedMs / requests)} ms per request in its code and native calls (${((b.attributedMs / b.wallMs) * 100).toFixed(0)}% of ${(b.wallMs / 1000).toFixed(1)} s)`,
    `    by source: ${b.bySource.slice(0, TOP).map(([s, t]) => `${s} ${share(t)}`).join(", ")}`,
    `    top functions (self time):`,
    ...b.byFunction.slice(0, TOP).map(([f, t]) => `      ${share(t)}  ${ms(t / requests)} ms/req  ${f}`),
  ];
}

async function profileSide(t: Target, port: number, o: ProfileRunOptions): Promise<string[]> {
  o.log(`${t.label}: warm-up`);
  const warm = await phase(t, CLIENTS, WARMUP, (i) => t.create(`warm-${i}`));
  await phase(t, CLIENTS, WARMUP, (i) => t.get(`warm-${i % warm.done}`));
  o.log(`${t.label}: creates with the profiler on`);
  const creates = await profiled(t, port, "creates", CREATES, (i) => t.create(`bench-${i}`), o);
  o.log(`${t.label}: gets with the profiler on`);
  const gets = await profiled(t, port, "gets", GETS, (i) => t.get(`bench-${i % creates.done}`), o);
  return [creates.report, gets.report];
}

const COUNTED: Limits = { count: 500, maxMs: 30_000 };

/** D1 calls per create, get and dry-run create, by caller, from the counting build (no profiler). */
async function countD1(o: ProfileRunOptions): Promise<string> {
  o.log("building the D1-counting Worker");
  const script = await buildCountingWorker(join(dirname(o.outDir), "d1count"));
  const t = await startApi(script);
  o.track(t);
  try {
    await phase(t, CLIENTS, { count: 200, maxMs: 15_000 }, (i) => t.create(`warm-${i}`));
    await t.settle?.();
    await readCounts(t);
    const lines = ["== D1 calls per request, by caller (counting build, 32 clients; creates counted until the scheduler is done)"];
    const creates = await phase(t, CLIENTS, COUNTED, (i) => t.create(`bench-${i}`));
    await t.settle?.();
    lines.push(`  per pod create (${creates.done}):`, ...describeCounts(await readCounts(t), creates.done));
    const gets = await phase(t, CLIENTS, COUNTED, (i) => t.get(`bench-${i % creates.done}`));
    lines.push(`  per pod get (${gets.done}):`, ...describeCounts(await readCounts(t), gets.done));
    const dry = await phase(t, CLIENTS, COUNTED, (i) => ({ ...t.create(`dry-${i}`), path: `${PODS}?dryRun=All` }));
    lines.push(`  per dryRun=All create (${dry.done}):`, ...describeCounts(await readCounts(t), dry.done));
    return lines.join("\n");
  } finally {
    await t.close();
  }
}

export async function profileRun(o: ProfileRunOptions): Promise<void> {
  await mkdir(o.outDir, { recursive: true });
  const apiPort = await freePort();
  const api = await startApi(o.apiScript, apiPort);
  o.track(api);
  let storedPod: string;
  let report: string[];
  try {
    report = await profileSide(api, apiPort, o);
    storedPod = (await phase(api, 1, { count: 1, maxMs: 10_000 }, () => api.get("warm-0"))).lastBody;
  } finally {
    await api.close();
  }
  const floorPort = await freePort();
  const floor = await startFloor(o.floorScript, storedPod, floorPort);
  o.track(floor);
  try {
    report.push(...(await profileSide(floor, floorPort, o)));
  } finally {
    await floor.close();
  }
  report.push(await countD1(o));
  console.log(`\n${report.join("\n\n")}\n\nProfiles: ${o.outDir} (open in Chrome DevTools, Performance panel).`);
}
