// The podman runtime: real containers through Podman's libpod REST API on its unix socket.
// A Kubernetes pod's sandbox is a Podman pod, whose infra container holds the network namespace
// that all the pod's containers join (so they share localhost, as in Kubernetes) and the port
// mappings for hostPort; its IP on Podman's default bridge network is the pod IP. Everything
// started carries the ManagedLabels and the node's name as labels, which is what list() reads
// back to let a restarted agent adopt instead of duplicating.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import { dirname, join } from "node:path";
import { demultiplex, PodmanApiError, PodmanClient, readText } from "./podmanapi";
import { normalizeImage } from "./podmanimage";
import {
  RuntimeError,
  type ContainerSpec,
  type ContainerState,
  type LogOptions,
  type ManagedContainer,
  type ManagedLabels,
  type Runtime,
  type Sandbox,
  type SandboxSpec,
  type Usage,
} from "./types";

export interface PodmanRuntimeOptions {
  /**
   * The node this agent runs as. Recorded on everything it starts and the filter of list(), so
   * that agents sharing one Podman (several local nodes, tests) never adopt or clean up each
   * other's pods.
   */
  nodeName: string;
  /** The runtime keeps termination-message files (bind-mounted into containers) under <stateDir>/podman. */
  stateDir: string;
  /** The pod IP of host-network pods; by default the machine's first external IPv4 address. */
  nodeIP?: string;
  /** Podman's API socket; by default the one podmanSocketPath() names. */
  socketPath?: string;
  /** How long a pull may take before it counts as failed; the default is 10 minutes. */
  pullTimeoutMs?: number;
}

/** The socket to use: $EDGEPLANE_PODMAN_SOCKET, $CONTAINER_HOST (unix:// only), else the rootful default. */
export function podmanSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EDGEPLANE_PODMAN_SOCKET) return env.EDGEPLANE_PODMAN_SOCKET;
  if (env.CONTAINER_HOST?.startsWith("unix://")) return env.CONTAINER_HOST.slice("unix://".length);
  return "/run/podman/podman.sock";
}

