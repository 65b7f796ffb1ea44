// The contract between the agent (edgeplane's kubelet) and a container runtime. One module per
// runtime implements it: podman (real containers through Podman's REST API), process (child
// processes), simulated (no processes, for scale tests). The agent owns pod semantics
// (init order, restarts, probes, status); a runtime only runs what it is told and reports.

/** Labels every runtime records on what it starts, so a restarted agent adopts instead of duplicating. */
export interface ManagedLabels {
  podUid: string;
  podNamespace: string;
  podName: string;
  /** Absent on a sandbox. */
  containerName?: string;
  /** Restart attempt of this container (0 for the first run). */
  attempt?: number;
}

export interface PortMapping {
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol: "TCP" | "UDP" | "SCTP";
}

export interface Mount {
  /** A file or directory on the agent's machine that the agent keeps up to date (configMap, secret, emptyDir...). */
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
  subPath?: string;
}

export interface SandboxSpec {
  labels: ManagedLabels;
  hostname: string;
  hostNetwork: boolean;
  ports: PortMapping[];
  /** Extra /etc/hosts entries and DNS settings the pod asked for. */
  hostAliases?: { ip: string; hostnames: string[] }[];
  dnsServers?: string[];
  dnsSearches?: string[];
}

export interface Sandbox {
  id: string;
  /** The pod's IP, as reported in status.podIP. */
  ip: string;
}

export interface ContainerSpec {
  labels: ManagedLabels & { containerName: string; attempt: number };
  image: string;
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  /** Resolved command line (command + args with $(VAR) expanded); absent means the image's entrypoint. */
  command?: string[];
  args?: string[];
  workingDir?: string;
  env: { name: string; value: string }[];
  mounts: Mount[];
  ports: PortMapping[];
  /** Limits to enforce where the runtime can. */
  limits: { milliCpu?: number; memoryBytes?: number };
  tty: boolean;
  stdin: boolean;
  /** Where the container's termination message is written, relative to its filesystem. */
  terminationMessagePath?: string;
  /**
   * The seccomp profile asked for (the container's securityContext, else the pod's). Absent
   * means Unconfined, the kubelet's default: runtimes that filter system calls do so only when asked.
   */
  seccompProfile?: { type: "RuntimeDefault" } | { type: "Localhost"; localhostProfile: string };
}

export type ContainerState =
  | { state: "running"; startedAt: string; pid?: number }
  | { state: "exited"; exitCode: number; signal?: string; reason: "Completed" | "Error" | "OOMKilled" | "ContainerCannotRun"; message?: string; startedAt?: string; finishedAt: string }
  | { state: "unknown"; message: string };

export interface ManagedContainer {
  id: string;
  sandboxId?: string;
  labels: ManagedLabels;
  state: ContainerState;
  /**
   * The image as the runtime resolved it (a digest where there is one), for status.imageID.
   * Optional, added after the first version of this contract: runtimes that leave it out get "".
   */
  imageID?: string;
}

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps: boolean;
  limitBytes?: number;
  signal?: AbortSignal;
}

export interface Usage {
  /** Cumulative CPU time in nanoseconds (usage rate is the agent's arithmetic). */
  cpuNanos: number;
  memoryBytes: number;
}

/** Why a runtime could not do what it was asked, in the kubelet's vocabulary. */
export class RuntimeError extends Error {
  constructor(
    readonly reason: "ErrImagePull" | "ErrImageNeverPull" | "InvalidImageName" | "CreateContainerError" | "CreateContainerConfigError" | "RunContainerError" | "NotFound",
    message: string,
  ) {
    super(message);
    this.name = "RuntimeError";
  }
}

export interface Runtime {
  readonly name: "podman" | "process" | "simulated";
  /** Whether containers read the pod's volumes: when not (simulated ones), volumes are checked but never written. */
  readonly readsVolumes: boolean;
  /** Runtime name and version for node.status.nodeInfo.containerRuntimeVersion, e.g. "podman://4.3.1". */
  version(): Promise<string>;
  /** What the runtime left running, for adoption after an agent restart. */
  list(): Promise<{ sandboxes: (Sandbox & { labels: ManagedLabels })[]; containers: ManagedContainer[] }>;
  createSandbox(spec: SandboxSpec): Promise<Sandbox>;
  removeSandbox(id: string): Promise<void>;
  /** Make the image available per policy; throws RuntimeError("ErrImagePull" | "ErrImageNeverPull"). */
  ensureImage(image: string, policy: ContainerSpec["imagePullPolicy"]): Promise<void>;
  /** Create and start; throws RuntimeError on failure. */
  startContainer(sandbox: Sandbox, spec: ContainerSpec): Promise<ManagedContainer>;
  /** SIGTERM, then SIGKILL after `graceSeconds`; resolves once it has exited. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  inspect(id: string): Promise<ContainerState>;
  /** Resolves when the container exits (or immediately if it already has). */
  waitExit(id: string): Promise<ContainerState>;
  /** Run a command in the container (exec probes); output is truncated. */
  exec(id: string, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
  /** The container's output as a byte stream, kubectl logs style. */
  logs(id: string, options: LogOptions): AsyncIterable<Uint8Array>;
  usage(id: string): Promise<Usage | undefined>;
  /** Free anything process-wide (connections, timers). */
  close(): Promise<void>;
}
