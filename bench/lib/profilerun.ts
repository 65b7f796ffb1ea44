// `npm run bench:api -- --profile`: where the time of a create and of a get goes. Runs the same
// 32-client create and get phases as the benchmark against the API and against the D1 floor with
// workerd's CPU profiler on, and prints CPU per request in the Worker's isolate (the API's code,
// its Durable Objects included) and in the D1 simulator's isolate (D1's code and SQLite), with the
// sources and functions that take it. The profiler slows the server, so nothing is appended to
// RESULTS.md; the .cpuprofile files are kept in bench/.state/profiles for DevTools.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "../../src/cli/ports";
import type { Call } from "./load";
import { breakdown, loadBundleMap, record, saveProfile, type Breakdown } from "./profile";
import { ms } from "./stats";
import { CLIENTS, phase, startApi, startFloor, type Limits, type Target } from "./targets";

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
  console.log(`\n${report.join("\n\n")}\n\nProfiles: ${o.outDir} (open in Chrome DevTools, Performance panel).`);
}
