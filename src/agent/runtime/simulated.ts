// The simulated runtime: no processes, as KWOK fakes nodes. A container "starts" after a
// configurable delay and then runs until stopped, unless its pod's annotations say otherwise:
//   edgeplane.dev/simulated-exit-code: "1"     exit with this code...
//   edgeplane.dev/simulated-run-seconds: "5"   ...after running this long (default 0)
// so Jobs and restart policies can be exercised at scale. State is in memory only: a restarted
// agent with this runtime finds nothing to adopt and starts its pods again.
import { randomBytes } from "node:crypto";
import { RuntimeError, type ContainerSpec, type ContainerState, type LogOptions, type ManagedContainer, type ManagedLabels, type Runtime, type Sandbox, type SandboxSpec, type Usage } from "./types";

export const EXIT_CODE_ANNOTATION = "edgeplane.dev/simulated-exit-code";
export const RUN_SECONDS_ANNOTATION = "edgeplane.dev/simulated-run-seconds";

export interface SimulatedBehaviour {
  exitCode?: number;
  runMs?: number;
}

/** How a pod's containers behave, from its annotations. */
export function behaviourFromAnnotations(annotations: Record<string, string> | undefined): SimulatedBehaviour {
  const code = annotations?.[EXIT_CODE_ANNOTATION];
  const seconds = annotations?.[RUN_SECONDS_ANNOTATION];
  const exitCode = code !== undefined && Number.isInteger(Number(code)) ? Number(code) : undefined;
  const runMs = seconds !== undefined && Number(seconds) >= 0 ? Number(seconds) * 1000 : undefined;
  return exitCode === undefined ? {} : { exitCode, runMs: runMs ?? 0 };
}

export interface SimulatedRuntimeOptions {
  /** How long a container takes to start. */
  startDelayMs: number;
  /** The behaviour of a pod's containers, looked up by pod uid. */
  behaviour?(labels: ManagedLabels): SimulatedBehaviour;
}

interface Simulated {
  container: ManagedContainer;
  exited: Promise<ContainerState>;
  stop(code: number): void;
}

export class SimulatedRuntime implements Runtime {
  readonly name = "simulated" as const;
  readonly readsVolumes = false;
  private readonly sandboxes = new Map<string, Sandbox & { labels: ManagedLabels }>();
  private readonly containers = new Map<string, Simulated>();
  private nextIp = 1;

  constructor(private readonly options: SimulatedRuntimeOptions) {}

  async version(): Promise<string> {
    return "simulated://1.0.0";
  }

  async list(): Promise<{ sandboxes: (Sandbox & { labels: ManagedLabels })[]; containers: ManagedContainer[] }> {
    return { sandboxes: [...this.sandboxes.values()], containers: [...this.containers.values()].map((c) => c.container) };
  }

  async createSandbox(spec: SandboxSpec): Promise<Sandbox> {
    // Pod IPs from 10.0.0.0/8 in order; the simulated pods never receive traffic.
    const n = this.nextIp++;
    const sandbox = { id: randomBytes(8).toString("hex"), ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, labels: spec.labels };
    this.sandboxes.set(sandbox.id, sandbox);
    return { id: sandbox.id, ip: sandbox.ip };
  }

  async removeSandbox(id: string): Promise<void> {
    this.sandboxes.delete(id);
  }

  async ensureImage(): Promise<void> {}

  async startContainer(sandbox: Sandbox, spec: ContainerSpec): Promise<ManagedContainer> {
    if (this.options.startDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.startDelayMs));
    const id = randomBytes(16).toString("hex");
    const startedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const container: ManagedContainer = { id, sandboxId: sandbox.id, labels: spec.labels, state: { state: "running", startedAt }, imageID: spec.image };
    let stop: (code: number) => void = () => {};
    const exited = new Promise<ContainerState>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      stop = (exitCode) => {
        clearTimeout(timer);
        const finishedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
        container.state = { state: "exited", exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt, finishedAt };
        resolve(container.state);
      };
      const behaviour = this.options.behaviour?.(spec.labels) ?? {};
      if (behaviour.exitCode !== undefined) timer = setTimeout(() => stop(behaviour.exitCode ?? 0), behaviour.runMs ?? 0);
    });
    this.containers.set(id, { container, exited, stop });
    return { ...container };
  }

  private get(id: string): Simulated {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError("NotFound", `container ${id} not found`);
    return c;
  }

  async stopContainer(id: string): Promise<void> {
    const c = this.get(id);
    // A process that honours SIGTERM exits with 143.
    if (c.container.state.state === "running") c.stop(143);
    await c.exited;
  }

  async removeContainer(id: string): Promise<void> {
    this.containers.delete(id);
  }

  async inspect(id: string): Promise<ContainerState> {
    return this.get(id).container.state;
  }

  waitExit(id: string): Promise<ContainerState> {
    return this.get(id).exited;
  }

  async exec(): Promise<{ exitCode: number; output: string }> {
    return { exitCode: 0, output: "" };
  }

  logs(id: string, options: LogOptions): AsyncIterable<Uint8Array> {
    const c = this.get(id);
    const l = c.container.labels;
    const line = `simulated container ${l.containerName ?? ""} of pod ${l.podNamespace}/${l.podName} (attempt ${l.attempt ?? 0})\n`;
    return (async function* () {
      if (options.tailLines === 0) return;
      const at = c.container.state.state === "running" ? c.container.state.startedAt : new Date().toISOString();
      yield new TextEncoder().encode(options.timestamps ? `${at} ${line}` : line);
      if (options.follow) await Promise.race([c.exited, new Promise((resolve) => options.signal?.addEventListener("abort", resolve, { once: true }))]);
    })();
  }

  async usage(): Promise<Usage | undefined> {
    return { cpuNanos: 0, memoryBytes: 0 };
  }

  async close(): Promise<void> {
    for (const c of this.containers.values()) if (c.container.state.state === "running") c.stop(137);
  }
}
