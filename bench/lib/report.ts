// The results of `npm run bench:api`: one table for the terminal and the same figures appended
// to bench/RESULTS.md as a dated section, with the verdict on the targets.
import { appendFile, readFile } from "node:fs/promises";
import type { LoadResult } from "./load";
import type { Machine, Revision } from "./machine";
import { ms, type Summary } from "./stats";
import type { WatchBenchResult } from "./watch";

export interface Side {
  /** 32 clients. */
  creates: LoadResult;
  gets: LoadResult;
  /** One client: the service time of one request with no queueing. */
  serialCreates: LoadResult;
  serialGets: LoadResult;
}

export interface BenchResults {
  date: Date;
  machine: Machine;
  /** 1-minute load average before and after the run: other work on the machine lowers every figure. */
  load: { start: number; end: number };
  revision: Revision;
  versions: string;
  clients: number;
  api: Side;
  /** API creates with dryRun=All: decoding, defaulting, validation, managed fields, no store write. */
  dryRun: LoadResult;
  /**
   * API creates of pods for edgeplane's scheduler, which follows each with writes of its own (the
   * bench has no nodes: PodScheduled=False and a FailedScheduling Event), and what they set off.
   */
  scheduled: { creates: LoadResult; revisionsPerCreate: number; settleMs: number };
  floor: Side;
  list: { size: number; latency: Summary; bytes: number };
  watch: WatchBenchResult;
  totalSeconds: number;
}

export const TARGETS = { createRatio: 0.7, createP99Ms: 150, watchP99Ms: 100 };

export interface Verdict {
  creates: boolean;
  watch: boolean;
  lines: string[];
}

export function verdict(r: BenchResults): Verdict {
  const ratio = r.api.creates.perSecond / r.floor.creates.perSecond;
  const p99 = r.api.creates.latency.p99;
  const scheduled = r.scheduled.creates;
  const creates = ratio >= TARGETS.createRatio && p99 <= TARGETS.createP99Ms;
  const w = r.watch.fromSend.p99;
  const watch = w <= TARGETS.watchP99Ms && r.watch.missing === 0 && r.watch.errors.length === 0;
  const said = (ok: boolean) => (ok ? "**met**" : "**not met**");
  return {
    creates,
    watch,
    lines: [
      `Creates at ≥ ${TARGETS.createRatio}× the floor with p99 ≤ ${TARGETS.createP99Ms} ms: ${said(creates)} ` +
        `(${ratio.toFixed(2)}× the floor, p99 ${ms(p99)} ms). With the scheduler following every create (${r.scheduled.revisionsPerCreate.toFixed(2)} revisions per create): ` +
        `${(scheduled.perSecond / r.floor.creates.perSecond).toFixed(2)}× the floor, p99 ${ms(scheduled.latency.p99)} ms.`,
      `Watch delivery p99 ≤ ${TARGETS.watchP99Ms} ms (from the POST being sent, to ${r.watch.watchers} watchers): ${said(watch)} ` +
        `(p99 ${ms(w)} ms` +
        (r.watch.missing ? `, ${r.watch.missing} events never arrived` : "") +
        (r.watch.errors.length ? `, stream errors: ${r.watch.errors.join("; ")}` : "") +
        `).`,
    ],
  };
}

const rate = (l: LoadResult) => `${l.perSecond.toFixed(0)}/s`;
const lat = (s: Summary) => `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`;
const count = (l: LoadResult) => `${l.done} in ${(l.elapsedMs / 1000).toFixed(1)} s`;
const cpu = (l: LoadResult) => ms(l.serverCpuMs);

/** The share of one core workerd used during a phase (CPU per request times requests per second). */
const core = (l: LoadResult) => (l.serverCpuMs * l.perSecond) / 1000;

/** Whether the server's own CPU or the machine set the pace of the creates. */
function pace(r: BenchResults): string {
  const [api, floor] = [core(r.api.creates), core(r.floor.creates)];
  const line =
    `- workerd (one thread for the Worker, its Durable Objects and D1) used ${(api * 100).toFixed(0)}% of a core during the API's creates ` +
    `and ${(floor * 100).toFixed(0)}% during the floor's`;
  return Math.max(api, floor) < 0.8 ? `${line}: well under one core, so its own CPU was not what limited the rate (other processes on the machine, I/O or the clients were); compare runs by CPU per request.` : `${line}.`;
}

