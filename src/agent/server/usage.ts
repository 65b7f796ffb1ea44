// Usage as the kubelet's Summary API reports it (/stats/summary, the source metrics-server
// reads): per pod and container, cumulative CPU time, the current rate in nanocores (from the
// previous sample), and memory. The agent reports usage here, on request through its tunnel,
// rather than writing it to the API every few seconds.
import { rfc3339 } from "../clock";
import type { PodManager } from "../pods/manager";
import type { Runtime } from "../runtime/types";

interface Sample {
  at: number;
  cpuNanos: number;
}

interface CpuStats {
  time: string;
  usageCoreNanoSeconds: number;
  usageNanoCores?: number;
}

interface MemoryStats {
  time: string;
  workingSetBytes: number;
  usageBytes: number;
}

/** Nanocores between two samples of cumulative CPU nanoseconds. */
export function nanoCores(previous: Sample | undefined, current: Sample): number | undefined {
  if (!previous || current.at <= previous.at || current.cpuNanos < previous.cpuNanos) return undefined;
  return Math.round(((current.cpuNanos - previous.cpuNanos) / ((current.at - previous.at) * 1e6)) * 1e9);
}

export class UsageTracker {
  private readonly samples = new Map<string, Sample>();

  constructor(private readonly runtime: Runtime) {}

  async summary(nodeName: string, nodeStartTime: string, manager: PodManager): Promise<unknown> {
    const now = Date.now();
    const time = rfc3339(now);
    const seen = new Set<string>();
    const pods = [];
    for (const pod of manager.pods()) {
      const worker = manager.worker(pod.metadata.uid ?? "");
      if (!worker) continue;
      const containers: { name: string; startTime: string; cpu: CpuStats; memory: MemoryStats }[] = [];
      for (const c of pod.spec?.containers ?? []) {
        const run = worker.containerRuns(c.name)[0];
        if (run?.state.state !== "running") continue;
        const usage = await this.runtime.usage(run.id).catch(() => undefined);
        if (!usage) continue;
        seen.add(run.id);
        const sample = { at: now, cpuNanos: usage.cpuNanos };
        const rate = nanoCores(this.samples.get(run.id), sample);
        this.samples.set(run.id, sample);
        const cpu: CpuStats = { time, usageCoreNanoSeconds: Math.round(usage.cpuNanos), ...(rate !== undefined ? { usageNanoCores: rate } : {}) };
        containers.push({ name: c.name, startTime: run.state.startedAt, cpu, memory: { time, workingSetBytes: usage.memoryBytes, usageBytes: usage.memoryBytes } });
      }
      const total = containers.reduce(
        (sum, c) => ({ cpu: sum.cpu + c.cpu.usageCoreNanoSeconds, rate: sum.rate + (c.cpu.usageNanoCores ?? 0), memory: sum.memory + c.memory.workingSetBytes }),
        { cpu: 0, rate: 0, memory: 0 },
      );
      pods.push({
        podRef: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
        startTime: pod.status?.startTime,
        containers,
        cpu: { time, usageCoreNanoSeconds: total.cpu, usageNanoCores: total.rate },
        memory: { time, workingSetBytes: total.memory, usageBytes: total.memory },
      });
    }
    for (const id of this.samples.keys()) if (!seen.has(id)) this.samples.delete(id);
    return { node: { nodeName, startTime: nodeStartTime }, pods };
  }
}
