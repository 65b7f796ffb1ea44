// CPU time of processes from /proc (Linux). workerd serves the Worker, its Durable Objects and the
// D1 simulator on one thread, so the CPU it spends per request is the server's whole cost of a
// request, and unlike throughput it hardly moves when other work shares the machine.
import { readdir, readFile } from "node:fs/promises";

// Linux reports utime and stime in clock ticks; USER_HZ is 100 on every Linux ABI Node runs on.
const TICKS_PER_SECOND = 100;

interface Stat {
  comm: string;
  ppid: number;
  cpuMs: number;
}

async function stat(pid: number): Promise<Stat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (!text) return undefined;
  // comm is in parentheses and may contain spaces: the other fields follow the last ')'.
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state): ppid is field 4, utime 14 and stime 15.
  return {
    comm: text.slice(text.indexOf("(") + 1, close),
    ppid: Number(fields[1]),
    cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND,
  };
}

/** The pids of this process's children with the given command name. */
export async function childPids(comm: string): Promise<number[]> {
  const entries = await readdir("/proc").catch(() => [] as string[]);
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const s = await stat(Number(entry));
    if (s && s.ppid === process.pid && s.comm === comm) pids.push(Number(entry));
  }
  return pids;
}

/** CPU time (user + system) a process has used so far, in ms; NaN when it cannot be read. */
export async function processCpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return NaN;
  return (await stat(pid))?.cpuMs ?? NaN;
}

/** Resident set size of a process in bytes (VmRSS from /proc); NaN when it cannot be read. */
export async function processRssBytes(pid: number | undefined): Promise<number> {
  if (pid === undefined) return NaN;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb === undefined ? NaN : Number(kb) * 1024;
}

export interface SchedTime {
  /** Time its threads ran on a CPU, ms. */
  runMs: number;
  /** Time its threads were ready to run but waited for a CPU (other processes had them), ms. */
  waitMs: number;
}

/**
 * CPU time and run-queue wait of all a process's threads, from /proc/<pid>/task/<tid>/schedstat
 * (ns). On a shared machine the wait says how much of a slow run was the machine's doing: a
 * thread that was never kept waiting ran as fast as it could.
 */
export async function processSchedTime(pid: number | undefined): Promise<SchedTime> {
  if (pid === undefined) return { runMs: NaN, waitMs: NaN };
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  let runNs = 0;
  let waitNs = 0;
  for (const tid of tasks) {
    const text = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => "");
    const [run, wait] = text.trim().split(/\s+/).map(Number);
    if (Number.isFinite(run)) runNs += run;
    if (Number.isFinite(wait)) waitNs += wait;
  }
  return tasks.length ? { runMs: runNs / 1e6, waitMs: waitNs / 1e6 } : { runMs: NaN, waitMs: NaN };
}

/** Starts a window over some processes; the function it returns gives each one's run and wait time within it. */
export async function schedWindow<K extends string>(pids: Record<K, number | undefined>): Promise<() => Promise<Record<K, SchedTime>>> {
  const keys = Object.keys(pids) as K[];
  const before = new Map<K, SchedTime>();
  for (const k of keys) before.set(k, await processSchedTime(pids[k]));
  return async () => {
    const out = {} as Record<K, SchedTime>;
    for (const k of keys) {
      const a = await processSchedTime(pids[k]);
      const b = before.get(k) ?? { runMs: NaN, waitMs: NaN };
      out[k] = { runMs: a.runMs - b.runMs, waitMs: a.waitMs - b.waitMs };
    }
    return out;
  };
}

/** Jiffies the whole machine spent busy and in all (every CPU), from /proc/stat's first line. */
async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile("/proc/stat", "utf8").catch(() => "")).split("\n")[0] ?? "";
  const [, ...fields] = line.trim().split(/\s+/);
  const n = fields.map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const total = n.slice(0, 8).reduce((s, x) => s + (Number.isFinite(x) ? x : 0), 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { busy: total - idle, total };
}

/** Starts a window; the function it returns gives how busy the machine's CPUs were in it, 0..1 (NaN where /proc/stat is missing). */
export async function machineBusyWindow(): Promise<() => Promise<number>> {
  const before = await machineTicks();
  return async () => {
    const after = await machineTicks();
    const total = after.total - before.total;
    return total > 0 ? (after.busy - before.busy) / total : NaN;
  };
}
