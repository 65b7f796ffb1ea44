// The results of `npm run bench:agent` as a dated section of bench/RESULTS.md (also printed),
// each figure beside its target from issue [3 of 6] and a plain met / not met.
import type { Machine, Revision } from "../lib/machine";
import type { SchedTime } from "../lib/proc";
import { ms, type Summary } from "../lib/stats";

export type RuntimeName = "simulated" | "process" | "podman";

/** A pod's startup in stages (see bench/agent.ts breakdown). */
export type StageName = "create" | "schedule" | "agent" | "watch";

export interface RuntimeRun {
  runtime: RuntimeName;
  pods: number;
  rate: number;
  /** From just before each POST to the watch event showing the pod Running. */
  fromSend: Summary;
  /** From the POST's answer: a lower bound. */
  fromResponse: Summary;
  running: number;
  /** Per stage, ms: POST sent → ADDED written, → bound, → Running written by the agent, → the watch event here. */
  stages: Record<StageName, Summary>;
  allRunning: boolean;
  /** CPU and run-queue wait of the agent and workerd while the pods were created and started. */
  cpu: Record<"agent" | "workerd", SchedTime>;
  /** How busy the machine's CPUs were over the same window, 0..1 (Podman and its helpers count here). */
  machineBusy: number;
  idleRss: Summary;
  fullRss: Summary;
  /** Pods Running when the full RSS was sampled, and whether all 110 were. */
  fullPods: number;
  full: boolean;
  notes: string[];
}

export type RuntimeResult = RuntimeRun | { runtime: RuntimeName; skipped: string };

export interface AgentResults {
  date: Date;
  machine: Machine;
  load: { start: number; end: number };
  revision: Revision;
  versions: string;
  totalSeconds: number;
  /** How the agent ran: through tsx (as bin/edgeplane.mjs runs it) or from an esbuild bundle. */
  agentFrom: "tsx" | "bundle";
  /** RSS of Node idle, and of Node with tsx's loader idle (bytes). */
  floors: { node: number; tsx: number };
  runtimes: RuntimeResult[];
}

/** p99 targets (ms); the process runtime has none in the issue and is measured for comparison. */
export const TARGETS: Record<RuntimeName, number | undefined> & { rssMB: number } = { podman: 2_000, simulated: 500, process: undefined, rssMB: 100 };

const stage = (s: Summary): string => `${ms(s.p50)} / ${ms(s.p99)}`;
const said = (ok: boolean): string => (ok ? "**met**" : "**not met**");
const mb = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(0) : "n/a");
const cpu = (t: SchedTime): string => `${(t.runMs / 1000).toFixed(1)} s (+${(t.waitMs / 1000).toFixed(1)} s waiting)`;

function rows(r: RuntimeRun): string[] {
  return [
    `| ${r.runtime} | ${ms(r.fromSend.p50)} / **${ms(r.fromSend.p99)}** / ${ms(r.fromSend.max)} | ${ms(r.fromResponse.p50)} / ${ms(r.fromResponse.p99)} | ` +
      `${r.running} / ${r.pods} | ${cpu(r.cpu.agent)} | ${cpu(r.cpu.workerd)} | ${(r.machineBusy * 100).toFixed(0)}% | ${mb(r.idleRss.max)} | **${mb(r.fullRss.max)}** (${r.fullPods} pods) |`,
  ];
}

function verdicts(r: RuntimeResult): string[] {
  if ("skipped" in r) return [`- ${r.runtime}: ${r.skipped}.`];
  const target = TARGETS[r.runtime];
  const out: string[] = [];
  if (target !== undefined) {
    const ok = r.allRunning && r.fromSend.p99 <= target;
    out.push(`- ${r.runtime}: startup p99 ≤ ${target} ms: ${said(ok)} (p99 ${ms(r.fromSend.p99)} ms${r.allRunning ? "" : `; only ${r.running} of ${r.pods} pods were Running`}).`);
  } else {
    out.push(`- ${r.runtime}: startup p99 ${ms(r.fromSend.p99)} ms (no target in the issue; for comparison).`);
  }
  const rssOk = r.full && r.fullRss.max < TARGETS.rssMB * 2 ** 20;
  out.push(`- ${r.runtime}: agent RSS with 110 pods < ${TARGETS.rssMB} MB: ${said(rssOk)} (${mb(r.fullRss.max)} MB at most${r.full ? "" : `, with ${r.fullPods} pods Running only`}).`);
  for (const note of r.notes) out.push(`  - note: ${note}`);
  return out;
}

export function markdown(r: AgentResults): string {
  const { machine, revision } = r;
  const runs = r.runtimes.filter((x): x is RuntimeRun => !("skipped" in x));
  const first = runs[0];
  return [
    `## Agent ([3 of 6])${r.agentFrom === "tsx" ? ", agent through tsx" : ""} — ${r.date.toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `- Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory} memory; Node ${machine.node}; ${r.versions}. ` +
      `Load average (1 min) ${r.load.start.toFixed(1)} before the run, ${r.load.end.toFixed(1)} after (other work shares this machine).`,
    `- Commit: ${revision.commit}${revision.dirty ? " (the working tree had uncommitted changes under src/, migrations/ or the config: these figures are for that tree)" : ""}.`,
    `- Setup: \`npm run bench:agent\`: the Worker served directly on Miniflare; per runtime one \`edgeplane agent\` for one node (a child process, http on loopback); ` +
      `${first ? `${first.pods} bare pods created at ${first.rate}/s through the scheduler (nodeSelector to the node), then topped up to 110` : "no runtime ran"}. ` +
      `CPU figures cover the creates up to the last pod Running: the agent's and workerd's own time and, in brackets, the time they were ready to run but waited for a CPU; "machine CPUs busy" is all of the machine's. Startup is from just before each POST to the watch event showing the pod Running (scheduling, the agent's start and its status write included; ` +
      `creationTimestamp has whole seconds only). RSS is the agent's Node process, sampled every second for 10 s; ` +
      (r.agentFrom === "tsx"
        ? `the agent ran through tsx's loader (--tsx), for comparison with the shipped command. `
        : `the agent ran from its esbuild bundle with plain Node, as bin/edgeplane.mjs runs it. `) +
      `For scale: Node idle ${mb(r.floors.node)} MB, Node with tsx's loader idle ${mb(r.floors.tsx)} MB. ` +
      `Run took ${r.totalSeconds.toFixed(0)} s.`,
    "",
    "| runtime | startup from POST sent, p50 / p99 / max ms | from POST answered, p50 / p99 ms | Running / created | agent CPU | workerd CPU | machine CPUs busy | agent RSS idle, MB | agent RSS with 110 pods, MB |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...runs.flatMap(rows),
    "",
    "Where the startup went, per stage (p50 / p99 ms; the changelog's write times against the client's clock):",
    "",
    "| runtime | POST sent → pod stored | stored → bound (scheduler) | bound → Running written (agent: watch, start, status PATCH) | Running written → watch event here |",
    "| --- | --- | --- | --- | --- |",
    ...runs.map((x) => `| ${x.runtime} | ${stage(x.stages.create)} | ${stage(x.stages.schedule)} | ${stage(x.stages.agent)} | ${stage(x.stages.watch)} |`),
    "",
    ...r.runtimes.flatMap(verdicts),
    "",
  ].join("\n");
}
