// What every part of `npm run bench:cluster` is given: the built Worker, a state folder per
// part, the log, the cleanup list that stops whatever the part started, and whether to profile.
import { join } from "node:path";
import { freePort } from "../../src/cli/ports";
import { breakdown, inclusive, loadBundleMap, record, saveProfile, type Recording } from "../lib/profile";
import { ms } from "../lib/stats";
import { describeCounts, readCounts } from "../lib/d1count";
import { startCluster, type Cleanup, type Cluster } from "../lib/cluster";

export interface PhaseContext {
  scriptPath: string;
  /** A folder of the part's own under the run's temp dir (kubeconfig, agent state). */
  stateDir(part: string): string;
  cleanup: Cleanup;
  log(line: string): void;
  /** Where to keep CPU profiles of the measured windows; none unless --profile. */
  profileDir?: string;
  /** The Worker is the D1-counting build (bench/lib/d1count.ts): read the counts over the measured windows. */
  countD1?: boolean;
  /** What Node runs for `edgeplane agent`: its bundle, as bin/edgeplane.mjs runs it (with --cpu-prof when profiling). */
  agentCommand: string[];
}

/** Starts counting D1 calls by caller for a measured window, when the run counts them. */
export async function countWindow(ctx: PhaseContext, cluster: Cluster): Promise<((units: number) => Promise<string[]>) | undefined> {
  if (!ctx.countD1) return undefined;
  await readCounts(cluster.api);
  return async (units) => describeCounts(await readCounts(cluster.api), units);
}

/** The part's server, stopped by the cleanup list; with an inspector when profiling. */
export async function clusterFor(ctx: PhaseContext, part: string): Promise<Cluster> {
  const cluster = await startCluster(ctx.scriptPath, ctx.stateDir(part), ctx.profileDir ? await freePort() : undefined);
  ctx.cleanup.add(() => cluster.api.close());
  return cluster;
}

/** Inspector ids of the Worker's isolate (its Durable Objects included) and the D1 simulator's. */
const ISOLATES = { worker: "core:user:bench", d1: "d1:db" };
const TOP = 15;

export interface Profiling {
  /** Stops the profilers, saves the profiles and returns the report (CPU per `unit`, by source and function). */
  stop(units: number, unit: string): Promise<string>;
}

/** Starts workerd's CPU profiler for a measured window, when the run profiles. */
export async function profileWindow(ctx: PhaseContext, cluster: Cluster, name: string): Promise<Profiling | undefined> {
  if (!ctx.profileDir || cluster.inspectorPort === undefined) return undefined;
  const recording: Recording = await record(cluster.inspectorPort, Object.values(ISOLATES));
  const dir = ctx.profileDir;
  return {
    async stop(units, unit) {
      const profiles = await recording.stop();
      const bundle = await loadBundleMap(ctx.scriptPath);
      const lines = [`== ${name}: CPU per ${unit} (${units} ${unit}s)`];
      for (const [target, profile] of profiles) {
        await saveProfile(join(dir, `${name}-${target.replace(/:/g, "_")}.cpuprofile`), profile);
        const b = breakdown(profile, target === ISOLATES.worker ? bundle : undefined);
        const share = (x: number) => `${((x / b.attributedMs) * 100).toFixed(0)}%`.padStart(4);
        lines.push(
          `  ${target === ISOLATES.worker ? "Worker isolate" : "D1 isolate"}: ${ms(b.attributedMs / units)} ms per ${unit} (${((b.attributedMs / b.wallMs) * 100).toFixed(0)}% of ${(b.wallMs / 1000).toFixed(1)} s)`,
          `    by source: ${b.bySource.slice(0, TOP).map(([s, t]) => `${s} ${share(t)}`).join(", ")}`,
          `    top functions (self time):`,
          ...b.byFunction.slice(0, TOP).map(([f, t]) => `      ${share(t)}  ${ms(t / units)} ms  ${f}`),
        );
        if (target === ISOLATES.worker && bundle) {
          lines.push(`    src/ functions by total time (self and callees; nested ones overlap):`);
          lines.push(...inclusive(profile, bundle).slice(0, 2 * TOP).map(([f, t]) => `      ${share(t)}  ${ms(t / units)} ms  ${f}`));
        }
      }
      return lines.join("\n");
    },
  };
}
