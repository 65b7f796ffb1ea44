// The results of `npm run bench:cluster` as a dated section of bench/RESULTS.md (also printed),
// each figure beside its target from issue [2 of 6] and a plain met / not met.
import type { Machine, Revision } from "../lib/machine";
import type { SchedTime } from "../lib/proc";
import { ms } from "../lib/stats";
import { describeRows } from "../lib/changelog";
import type { ConvergenceResult } from "./convergence";
import type { IdleResult } from "./idle";
import type { SchedulerResult } from "./scheduler";

export const TARGETS = { bindsPerSecond: 2_000, convergeSeconds: 30 };

export interface ClusterResults {
  date: Date;
  machine: Machine;
  load: { start: number; end: number };
  revision: Revision;
  versions: string;
  totalSeconds: number;
  scheduler?: SchedulerResult;
  convergence?: ConvergenceResult;
  idle?: IdleResult;
  /** Parts that failed, with why. */
  failures: Partial<Record<"scheduler" | "convergence" | "idle", string>>;
}

const said = (ok: boolean): string => (ok ? "**met**" : "**not met**");
const s1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : "n/a");
const n0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : "n/a");
const table = (rows: string[][]): string[] => [`| ${rows[0].join(" | ")} |`, `| ${rows[0].map(() => "---").join(" | ")} |`, ...rows.slice(1).map((r) => `| ${r.join(" | ")} |`)];
/** "12.3 s CPU (+4.5 s waiting for one)": how much a process ran, and how long it was ready to but the machine was busy. */
const cpu = (t: SchedTime): string => `${s1(t.runMs / 1000)} s (+${s1(t.waitMs / 1000)} s waiting for a CPU)`;
const writes = (rows: Map<string, number>): string => describeRows(rows).join(", ") || "none";

function scheduler(r: SchedulerResult): string[] {
  const o = r.options;
  const b = r.backlog;
  const backlogRate = b.bound / b.wallSeconds;
  const endToEnd = r.bound / r.firstCreateToLastBindS;
  const bindRate = r.bound / r.bindWindowS;
  const ok = backlogRate >= TARGETS.bindsPerSecond && b.complete;
  return [
    `### Scheduler: ${o.nodes} simulated nodes, ${o.pods} pending pods`,
    "",
    `One simulated agent (lease renewal every ${o.leaseIntervalS} s) registered the nodes in ${s1(r.registerSeconds)} s. ` +
      `Then ${b.pods} pending bare pods (requests 10m cpu, 16Mi) were stored straight into D1 in the API's stored form (${s1(b.storeSeconds)} s, waking no one) ` +
      `and one pod created through the API woke the scheduler, which read, placed and bound them all through the store (the target's shape). ` +
      `Then, for comparison, ${o.pods} more pods were created through the API by 32 clients as fast as it answered while the scheduler bound them and the agent ran them. ` +
      `Times are the changelog's (the Worker's clock at each write).`,
    "",
    ...table([
      ["measure", "value"],
      [`backlog: ${b.pods} pending pods bound`, `${b.bound}${b.complete ? "" : " (incomplete)"}`],
      ["backlog: waking create sent → every pod seen bound (polled every 100 ms)", `${s1(b.wallSeconds)} s: **${n0(backlogRate)} pods bound/s**`],
      ["backlog: waking create → first / last binding (changelog times)", `${s1(b.wakeToFirstBindS)} s / ${s1(b.wakeToLastBindS)} s; best second ${b.peakBindsPerSecond}`],
      ["backlog: CPU, workerd / agent", `${cpu(b.cpu.workerd)} / ${cpu(b.cpu.agent)}`],
      ["backlog: D1 writes (changelog rows)", `${b.writes.total}: ${writes(b.writes.rows)}`],
      ["creates through the API: pods created / bound", `${r.created} / ${r.bound}${r.complete ? "" : " (incomplete)"}`],
      ["creates (32 clients)", `${(r.created / r.createSeconds).toFixed(0)}/s over ${s1(r.createSeconds)} s, latency p50 ${ms(r.createLatency.p50)} / p99 ${ms(r.createLatency.p99)} ms`],
      ["first create → last binding", `${s1(r.firstCreateToLastBindS)} s: ${n0(endToEnd)} pods bound/s`],
      ["binding rate over the binding window (first → last binding)", `${n0(bindRate)}/s over ${s1(r.bindWindowS)} s; best second ${r.peakBindsPerSecond}`],
      ["create → binding per pod", `p50 ${ms(r.bindLag.p50)} / p99 ${ms(r.bindLag.p99)} / max ${ms(r.bindLag.max)} ms`],
      ["most pods created but not yet bound (end of a second)", String(r.maxBacklog)],
      ["scheduler stats() at the end", `bound ${r.scheduler.bound}, pending ${r.scheduler.pending}, unschedulable ${r.scheduler.unschedulable}`],
      ["CPU in the window: workerd / agent / bench clients", `${cpu(r.cpu.workerd)} / ${cpu(r.cpu.agent)} / ${cpu(r.cpu.bench)}`],
      ["workerd CPU per pod (its create, binding, Event, status, watch)", `${ms(r.cpu.workerd.runMs / Math.max(1, r.bound))} ms: at most ${n0((1000 * r.bound) / r.cpu.workerd.runMs)} pods/s with a core to itself`],
      ["D1 writes in the window (changelog rows)", `${r.writes.total}: ${writes(r.writes.rows)}`],
    ]),
    "",
    `- Target ≥ ${TARGETS.bindsPerSecond} pods bound/s (${b.pods} pending pods, the waking create sent to every pod seen bound): ${said(ok)} (${n0(backlogRate)}/s).`,
    `- With the pods created through the API meanwhile (first create to last binding): ${n0(endToEnd)}/s, which is the creates' rate when the backlog stays small.`,
    "",
  ];
}

