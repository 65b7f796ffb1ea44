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
