// Agents for end-to-end tests: `edgeplane agent` started as its own process against the test
// file's control plane, killed or stopped like the real thing. After the file, every agent is
// stopped and every process its runtime started (found through the process runtime's records)
// is killed, and the Podman pods of podman agents are removed, so no test leaves a container running.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, readdir, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll } from "vitest";
import { PROJECT_DIR } from "../../src/cli/wrangler";
import type { Cluster } from "./harness";
import { removePodmanNode } from "./podman/setup";

export interface AgentProcess {
  name: string;
  stateDir: string;
  /** The agent's log lines so far. */
  lines: string[];
  exited: Promise<number | string>;
  /** Resolves with the first log line, already seen or still to come, that matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Kills the agent (SIGKILL: no chance to clean up, as a crash). */
  kill(): Promise<void>;
  /** SIGTERM, as an operator stopping it. */
  stop(): Promise<void>;
}

export interface AgentOptions {
  name: string;
  runtime?: "process" | "simulated" | "podman";
  /** Defaults to a folder per node in the cluster's state folder, kept across restarts. */
  stateDir?: string;
  args?: string[];
  /** A command the agent is started through, its argv appended (a network namespace: ./nat). */
  wrap?: string[];
}

/** The agent starts as a user starts it: `edgeplane agent` (bin/edgeplane.mjs runs its bundle). */
const EDGEPLANE = [process.execPath, join(PROJECT_DIR, "bin", "edgeplane.mjs")];

export function useAgents(cluster: Cluster): { start(options: AgentOptions): AgentProcess } {
  const started: { agent: AgentProcess; proc: ChildProcess }[] = [];
  const stateDirs = new Set<string>();
  const podmanNodes = new Set<string>();
  const killNow = (): void => {
    for (const { proc } of started) if (proc.pid) signalGroup(proc.pid, "SIGKILL");
  };

  afterAll(async () => {
    for (const { agent } of started) await agent.stop();
    process.off("exit", killNow);
    for (const dir of stateDirs) await killContainers(dir);
    for (const node of podmanNodes) await removePodmanNode(node);
  });

  return {
    start(options) {
      const stateDir = options.stateDir ?? join(cluster.stateDir, "agents", options.name);
      stateDirs.add(stateDir);
      if (options.runtime === "podman") podmanNodes.add(options.name);
      const args = [
        "agent",
        "--kubeconfig", cluster.kubeconfigPath,
        "--name", options.name,
        "--runtime", options.runtime ?? "process",
        "--state", stateDir,
        "--node-ip", "127.0.0.1",
        "--lease-interval", "2",
        "--log-level", "debug",
        // E2E_AGENT_ISOLATION=none runs the process runtime without mount namespaces (as non-root).
        ...(process.env.E2E_AGENT_ISOLATION ? ["--isolation", process.env.E2E_AGENT_ISOLATION] : []),
        ...(options.args ?? []),
      ];
      // A process group of its own, so that bin/edgeplane.mjs and the Node it starts stop
      // together; the containers are in groups of their own and outlive a killed agent, as they should.
      const [file, ...argv] = [...(options.wrap ?? []), ...EDGEPLANE, ...args];
      const proc = spawn(file, argv, { cwd: PROJECT_DIR, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } });
      const lines: string[] = [];
      const waiters = new Set<{ pattern: RegExp; found(line: string): void }>();
      for (const stream of [proc.stdout, proc.stderr]) {
        createInterface({ input: stream }).on("line", (line) => {
          lines.push(line);
          if (process.env.E2E_AGENT_LOG === "1") console.log(`[${options.name}] ${line}`);
          for (const w of waiters) if (w.pattern.test(line)) w.found(line);
        });
      }
      const exited = new Promise<number | string>((resolve) => proc.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
      if (started.length === 0) process.on("exit", killNow);
      const agent: AgentProcess = {
        name: options.name,
        stateDir,
        lines,
        exited,
        waitForLine(pattern, timeoutMs = 30_000) {
          const seen = lines.find((l) => pattern.test(l));
          if (seen) return Promise.resolve(seen);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              waiters.delete(waiter);
              reject(new Error(`agent ${options.name}: no line matching ${pattern} in ${timeoutMs} ms:\n${lines.slice(-30).join("\n")}`));
            }, timeoutMs);
            const waiter = {
              pattern,
              found(line: string) {
                clearTimeout(timer);
                waiters.delete(waiter);
                resolve(line);
              },
            };
            waiters.add(waiter);
          });
        },
        async kill() {
          if (proc.pid) signalGroup(proc.pid, "SIGKILL");
          await exited;
        },
        async stop() {
          if (proc.exitCode !== null || proc.signalCode !== null) return;
          if (proc.pid) signalGroup(proc.pid, "SIGTERM");
          const timer = setTimeout(() => proc.pid && signalGroup(proc.pid, "SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        },
      };
      started.push({ agent, proc });
      return agent;
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Where the process runtime may have made a container's cgroups (v2, and the v1 hierarchies). */
const cgroupDirs = (id: string) => ["", "memory", "cpu", "cpuacct"].map((c) => join("/sys/fs/cgroup", c, "edgeplane", id));

/**
 * Kills the process group of every container the process runtime started under `stateDir`, and
 * removes their cgroups. The shims are found in /proc by the exit file they were given, which
 * names the state folder, so this works even when the folder is already gone.
 */
export async function killContainers(stateDir: string): Promise<void> {
  const marker = join(stateDir, "process", "containers") + "/";
  const ids: string[] = [];
  for (const pid of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0");
    const exitFile = argv[argv.indexOf("edgeplane-shim") + 1];
    if (!argv.includes("edgeplane-shim") || !exitFile?.startsWith(marker)) continue;
    signalGroup(Number(pid), "SIGKILL");
    ids.push(exitFile.slice(marker.length).split("/")[0]);
  }
  ids.push(...(await readdir(marker).catch(() => [])));
  // A cgroup can go once the kernel has taken its last process away.
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const id of new Set(ids)) for (const cgroup of cgroupDirs(id)) await rmdir(cgroup).catch(() => undefined);
}

/** Whether a process is there and not a zombie (an orphan waits for init to reap it). */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

/** The runtime's container records of one pod (by uid) and whether each still runs. */
export async function containerRecords(stateDir: string, podUid: string): Promise<{ id: string; name: string; attempt: number; pid: number; running: boolean }[]> {
  const dir = join(stateDir, "process", "containers");
  const out = [];
  for (const id of await readdir(dir).catch(() => [])) {
    const text = await readFile(join(dir, id, "record.json"), "utf8").catch(() => "");
    if (!text) continue;
    const record = JSON.parse(text) as { pid: number; labels: { podUid: string; containerName: string; attempt: number } };
    if (record.labels.podUid !== podUid) continue;
    const running = (await isAlive(record.pid)) && !(await readFile(join(dir, id, "exit"), "utf8").then(() => true, () => false));
    out.push({ id, name: record.labels.containerName, attempt: record.labels.attempt, pid: record.pid, running });
  }
  return out;
}