function convergence(r: ConvergenceResult): string[] {
  const o = r.options;
  const ok = r.converged && r.seconds <= TARGETS.convergeSeconds;
  const st = r.stages;
  return [
    `### Convergence: a Deployment of ${o.replicas} replicas on ${o.nodes} simulated nodes`,
    "",
    `One simulated agent (lease renewal every ${o.leaseIntervalS} s, pods Running and Ready at once) registered the nodes in ${s1(r.registerSeconds)} s; ` +
      `then one POST of the Deployment, and its status read every 0.5 s until availableReplicas = ${o.replicas} (limit ${o.limitMs / 1000} s).`,
    "",
    ...table([
      ["measure", "value"],
      ["POST → availableReplicas = replicas", r.converged ? `**${s1(r.seconds)} s**` : `not reached in ${s1(r.seconds)} s (available ${r.last.availableReplicas ?? 0})`],
      ["last pod created / bound / Running (s after the POST)", `${s1(st.created)} / ${s1(st.bound)} / ${s1(st.running)} (${st.podsCreated} / ${st.podsBound} / ${st.podsRunning} pods)`],
      ["the Deployment's POST answered after", `${s1(r.postSeconds)} s`],
      ["status polls unanswered (60 s timeout) / longest time without an answer", `${r.unanswered} / ${s1(r.longestSilenceS)} s`],
      ["availableReplicas over time [s, available]", thin(r.progress, 24).map(([s, a]) => `[${s}, ${a}]`).join(" ")],
      ["Deployment reconciler", `${r.deployment.passes} passes, ${r.deployment.failures} failing now`],
      ["ReplicaSet reconciler", `${r.replicaSet.passes} passes, ${r.replicaSet.failures} failing now`],
      ["pods watch hub: changes delivered as handed over / read from the log", `${r.podsHub.handed} / ${r.podsHub.read} (${r.podsHub.watchers} watchers at the end)`],
      ["CPU in the window: workerd / agent", `${cpu(r.cpu.workerd)} / ${cpu(r.cpu.agent)}`],
      ["D1 writes in the window (changelog rows)", `${r.writes.total}: ${writes(r.writes.rows)}`],
      // workerd runs the Worker, its Durable Objects and D1 on one thread: at 100% of a core this sets the time.
      ["workerd CPU per changelog row (reads, fan-out and D1 included)", r.writes.total ? `${(r.cpu.workerd.runMs / r.writes.total).toFixed(2)} ms` : "n/a"],
    ]),
    "",
    `- Target ≤ ${TARGETS.convergeSeconds} s: ${said(ok)} (${r.converged ? `${s1(r.seconds)} s` : `not converged within ${s1(r.seconds)} s`}).`,
    "",
  ];
}