/** [measure, throughput, latency p50 / p99 / max in ms, workerd CPU ms per request, sample]. */
export function rows(r: BenchResults): string[][] {
  const { api, floor, watch, list } = r;
  const d1 = floor.creates.header;
  return [
    [`API pod creates (${r.clients} clients; no scheduler follows)`, rate(api.creates), lat(api.creates.latency), cpu(api.creates), count(api.creates)],
    [`API pod gets (${r.clients} clients)`, rate(api.gets), lat(api.gets.latency), cpu(api.gets), count(api.gets)],
    [`API LIST of ${list.size} pods (1 client)`, "", lat(list.latency), "", `${list.latency.count} lists, ${(list.bytes / 1024).toFixed(0)} KiB each`],
    [`Watch delivery from POST sent (${watch.watchers} watchers)`, "", lat(watch.fromSend), "", `${watch.events} events × ${watch.watchers}`],
    [`Watch delivery from POST response`, "", lat(watch.fromResponse), "", `missing ${watch.missing}`],
    [`D1 floor creates (${r.clients} clients)`, rate(floor.creates), lat(floor.creates.latency), cpu(floor.creates), count(floor.creates)],
    [`D1 floor gets (${r.clients} clients)`, rate(floor.gets), lat(floor.gets.latency), cpu(floor.gets), count(floor.gets)],
    ...scheduledRows(r),
    [`API pod creates with dryRun=All (${r.clients} clients)`, rate(r.dryRun), lat(r.dryRun.latency), cpu(r.dryRun), count(r.dryRun)],
    [`API / floor creates/s`, `${(api.creates.perSecond / floor.creates.perSecond).toFixed(2)}×`, "", "", ""],
    [`Floor / API workerd CPU per create`, `${(floor.creates.serverCpuMs / api.creates.serverCpuMs).toFixed(2)}×`, "", "", "the creates/s ratio when workerd's CPU is the limit"],
    [`API / floor gets/s`, `${(api.gets.perSecond / floor.gets.perSecond).toFixed(2)}×`, "", "", ""],
    [`API create, 1 client`, rate(api.serialCreates), lat(api.serialCreates.latency), cpu(api.serialCreates), count(api.serialCreates)],
    [`Floor create, 1 client`, rate(floor.serialCreates), lat(floor.serialCreates.latency), cpu(floor.serialCreates), count(floor.serialCreates)],
    [`API get, 1 client`, rate(api.serialGets), lat(api.serialGets.latency), cpu(api.serialGets), count(api.serialGets)],
    [`Floor get, 1 client`, rate(floor.serialGets), lat(floor.serialGets.latency), cpu(floor.serialGets), count(floor.serialGets)],
    [`D1 SQL time per create batch (floor, as D1 reports it)`, "", d1 ? lat(d1) : "not reported", "", ""],
  ];
}

function scheduledRows(r: BenchResults): string[][] {
  const { creates, revisionsPerCreate, settleMs } = r.scheduled;
  const sustained = (creates.done / (creates.elapsedMs + settleMs)) * 1000;
  return [
    [`API pod creates the scheduler follows (${r.clients} clients)`, rate(creates), lat(creates.latency), cpu(creates), count(creates)],
    [`  revisions per create (its own and the scheduler's writes)`, revisionsPerCreate.toFixed(2), "", "", ""],
    [`  creates/s incl. the scheduler's catch-up`, `${sustained.toFixed(0)}/s`, "", "", `quiet ${(settleMs / 1000).toFixed(1)} s after the last create`],
    [`  / floor creates/s`, `${(creates.perSecond / r.floor.creates.perSecond).toFixed(2)}×`, "", "", ""],
  ];
}

const HEAD = ["measure", "throughput", "p50 / p99 / max ms", "workerd CPU ms/req", "sample"];

export function textTable(r: BenchResults): string {
  const all = [HEAD, ...rows(r)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

export function markdown(r: BenchResults): string {
  const { machine, revision } = r;
  const table = [HEAD, HEAD.map(() => "---"), ...rows(r)].map((row) => `| ${row.join(" | ")} |`).join("\n");
  return [
    `## API (issue [1 of 6]) — ${r.date.toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `- Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory} memory; Node ${machine.node}; ${r.versions}. ` +
      `Load average (1 min) ${r.load.start.toFixed(1)} before the run, ${r.load.end.toFixed(1)} after.`,
    `- Commit: ${revision.commit}${revision.dirty ? " (the working tree had uncommitted changes under src/, migrations/ or the config: these figures are for that tree)" : ""}.`,
    `- Setup: the Worker served directly on Miniflare (no wrangler dev proxy), D1 and Durable Objects persisted to a temp dir; ` +
      `${r.clients} keep-alive clients (undici Agent) in one Node process on the same machine; run took ${r.totalSeconds.toFixed(0)} s.`,
    pace(r),
    "",
    table,
    "",
    ...verdict(r).lines.map((l) => `- ${l}`),
    "",
  ].join("\n");
}

export async function appendResults(path: string, r: BenchResults): Promise<void> {
  await appendSection(path, markdown(r));
}

/** Appends a markdown section to RESULTS.md, starting the file with its heading if it is new. */
export async function appendSection(path: string, section: string): Promise<void> {
  const existing = await readFile(path, "utf8").catch(() => "");
  const intro = existing
    ? ""
    : "# Benchmark results\n\nAppended by the benchmarks in this folder, newest last. See docs/benchmarks.md for how to read them.\n\n";
  await appendFile(path, `${intro}${existing && !existing.endsWith("\n\n") ? "\n" : ""}${section}`);
}