/** Whether a Podman service answers on the socket (for choosing a runtime). */
export async function podmanAvailable(socketPath = podmanSocketPath()): Promise<boolean> {
  const client = new PodmanClient(socketPath);
  try {
    await client.call("GET", "/_ping", { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

// Label keys: the kubelet's own for the pod identity, so `podman ps --filter` reads as it would
// on a Kubernetes node, and edgeplane's for the rest.
const LABEL_NODE = "dev.edgeplane.node";
const LABEL_POD_UID = "io.kubernetes.pod.uid";
const LABEL_POD_NAMESPACE = "io.kubernetes.pod.namespace";
const LABEL_POD_NAME = "io.kubernetes.pod.name";
const LABEL_CONTAINER_NAME = "io.kubernetes.container.name";
const LABEL_ATTEMPT = "io.kubernetes.container.restartCount";
/** The host file bind-mounted at the container's terminationMessagePath. */
const LABEL_TERMINATION_LOG = "dev.edgeplane.termination-log";

/** The kubelet reads at most this much of a termination message. */
const TERMINATION_MESSAGE_LIMIT = 4096;
/** The kubelet keeps at most this much of an exec probe's output. */
const EXEC_OUTPUT_LIMIT = 10 * 1024;
const CPU_PERIOD_US = 100_000;
/** The kernel's smallest CFS quota. */
const CPU_QUOTA_MIN_US = 1000;
/** Where Localhost seccomp profiles are read from: the kubelet's, under its default --root-dir. */
const LOCALHOST_SECCOMP_DIR = "/var/lib/kubelet/seccomp";
/** How often Podman looks at a container waited on (waitExit), as a Go duration. */
const WAIT_INTERVAL = "1s";
/** Go's zero time, which Podman reports for times that have not happened. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

// The parts of libpod's responses that the runtime reads.
interface ContainerInspect {
  Id: string;
  Pod: string;
  /** The image's ID, and the name and manifest digest it was created from. */
  Image: string;
  ImageName: string;
  ImageDigest?: string;
  State: {
    Status: string;
    Pid: number;
    ExitCode: number;
    OOMKilled: boolean;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
  };
  Config: { Labels: Record<string, string> | null };
  NetworkSettings: { IPAddress: string; Networks?: Record<string, { IPAddress: string }> | null };
}
interface PodListEntry {
  Id: string;
  Labels: Record<string, string> | null;
  InfraId: string;
}
interface ContainerListEntry {
  Id: string;
  IsInfra: boolean;
  Labels: Record<string, string> | null;
}
interface PullReport {
  error?: string;
}

export class PodmanRuntime implements Runtime {
  readonly name = "podman";
  readonly readsVolumes = true;
  private readonly client: PodmanClient;
  private readonly nodeName: string;
  private readonly nodeIP: string;
  private readonly stateDir: string;
  private readonly pullTimeoutMs: number;
  private readonly pulls = new Map<string, Promise<void>>();
  private cachedVersion: string | undefined;
  private closed = false;

  constructor(options: PodmanRuntimeOptions) {
    this.nodeName = options.nodeName;
    this.nodeIP = options.nodeIP ?? hostIp();
    this.client = new PodmanClient(options.socketPath ?? podmanSocketPath());
    this.stateDir = join(options.stateDir, "podman");
    this.pullTimeoutMs = options.pullTimeoutMs ?? 600_000;
  }

  async version(): Promise<string> {
    // Podman gathers its whole system info for /version (over a second here): ask once.
    if (this.cachedVersion === undefined) {
      const version = await this.client.json<{ Version: string }>("GET", "/version");
      this.cachedVersion = `podman://${version.Version}`;
    }
    return this.cachedVersion;
  }

  async list(): Promise<{ sandboxes: (Sandbox & { labels: ManagedLabels })[]; containers: ManagedContainer[] }> {
    const filters = JSON.stringify({ label: [`${LABEL_NODE}=${this.nodeName}`] });
    const [pods, entries] = await Promise.all([
      this.client.json<PodListEntry[] | null>("GET", "/pods/json", { query: { filters } }),
      this.client.json<ContainerListEntry[] | null>("GET", "/containers/json", { query: { all: true, filters } }),
    ]);
    const sandboxes = await Promise.all(
      (pods ?? []).map(async (pod) => ({ id: pod.Id, ip: await this.infraIp(pod.InfraId), labels: managedLabels(pod.Labels ?? {}) })),
    );
    const containers: ManagedContainer[] = [];
    await Promise.all(
      (entries ?? [])
        // Infra containers inherit their pod's labels but are the sandbox, not a container.
        .filter((entry) => !entry.IsInfra && entry.Labels?.[LABEL_CONTAINER_NAME] !== undefined)
        .map(async (entry) => {
          try {
            const inspected = await this.inspectRaw(entry.Id);
            containers.push(await this.managedContainer(inspected));
          } catch (error) {
            // Removed between the list and the inspect: nothing to adopt.
            if (!(error instanceof RuntimeError && error.reason === "NotFound")) throw error;
          }
        }),
    );
    return { sandboxes, containers };
  }

  async createSandbox(spec: SandboxSpec): Promise<Sandbox> {
    const { podName, podNamespace } = spec.labels;
    const name = `k8s_${podName}_${podNamespace}_${suffix()}`;
    const body = {
      name,
      // Named, so that its address can be read without first asking the pod for its infra's ID.
      infra_name: `${name}_infra`,
      labels: this.labels(spec.labels),
      // A host-network pod has the node's hostname, as in Kubernetes.
      hostname: spec.hostNetwork ? undefined : spec.hostname,
      netns: spec.hostNetwork ? { nsmode: "host" } : undefined,
      // Only ports with a hostPort are published; every port is reachable on the pod IP anyway.
      portmappings: spec.hostNetwork
        ? undefined
        : spec.ports
            .filter((port) => port.hostPort !== undefined && port.hostPort > 0)
            .map((port) => ({ container_port: port.containerPort, host_port: port.hostPort, host_ip: port.hostIP, protocol: port.protocol.toLowerCase() })),
      hostadd: spec.hostAliases?.flatMap((alias) => alias.hostnames.map((hostname) => `${hostname}:${alias.ip}`)),
      dns_server: spec.dnsServers,
      dns_search: spec.dnsSearches,
      // The infra container only holds the namespaces (catatonit waits for signals): compiling
      // and loading a system call filter for it is CPU each pod start pays for nothing.
      security_opt: ["seccomp=unconfined"],
    };
    let id: string | undefined;
    try {
      id = (await this.client.json<{ Id: string }>("POST", "/pods/create", { body })).Id;
      // Starting the pod starts its infra container, which owns the network namespace and IP.
      await this.client.call("POST", `/pods/${id}/start`);
      const ip = spec.hostNetwork ? this.nodeIP : await this.infraIp(body.infra_name);
      if (ip === "") throw new Error("the pod's infra container has no IP address");
      return { id, ip };
    } catch (error) {
      if (id !== undefined) await this.removeSandbox(id).catch(() => undefined);
      throw new RuntimeError("CreateContainerError", `failed to create pod sandbox: ${messageOf(error)}`);
    }
  }

  async removeSandbox(id: string): Promise<void> {
    // Forced removal stops and removes the pod's containers too. Stopping gracefully is the
    // agent's call (stopContainer) before it gets here: what is left is killed at once instead
    // of after Podman's default 10 seconds.
    await this.ignoreNotFound(this.client.call("DELETE", `/pods/${id}`, { query: { force: true, timeout: 0 } }));
    await rm(join(this.stateDir, id), { recursive: true, force: true });
  }

  async ensureImage(image: string, policy: ContainerSpec["imagePullPolicy"]): Promise<void> {
    const reference = this.reference(image);
    if (policy !== "Always" && (await this.imageExists(reference))) return;
    if (policy === "Never") {
      throw new RuntimeError("ErrImageNeverPull", `Container image "${image}" is not present with pull policy of Never`);
    }
    // Pods that start together often share an image: one pull serves them all.
    let pull = this.pulls.get(reference);
    if (!pull) {
      pull = this.pull(image, reference).finally(() => this.pulls.delete(reference));
      this.pulls.set(reference, pull);
    }
    await pull;
  }

  async startContainer(sandbox: Sandbox, spec: ContainerSpec): Promise<ManagedContainer> {
    const { podName, podNamespace } = spec.labels;
    const labels = this.labels(spec.labels);
    const mounts = spec.mounts.map((mount) => ({
      destination: mount.containerPath,
      source: mount.subPath ? join(mount.hostPath, mount.subPath) : mount.hostPath,
      type: "bind",
      options: ["rbind", mount.readOnly ? "ro" : "rw"],
    }));
    if (spec.terminationMessagePath) {
      const file = await this.terminationLogFile(sandbox.id);
      labels[LABEL_TERMINATION_LOG] = file;
      mounts.push({ destination: spec.terminationMessagePath, source: file, type: "bind", options: ["rbind", "rw"] });
    }
    const cpu = spec.limits.milliCpu === undefined ? undefined : { quota: Math.max(CPU_QUOTA_MIN_US, Math.round((spec.limits.milliCpu * CPU_PERIOD_US) / 1000)), period: CPU_PERIOD_US };
    const memory = spec.limits.memoryBytes === undefined ? undefined : { limit: spec.limits.memoryBytes };
    const body = {
      name: `k8s_${spec.labels.containerName}_${podName}_${podNamespace}_${spec.labels.attempt}_${suffix()}`,
      image: this.reference(spec.image),
      pod: sandbox.id,
      // Kubernetes' command replaces the image's entrypoint and args replace its cmd; a command
      // without args runs alone, which Podman also does when the entrypoint is set.
      entrypoint: spec.command,
      command: spec.args ?? (spec.command ? [] : undefined),
      env: Object.fromEntries(spec.env.map((variable) => [variable.name, variable.value])),
      work_dir: spec.workingDir,
      mounts,
      resource_limits: cpu || memory ? { cpu, memory } : undefined,
      terminal: spec.tty,
      stdin: spec.stdin,
      labels,
      // Podman would otherwise switch to its systemd mode for images whose command is an init.
      systemd: "false",
      seccomp_profile_path: seccompProfilePath(spec.seccompProfile),
      // ContainerSpec.ports are not mapped here: in a Podman pod the pod owns the port mappings,
      // and createSandbox already published the ones with a hostPort.
    };
    let id: string;
    try {
      id = (await this.client.json<{ Id: string }>("POST", "/containers/create", { body })).Id;
    } catch (error) {
      if (labels[LABEL_TERMINATION_LOG]) await rm(labels[LABEL_TERMINATION_LOG], { force: true });
      throw new RuntimeError("CreateContainerError", messageOf(error));
    }
    try {
      await this.client.call("POST", `/containers/${id}/start`);
    } catch (error) {
      // A container that could not start (no such executable, bad mount) is of no further use,
      // and the agent, which gets no id from a failed start, could not remove it.
      await this.removeContainer(id).catch(() => undefined);
      throw new RuntimeError("RunContainerError", messageOf(error));
    }
    return this.managedContainer(await this.inspectRaw(id));
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    // Podman sends the stop signal (SIGTERM unless the image says otherwise), SIGKILL after the
    // timeout, and answers once the container has exited.
    await this.ignoreNotFound(this.client.call("POST", `/containers/${id}/stop`, { query: { timeout: Math.max(0, Math.ceil(graceSeconds)) } }));
  }

  async removeContainer(id: string): Promise<void> {
    let terminationLog: string | undefined;
    try {
      terminationLog = (await this.inspectRaw(id)).Config.Labels?.[LABEL_TERMINATION_LOG];
    } catch (error) {
      if (error instanceof RuntimeError && error.reason === "NotFound") return;
      throw error;
    }
    // As for sandboxes: a container still running here is killed at once.
    await this.ignoreNotFound(this.client.call("DELETE", `/containers/${id}`, { query: { force: true, v: true, timeout: 0 } }));
    if (terminationLog) await rm(terminationLog, { force: true });
  }

  async inspect(id: string): Promise<ContainerState> {
    return this.state(await this.inspectRaw(id));
  }

  async waitExit(id: string): Promise<ContainerState> {
    for (;;) {
      try {
        // Answers once the container is stopped or exited (at once if it already is). Podman
        // polls the container's state at `interval` while it waits: at its default of 250 ms, a
        // node's waits cost about 1 ms of the service's CPU per container per second (a tenth of
        // a core with 110 pods). Once a second is how often the kubelet's PLEG looks for exits.
        await this.client.call("POST", `/containers/${id}/wait`, { query: { condition: ["stopped", "exited"], interval: WAIT_INTERVAL } });
        return await this.inspect(id);
      } catch (error) {
        if (error instanceof PodmanApiError && error.status === 404) throw notFound(id);
        if (error instanceof RuntimeError || this.closed) throw error;
        // The connection broke (the Podman service restarted): the container lives on, wait again.
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async exec(id: string, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    const signal = AbortSignal.timeout(timeoutMs);
    let session: string;
    try {
      session = (await this.client.json<{ Id: string }>("POST", `/containers/${id}/exec`, { body: { AttachStdout: true, AttachStderr: true, Cmd: command }, signal })).Id;
    } catch (error) {
      if (error instanceof PodmanApiError && error.status === 404) throw notFound(id);
      throw error;
    }
    const chunks: Buffer[] = [];
    let kept = 0;
    try {
      const res = await this.client.stream("POST", `/exec/${session}/start`, { body: { Detach: false, Tty: false }, signal });
      // Read to the end (that is when the command has exited) but keep only the first bytes.
      for await (const frame of demultiplex(res)) {
        if (kept >= EXEC_OUTPUT_LIMIT) continue;
        const part = frame.payload.subarray(0, EXEC_OUTPUT_LIMIT - kept);
        chunks.push(part);
        kept += part.length;
      }
      // The session is marked exited a moment after its output ends.
      for (;;) {
        const state = await this.client.json<{ Running: boolean; ExitCode: number }>("GET", `/exec/${session}/json`, { signal });
        if (!state.Running) return { exitCode: state.ExitCode, output: Buffer.concat(chunks).toString("utf8") };
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } catch (error) {
      if (signal.aborted) throw new Error(`command ${JSON.stringify(command)} timed out after ${timeoutMs} ms`);
      throw error;
    }
  }

  async *logs(id: string, options: LogOptions): AsyncIterable<Uint8Array> {
    const since =
      options.sinceTime !== undefined ? new Date(options.sinceTime) : options.sinceSeconds !== undefined ? new Date(Date.now() - options.sinceSeconds * 1000) : undefined;
    let res;
    try {
      res = await this.client.stream("GET", `/containers/${id}/logs`, {
        query: {
          stdout: true,
          stderr: true,
          follow: options.follow,
          tail: options.tailLines,
          since: since?.toISOString(),
          timestamps: options.timestamps,
        },
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) return;
      if (error instanceof PodmanApiError && error.status === 404) throw notFound(id);
      throw error;
    }
    let remaining = options.limitBytes ?? Infinity;
    try {
      // The libpod endpoint frames the output of every container, with a terminal or without.
      for await (const bytes of mapFrames(demultiplex(res), options.timestamps)) {
        if (bytes.length >= remaining) {
          yield bytes.subarray(0, remaining);
          return;
        }
        remaining -= bytes.length;
        yield bytes;
      }
    } catch (error) {
      // The caller stopped following: an end, not a failure.
      if (options.signal?.aborted) return;
      throw error;
    } finally {
      res.destroy();
    }
  }

  async usage(id: string): Promise<Usage | undefined> {
    try {
      const report = await this.client.json<{ Stats: { CPUNano: number; MemUsage: number }[] | null }>("GET", "/containers/stats", {
        query: { containers: [id], stream: false },
      });
      const stats = report.Stats?.[0];
      return stats ? { cpuNanos: stats.CPUNano, memoryBytes: stats.MemUsage } : undefined;
    } catch (error) {
      // Stats exist only for running containers.
      if (error instanceof PodmanApiError) return undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.close();
  }

  private labels(managed: ManagedLabels): Record<string, string> {
    const labels: Record<string, string> = {
      [LABEL_NODE]: this.nodeName,
      [LABEL_POD_UID]: managed.podUid,
      [LABEL_POD_NAMESPACE]: managed.podNamespace,
      [LABEL_POD_NAME]: managed.podName,
    };
    if (managed.containerName !== undefined) labels[LABEL_CONTAINER_NAME] = managed.containerName;
    if (managed.attempt !== undefined) labels[LABEL_ATTEMPT] = String(managed.attempt);
    return labels;
  }

  private reference(image: string): string {
    const reference = normalizeImage(image);
    if (reference === undefined) {
      throw new RuntimeError("InvalidImageName", `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": invalid reference format`);
    }
    return reference;
  }

  private async imageExists(reference: string): Promise<boolean> {
    try {
      await this.client.call("GET", `/images/${reference}/exists`);
      return true;
    } catch (error) {
      if (error instanceof PodmanApiError && error.status === 404) return false;
      throw error;
    }
  }

  private async pull(image: string, reference: string): Promise<void> {
    const fail = (message: string): RuntimeError => new RuntimeError("ErrImagePull", `Failed to pull image "${image}": ${message}`);
    let text: string;
    try {
      const res = await this.client.request("POST", "/images/pull", {
        query: { reference, policy: "always", quiet: true },
        signal: AbortSignal.timeout(this.pullTimeoutMs),
      });
      text = await readText(res);
      if ((res.statusCode ?? 0) >= 400) throw fail(text.trim());
    } catch (error) {
      if (error instanceof RuntimeError) throw error;
      throw fail(error instanceof DOMException && error.name === "TimeoutError" ? `no result after ${this.pullTimeoutMs} ms` : messageOf(error));
    }
    // The body is one JSON report per line; an error in any of them means the pull failed.
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      const report = JSON.parse(line) as PullReport;
      if (report.error) throw fail(report.error);
    }
  }

  private async inspectRaw(id: string): Promise<ContainerInspect> {
    try {
      return await this.client.json<ContainerInspect>("GET", `/containers/${id}/json`);
    } catch (error) {
      if (error instanceof PodmanApiError && error.status === 404) throw notFound(id);
      throw error;
    }
  }

  /** The address of a pod's infra container, by its ID or name. */
  private async infraIp(infra: string): Promise<string> {
    if (!infra) return "";
    try {
      const inspected = await this.inspectRaw(infra);
      const settings = inspected.NetworkSettings;
      if (settings.IPAddress) return settings.IPAddress;
      const network = Object.values(settings.Networks ?? {}).find((candidate) => candidate.IPAddress);
      // A pod in the host's network namespace has no address of its own.
      return network?.IPAddress ?? this.nodeIP;
    } catch (error) {
      if (error instanceof RuntimeError && error.reason === "NotFound") return "";
      throw error;
    }
  }

  private async managedContainer(inspected: ContainerInspect): Promise<ManagedContainer> {
    const labels = inspected.Config.Labels ?? {};
    return {
      id: inspected.Id,
      sandboxId: inspected.Pod || undefined,
      labels: managedLabels(labels),
      state: await this.state(inspected),
      imageID: imageID(inspected),
    };
  }

  private async state(inspected: ContainerInspect): Promise<ContainerState> {
    const { State: state } = inspected;
    switch (state.Status) {
      case "running":
      case "paused":
      case "stopping":
        return { state: "running", startedAt: state.StartedAt, pid: state.Pid || undefined };
      case "stopped":
      case "exited": {
        const startedAt = state.StartedAt === ZERO_TIME ? undefined : state.StartedAt;
        const message = (await this.terminationMessage(inspected)) || state.Error || undefined;
        const reason = state.OOMKilled
          ? "OOMKilled"
          : startedAt === undefined && state.Error
            ? "ContainerCannotRun"
            : state.ExitCode === 0
              ? "Completed"
              : "Error";
        // Podman takes the start and finish times from different clocks (conmon, podman): a
        // quick exit can finish "before" it started. A container never ends before it begins.
        const finishedAt = startedAt !== undefined && Date.parse(state.FinishedAt) < Date.parse(startedAt) ? startedAt : state.FinishedAt;
        return { state: "exited", exitCode: state.ExitCode, reason, message, startedAt, finishedAt };
      }
      default:
        // configured, created, initialized (not started yet) or removing.
        return { state: "unknown", message: `container is ${state.Status}` };
    }
  }

  private async terminationMessage(inspected: ContainerInspect): Promise<string> {
    const file = inspected.Config.Labels?.[LABEL_TERMINATION_LOG];
    if (!file) return "";
    try {
      const content = await readFile(file);
      return content.subarray(0, TERMINATION_MESSAGE_LIMIT).toString("utf8");
    } catch {
      // Removed with its sandbox, or never written to: no message.
      return "";
    }
  }

  /** An empty file, writable by any user the container runs as, under the sandbox's directory. */
  private async terminationLogFile(sandboxId: string): Promise<string> {
    const file = join(this.stateDir, sandboxId, randomUUID());
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, "", { mode: 0o666 });
    return file;
  }

  private async ignoreNotFound(call: Promise<unknown>): Promise<void> {
    try {
      await call;
    } catch (error) {
      if (!(error instanceof PodmanApiError && error.status === 404)) throw error;
    }
  }
}

/**
 * Podman's seccomp_profile_path for a container: "unconfined" unless the pod asks for a filter,
 * as the kubelet runs containers (its --seccomp-default is off by default). Besides matching
 * Kubernetes, this saves each container start the compilation of Podman's default profile (about
 * 30 ms of CPU here). RuntimeDefault is Podman's default profile; Localhost profiles are files
 * under the kubelet's usual seccomp directory.
 */
function seccompProfilePath(profile: ContainerSpec["seccompProfile"]): string | undefined {
  if (profile === undefined) return "unconfined";
  if (profile.type === "RuntimeDefault") return undefined;
  return join(LOCALHOST_SECCOMP_DIR, profile.localhostProfile);
}

function managedLabels(labels: Record<string, string>): ManagedLabels {
  const managed: ManagedLabels = {
    podUid: labels[LABEL_POD_UID] ?? "",
    podNamespace: labels[LABEL_POD_NAMESPACE] ?? "",
    podName: labels[LABEL_POD_NAME] ?? "",
  };
  if (labels[LABEL_CONTAINER_NAME] !== undefined) managed.containerName = labels[LABEL_CONTAINER_NAME];
  if (labels[LABEL_ATTEMPT] !== undefined) managed.attempt = Number(labels[LABEL_ATTEMPT]);
  return managed;
}

/**
 * Payloads of the frames; with timestamps, Podman starts each line with one in its own time zone
 * and to the second, which is rewritten in UTC as Kubernetes prints them.
 */
async function* mapFrames(frames: AsyncIterable<{ payload: Buffer }>, timestamps: boolean): AsyncGenerator<Buffer> {
  for await (const { payload } of frames) {
    if (!timestamps) {
      yield payload;
      continue;
    }
    const space = payload.indexOf(0x20);
    const time = space > 0 ? new Date(payload.subarray(0, space).toString("latin1")) : undefined;
    if (time === undefined || Number.isNaN(time.getTime())) {
      yield payload;
      continue;
    }
    yield Buffer.concat([Buffer.from(time.toISOString().replace(".000Z", "Z"), "latin1"), payload.subarray(space)]);
  }
}

/** As containerd reports it: the repository at the manifest digest, else the image's own ID. */
function imageID(inspected: ContainerInspect): string {
  if (!inspected.ImageDigest) return `sha256:${inspected.Image}`;
  const name = inspected.ImageName.split("@")[0];
  const repository = name.lastIndexOf(":") > name.lastIndexOf("/") ? name.slice(0, name.lastIndexOf(":")) : name;
  return `${repository}@${inspected.ImageDigest}`;
}

/** The machine's first external IPv4 address. */
function hostIp(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const address = addresses?.find((candidate) => candidate.family === "IPv4" && !candidate.internal);
    if (address) return address.address;
  }
  return "127.0.0.1";
}

function notFound(id: string): RuntimeError {
  return new RuntimeError("NotFound", `container "${id}" not found`);
}

function suffix(): string {
  return randomBytes(4).toString("hex");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