/** At most `n` evenly spaced samples and the last one: a long run's progress in one table cell. */
function thin<T>(samples: readonly T[], n: number): T[] {
  if (samples.length <= n) return [...samples];
  const step = samples.length / n;
  const out = Array.from({ length: n }, (_, i) => samples[Math.floor(i * step)]);
  return [...out, samples[samples.length - 1]];
}

const LEASES = "coordination.k8s.io/leases ";

function idle(r: IdleResult): string[] {
  const o = r.options;
  const notLeases = [...r.writes].filter(([k]) => !k.startsWith(LEASES)).reduce((s, [, n]) => s + n, 0);
  const passes = Object.entries(r.passes);
  const totalPasses = passes.filter(([k]) => k !== "nodes").reduce((s, [, p]) => s + p.passes, 0);
  const nodePasses = r.passes.nodes?.passes ?? 0;
  const alarms = passes.reduce((s, [, p]) => s + Math.max(p.alarmsAtEnd, p.alarmsAtStart), 0);
  const ok = notLeases === 0 && totalPasses === 0 && nodePasses === 0 && alarms === 0;
  const short = o.minutes < 10 ? ` (a shortened window: the issue asks for 10 minutes)` : "";
  return [
    `### Idle: ${o.deployments} converged Deployments × ${o.replicas} replicas on ${o.nodes} simulated nodes, ${s1(r.windowSeconds / 60)} minutes${short}`,
    "",
    `The Deployments converged in ${s1(r.convergeSeconds)} s; the window started once only leases had been written for 20 s` +
      `${r.settled ? "" : " (it never got that quiet within 3 minutes: the window started anyway)"}. ` +
      `The cron trigger was fired at every minute (${r.cronRuns} runs${r.cronErrors.length ? `, errors: ${r.cronErrors.join("; ")}` : ""}); ` +
      `the reconcilers' stats() were read every ${o.statsEveryMs / 1000} s; the agent renewed each node's Lease every ${o.leaseIntervalS} s.`,
    "",
    ...table([
      ["measure", "value"],
      ["D1 writes (changelog rows) by resource", writes(r.writes)],
      ["of which not Leases", String(notLeases)],
      ["tables that moved", r.otherTables.join("; ") || "none"],
      ...passes.map(([kind, p]) => [
        `${kind} reconcilers (${p.objects})`,
        `${p.passes} passes in ${p.busy} objects, ${p.failures} failures; alarms set: ${p.alarmsAtStart} at the start, ${p.alarmsAtEnd} at the end` +
          (p.alarmsDueS ? ` (due ${p.alarmsDueS[0]} to ${p.alarmsDueS[1]} s after the window)` : ""),
      ]),
    ]),
    "",
    `- Target zero D1 writes and alarms apart from leases: ${said(ok)} (${notLeases} writes not Leases; ` +
      `${totalPasses} Deployment/ReplicaSet reconciler passes, ${nodePasses} Node reconciler passes; ${alarms} reconcilers with an alarm set at the start or the end).`,
    "",
  ];
}

export function markdown(r: ClusterResults): string {
  const { machine, revision } = r;
  return [
    `## Scheduler and reconciliation ([2 of 6]) — ${r.date.toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `- Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory} memory; Node ${machine.node}; ${r.versions}. ` +
      `Load average (1 min) ${r.load.start.toFixed(1)} before the run, ${r.load.end.toFixed(1)} after (other work shares this machine).`,
    `- Commit: ${revision.commit}${revision.dirty ? " (the working tree had uncommitted changes under src/, migrations/ or the config: these figures are for that tree)" : ""}.`,
    `- Setup: \`npm run bench:cluster\`: the Worker served directly on Miniflare (fresh D1 and Durable Objects per part), ` +
      `\`edgeplane agent --runtime simulated\` from its bundle (as bin/edgeplane.mjs runs it) as a child process over http on loopback; run took ${r.totalSeconds.toFixed(0)} s.`,
    "",
    ...(r.scheduler ? scheduler(r.scheduler) : []),
    ...(r.convergence ? convergence(r.convergence) : []),
    ...(r.idle ? idle(r.idle) : []),
    ...Object.entries(r.failures).flatMap(([part, why]) => [`### ${part}: failed`, "", `The part stopped with an error: ${why}`, ""]),
  ].join("\n");
}
