// Limits for the process runtime's containers, where the machine lets the agent have them: a
// control group per container (cgroup v2, or the v1 memory, cpu and cpuacct hierarchies) with
// the memory limit and a CPU quota, joined by the container's shim before the command starts.
// The same groups give usage and tell an out-of-memory kill (OOMKilled) from any other SIGKILL.
// Without writable cgroups (not root, a locked-down container) limits are not enforced.
import { access, mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const ROOT = "/sys/fs/cgroup";
const PARENT = "edgeplane";
/** The CFS period the quota is a share of (100 ms, as the kubelet uses). */
const CPU_PERIOD_US = 100_000;

export interface Limits {
  milliCpu?: number;
  memoryBytes?: number;
}

export interface CgroupUsage {
  cpuNanos: number;
  memoryBytes: number;
  oomKills: number;
}

type Layout = { version: 2 } | { version: 1 };

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** The CPU quota for a limit in millicores, as cpu.cfs_quota_us (never below the kernel's 1 ms minimum). */
export function cpuQuotaUs(milliCpu: number): number {
  return Math.max(1000, Math.round((milliCpu * CPU_PERIOD_US) / 1000));
}

/** The oom_kill count in memory.events (v2) or memory.oom_control (v1). */
export function oomKillCount(text: string): number {
  const match = /^oom_kill (\d+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}

export class Cgroups {
  private constructor(private readonly layout: Layout) {}

  /** The cgroups this machine lets us create, or undefined. */
  static async detect(): Promise<Cgroups | undefined> {
    try {
      if (await exists(join(ROOT, "cgroup.controllers"))) {
        const controllers = await readFile(join(ROOT, "cgroup.controllers"), "utf8");
        if (!/\bmemory\b/.test(controllers) || !/\bcpu\b/.test(controllers)) return undefined;
        await mkdir(join(ROOT, PARENT), { recursive: true });
        // Children of our group may use the memory and cpu controllers.
        await writeFile(join(ROOT, PARENT, "cgroup.subtree_control"), "+memory +cpu").catch(() => undefined);
        return new Cgroups({ version: 2 });
      }
      for (const controller of ["memory", "cpu", "cpuacct"]) {
        if (!(await exists(join(ROOT, controller)))) return undefined;
        await mkdir(join(ROOT, controller, PARENT), { recursive: true });
      }
      return new Cgroups({ version: 1 });
    } catch {
      return undefined;
    }
  }

  /** The directories of container `id`'s group (one per v1 hierarchy). */
  paths(id: string): string[] {
    if (this.layout.version === 2) return [join(ROOT, PARENT, id)];
    return ["memory", "cpu", "cpuacct"].map((c) => join(ROOT, c, PARENT, id));
  }

  /** Creates the group with its limits; the shell line that moves the shim into it. */
  async create(id: string, limits: Limits): Promise<string> {
    for (const path of this.paths(id)) await mkdir(path, { recursive: true });
    const [first] = this.paths(id);
    if (this.layout.version === 2) {
      if (limits.memoryBytes) await writeFile(join(first, "memory.max"), String(limits.memoryBytes));
      if (limits.milliCpu) await writeFile(join(first, "cpu.max"), `${cpuQuotaUs(limits.milliCpu)} ${CPU_PERIOD_US}`);
    } else {
      const [memory, cpu] = this.paths(id);
      if (limits.memoryBytes) await writeFile(join(memory, "memory.limit_in_bytes"), String(limits.memoryBytes));
      if (limits.milliCpu) {
        await writeFile(join(cpu, "cpu.cfs_period_us"), String(CPU_PERIOD_US));
        await writeFile(join(cpu, "cpu.cfs_quota_us"), String(cpuQuotaUs(limits.milliCpu)));
      }
    }
    return this.paths(id)
      .map((p) => `echo $$ > '${join(p, "cgroup.procs")}'`)
      .join(" && ");
  }

  async usage(id: string): Promise<CgroupUsage | undefined> {
    const read = (path: string) => readFile(path, "utf8").catch(() => "");
    if (this.layout.version === 2) {
      const [dir] = this.paths(id);
      const stat = await read(join(dir, "cpu.stat"));
      const usec = /^usage_usec (\d+)$/m.exec(stat);
      const memory = await read(join(dir, "memory.current"));
      if (!stat && !memory) return undefined;
      return { cpuNanos: usec ? Number(usec[1]) * 1000 : 0, memoryBytes: Number(memory) || 0, oomKills: oomKillCount(await read(join(dir, "memory.events"))) };
    }
    const [memory, , cpuacct] = this.paths(id);
    const used = await read(join(memory, "memory.usage_in_bytes"));
    if (!used) return undefined;
    return { cpuNanos: Number(await read(join(cpuacct, "cpuacct.usage"))) || 0, memoryBytes: Number(used) || 0, oomKills: oomKillCount(await read(join(memory, "memory.oom_control"))) };
  }

  /** Removes the group once its processes are gone. */
  async remove(id: string): Promise<void> {
    for (const path of this.paths(id)) await rmdir(path).catch(() => undefined);
  }
}
