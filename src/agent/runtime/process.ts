// The process runtime: each container's command runs as a child process, for machines without
// containers. Every container is a small sh "shim" in a process group of its own (detached),
// which starts the command and writes its exit code to the container's state directory when it
// ends: the agent is not in the path of the process's life, output or exit code, so an agent
// that restarts finds its containers still running and adopts them (processfiles.ts).
//
// What a container sees:
// - its command and args, env (plus PATH from the agent when the pod sets none, and HOSTNAME),
//   stdout and stderr to a log file per attempt;
// - volumes at their mount paths when the agent runs as root and `unshare` works: the container
//   gets a private mount namespace and they are bind-mounted (mountplan.ts); otherwise they
//   appear under the pod's root directory and paths are rewritten (mountplan.rewritePaths);
// - the host's network (the pod IP is the node's address; hostPort and containerPort are the
//   same port; two pods cannot listen on one port);
// - the working directory it asks for (created under the pod root if it does not exist), or
//   the pod root.
// - its limits, where the agent may create cgroups (cgroups.ts): memory and CPU quota; an
//   out-of-memory kill is reported as OOMKilled. Usage comes from the cgroup, else from /proc
//   for the process group.
// A process that leaves its process group (setsid daemons) escapes stop and usage.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, readFile, readdir, rm, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Cgroups } from "./cgroups";
import { LogIndexer, readLog } from "./logfile";
import { mountScript, normalize, rewritePaths, shq, type PlannedMount } from "./mountplan";
import { ProcessFiles, processStartTime, stillRunning, type ContainerRecord, type SandboxRecord } from "./processfiles";
import { RuntimeError, type ContainerSpec, type ContainerState, type LogOptions, type ManagedContainer, type ManagedLabels, type Runtime, type Sandbox, type SandboxSpec, type Usage } from "./types";

export interface ProcessRuntimeOptions {
  /** The runtime keeps its records under <stateDir>/process. */
  stateDir: string;
  /** The pod IP of every pod: the node's address. */
  nodeIP: string;
  /** "auto": a mount namespace when running as root with a working unshare. */
  isolation?: "auto" | "namespace" | "none";
}

// The shim: $1 is the exit file, the rest the command. It ignores the stop signals it shares
// with its process group (the command gets them), waits through interruptions, and records
// the exit code once the command is really gone.
const SHIM = `
exitfile=$1; shift
trap : TERM INT HUP
"$@" &
child=$!
while :; do
  wait "$child"; code=$?
  kill -0 "$child" 2>/dev/null || break
done
echo "$code" > "$exitfile.tmp" && mv "$exitfile.tmp" "$exitfile"
exit "$code"
`;

const EXEC_OUTPUT_LIMIT = 10 * 1024;
const EXIT_POLL_MS = 500;

function newId(): string {
  return randomBytes(16).toString("hex");
}

async function exists(path: string): Promise<"dir" | "file" | undefined> {
  try {
    return (await lstat(path)).isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
}

export class ProcessRuntime implements Runtime {
  readonly name = "process" as const;
  readonly readsVolumes = true;
  private readonly files: ProcessFiles;
  private readonly children = new Map<string, { child: ChildProcess; exited: Promise<void> }>();
  private readonly indexers = new Map<string, LogIndexer>();
  private isolated?: Promise<boolean>;
  private cgroups?: Promise<Cgroups | undefined>;

  constructor(private readonly options: ProcessRuntimeOptions) {
    this.files = new ProcessFiles(join(options.stateDir, "process"));
  }

  async version(): Promise<string> {
    return `process://${process.version}`;
  }

  /** Whether containers get a mount namespace (decided once). */
  private useNamespaces(): Promise<boolean> {
    this.isolated ??= (async () => {
      const mode = this.options.isolation ?? "auto";
      if (mode === "none") return false;
      const works = process.getuid?.() === 0 && (await promisify(execFile)("unshare", ["--mount", "--propagation", "private", "true"]).then(() => true, () => false));
      if (mode === "namespace" && !works) throw new Error("the process runtime cannot create mount namespaces here (needs root and unshare)");
      return works;
    })();
    return this.isolated;
  }

  async list(): Promise<{ sandboxes: (Sandbox & { labels: ManagedLabels })[]; containers: ManagedContainer[] }> {
    await this.files.init();
    const sandboxes = (await this.files.sandboxes()).map(({ id, ip, labels }) => ({ id, ip, labels }));
    const containers: ManagedContainer[] = [];
    for (const record of await this.files.containers()) {
      containers.push({ id: record.id, sandboxId: record.sandboxId, labels: record.labels, state: await this.stateOf(record), imageID: record.image });
      // Adopted and still running: keep its log index growing.
      if (!this.indexers.has(record.id) && (await stillRunning(record.pid, record.pidStart))) await this.startIndexer(record.id);
    }
    return { sandboxes, containers };
  }

  async createSandbox(spec: SandboxSpec): Promise<Sandbox> {
    await this.files.init();
    const id = newId();
    const root = join(this.files.root, "sandboxes", id);
    await mkdir(root, { recursive: true });
    const record: SandboxRecord = { id, ip: this.options.nodeIP, labels: spec.labels, hostname: spec.hostname, root };
    await this.files.writeJson(this.files.sandboxPath(id), record);
    return { id, ip: record.ip };
  }

  async removeSandbox(id: string): Promise<void> {
    await rm(join(this.files.root, "sandboxes", id), { recursive: true, force: true });
    await rm(this.files.sandboxPath(id), { force: true });
  }

  async ensureImage(): Promise<void> {
    // Processes have no images: the command is whatever the machine has.
  }

  async startContainer(sandbox: Sandbox, spec: ContainerSpec): Promise<ManagedContainer> {
    if (!spec.command?.length) {
      throw new RuntimeError("CreateContainerConfigError", "the process runtime needs a command: an image's own entrypoint cannot run without the image");
    }
    const box = (await this.files.sandboxes()).find((s) => s.id === sandbox.id);
    if (!box) throw new RuntimeError("CreateContainerError", `sandbox ${sandbox.id} not found`);
    const id = newId();
    const dir = this.files.containerDir(id);
    await mkdir(dir, { recursive: true });
    const isolated = await this.useNamespaces();
    const mounts: PlannedMount[] = spec.mounts.map((m) => ({ hostPath: m.subPath ? join(m.hostPath, m.subPath) : m.hostPath, containerPath: m.containerPath, readOnly: m.readOnly }));
    const rewrite = (s: string) => (isolated ? s : rewritePaths(s, mounts, box.root));
    if (!isolated) await this.linkMounts(box.root, mounts);

    const argv = [...spec.command, ...(spec.args ?? [])].map(rewrite);
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOSTNAME: box.hostname };
    for (const e of spec.env) env[e.name] = rewrite(e.value);
    if (!isolated) env.EDGEPLANE_POD_ROOT = box.root;
    const cwd = await this.workingDir(spec.workingDir, box.root, isolated, rewrite);

    const groups = await this.groups();
    const joinGroup = groups ? [`${await groups.create(id, spec.limits)} || exit 126`] : [];
    const prelude = isolated ? await this.mountPrelude(mounts, join(dir, "overlay")) : [];
    const script = [...joinGroup, ...prelude, `cd ${shq(cwd)} || exit 126`, SHIM].join("\n");
    const command = isolated ? ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script] : ["sh", "-c", script];
    const log = await open(this.files.logPath(id), "a");
    let child: ChildProcess;
    try {
      child = spawn(command[0], [...command.slice(1), "edgeplane-shim", this.files.exitPath(id), ...argv], {
        detached: true,
        stdio: ["ignore", log.fd, log.fd],
        env,
        cwd: box.root,
      });
    } finally {
      await log.close();
    }
    const pid = child.pid;
    if (pid === undefined) throw new RuntimeError("RunContainerError", `could not start ${argv[0]}`);
    child.unref();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    this.children.set(id, { child, exited });
    const now = new Date().toISOString();
    const record: ContainerRecord = { id, sandboxId: sandbox.id, labels: spec.labels, image: spec.image, argv, env, cwd, isolated, cgroup: groups !== undefined, ...(isolated ? {} : { rewrite: { root: box.root, mounts } }), createdAt: now, startedAt: now, pid, pidStart: (await processStartTime(pid)) ?? "" };
    await this.files.writeJson(join(dir, "record.json"), record);
    await this.startIndexer(id);
    void exited.then(() => this.indexers.get(id)?.check());
    return { id, sandboxId: sandbox.id, labels: spec.labels, state: await this.stateOf(record), imageID: spec.image };
  }

  private groups(): Promise<Cgroups | undefined> {
    this.cgroups ??= process.getuid?.() === 0 ? Cgroups.detect() : Promise.resolve(undefined);
    return this.cgroups;
  }

  private async workingDir(workingDir: string | undefined, root: string, isolated: boolean, rewrite: (s: string) => string): Promise<string> {
    if (!workingDir) return root;
    const wanted = rewrite(normalize(workingDir));
    if (isolated || (await exists(wanted))) return wanted;
    const inRoot = join(root, normalize(workingDir));
    await mkdir(inRoot, { recursive: true });
    return inRoot;
  }

  /** Without namespaces: <root>/<mount path> symlinks to each volume. */
  private async linkMounts(root: string, mounts: PlannedMount[]): Promise<void> {
    for (const m of mounts) {
      const link = join(root, normalize(m.containerPath));
      await mkdir(dirname(link), { recursive: true });
      await rm(link, { force: true });
      await symlink(m.hostPath, link);
    }
  }

  private async mountPrelude(mounts: PlannedMount[], overlayDir: string): Promise<string[]> {
    const mountPoints = (await readFile("/proc/self/mountinfo", "utf8").catch(() => "")).split("\n").map((l) => l.split(" ")[4]).filter(Boolean);
    const kinds = new Map<string, "dir" | "file" | undefined>();
    for (const m of mounts) {
      let p = normalize(m.containerPath);
      for (;;) {
        kinds.set(p, await exists(p));
        if (p === "/") break;
        p = p.slice(0, p.lastIndexOf("/")) || "/";
      }
      kinds.set(m.hostPath, await exists(m.hostPath));
    }
    const lines = mountScript(mounts, {
      kind: (p) => kinds.get(p),
      hasMountsBelow: (p) => mountPoints.some((mp) => mp.startsWith(p === "/" ? "/" : p + "/") && mp !== p),
      overlayDir,
    });
    // A mount that fails leaves the container unable to run, as a runtime's failed mount would.
    return lines.map((l) => `${l} || { echo "edgeplane: ${l.replace(/["\\$`]/g, "")} failed" >&2; exit 126; }`);
  }

  private async startIndexer(id: string): Promise<void> {
    const indexer = new LogIndexer(this.files.logPath(id), this.files.indexPath(id));
    this.indexers.set(id, indexer);
    await indexer.start();
  }

  private async stateOf(record: ContainerRecord): Promise<ContainerState> {
    const exit = await this.files.exit(record.id);
    if (exit) return exitedState(exit.code, record.startedAt, exit.at, await this.oomKilled(record, exit.code));
    if (await stillRunning(record.pid, record.pidStart)) return { state: "running", startedAt: record.startedAt, pid: record.pid };
    // Gone without recording its code: killed with its shim (SIGKILL), or the machine restarted.
    await this.files.writeExit(record.id, 137);
    const recorded = await this.files.exit(record.id);
    const code = recorded?.code ?? 137;
    return exitedState(code, record.startedAt, recorded?.at ?? Date.now(), await this.oomKilled(record, code));
  }

  /** A SIGKILL (137) from the kernel's OOM killer in the container's cgroup. */
  private async oomKilled(record: ContainerRecord, code: number): Promise<boolean> {
    if (code !== 137 || !record.cgroup) return false;
    return ((await (await this.groups())?.usage(record.id))?.oomKills ?? 0) > 0;
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const record = await this.files.container(id);
    if (!record) throw new RuntimeError("NotFound", `container ${id} not found`);
    if (!(await stillRunning(record.pid, record.pidStart))) return;
    signalGroup(record.pid, "SIGTERM");
    const deadline = Date.now() + graceSeconds * 1000;
    while (Date.now() < deadline && (await stillRunning(record.pid, record.pidStart))) await sleep(100);
    if (await stillRunning(record.pid, record.pidStart)) signalGroup(record.pid, "SIGKILL");
    // The shim may be gone while its children linger in the group; make sure none survive.
    signalGroup(record.pid, "SIGKILL");
    await this.waitExit(id);
  }

  async removeContainer(id: string): Promise<void> {
    this.indexers.get(id)?.stop();
    this.indexers.delete(id);
    this.children.delete(id);
    const record = await this.files.container(id);
    if (record?.cgroup) await (await this.groups())?.remove(id);
    await rm(this.files.containerDir(id), { recursive: true, force: true });
  }

  async inspect(id: string): Promise<ContainerState> {
    const record = await this.files.container(id);
    if (!record) throw new RuntimeError("NotFound", `container ${id} not found`);
    return this.stateOf(record);
  }

  async waitExit(id: string): Promise<ContainerState> {
    const record = await this.files.container(id);
    if (!record) throw new RuntimeError("NotFound", `container ${id} not found`);
    const own = this.children.get(id);
    if (own) await own.exited;
    else while (await stillRunning(record.pid, record.pidStart)) await sleep(EXIT_POLL_MS);
    await this.indexers.get(id)?.check();
    this.indexers.get(id)?.stop();
    return this.stateOf(record);
  }

  async exec(id: string, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    const record = await this.files.container(id);
    if (!record) throw new RuntimeError("NotFound", `container ${id} not found`);
    // In the container's mount namespace when it has one (entered through its shim's pid).
    const { rewrite } = record;
    const argv = record.isolated ? ["nsenter", "--target", String(record.pid), "--mount", `--wd=${record.cwd}`, "--", ...command] : command.map((a) => (rewrite ? rewritePaths(a, rewrite.mounts, rewrite.root) : a));
    return new Promise((resolve) => {
      const child = spawn(argv[0], argv.slice(1), { env: record.env, cwd: record.isolated ? "/" : record.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
      let output = "";
      const collect = (chunk: Buffer) => {
        if (output.length < EXEC_OUTPUT_LIMIT) output += chunk.toString().slice(0, EXEC_OUTPUT_LIMIT - output.length);
      };
      child.stdout?.on("data", collect);
      child.stderr?.on("data", collect);
      const timer = setTimeout(() => child.pid && signalGroup(child.pid, "SIGKILL"), timeoutMs);
      child.once("error", (err) => {
        clearTimeout(timer);
        resolve({ exitCode: 126, output: err.message });
      });
      child.once("close", (code) => {
        clearTimeout(timer);
        // Killed at the timeout (or by a signal): the probe failed.
        resolve({ exitCode: code ?? 137, output });
      });
    });
  }

  logs(id: string, options: LogOptions): AsyncIterable<Uint8Array> {
    const files = this.files;
    const waitExit = (): Promise<unknown> => this.waitExit(id);
    return (async function* () {
      const record = await files.container(id);
      if (!record) throw new RuntimeError("NotFound", `container ${id} not found`);
      const exited = options.follow ? waitExit() : Promise.resolve();
      yield* readLog({ logPath: files.logPath(id), indexPath: files.indexPath(id), exited }, options);
    })();
  }

  async usage(id: string): Promise<Usage | undefined> {
    const record = await this.files.container(id);
    if (!record || !(await stillRunning(record.pid, record.pidStart))) return undefined;
    const fromGroup = record.cgroup ? await (await this.groups())?.usage(id) : undefined;
    return fromGroup ? { cpuNanos: fromGroup.cpuNanos, memoryBytes: fromGroup.memoryBytes } : groupUsage(record.pid);
  }

  async close(): Promise<void> {
    for (const indexer of this.indexers.values()) indexer.stop();
    this.indexers.clear();
  }
}

function exitedState(code: number, startedAt: string, at: number, oomKilled = false): ContainerState {
  const reason = oomKilled ? "OOMKilled" : code === 0 ? "Completed" : "Error";
  return { state: "exited", exitCode: code, reason, startedAt, finishedAt: new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z") };
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_SIZE = 4096;

/** CPU time and resident memory of every process in the group led by `pgid`. */
async function groupUsage(pgid: number): Promise<Usage> {
  let ticks = 0;
  let pages = 0;
  for (const entry of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
    pages += Number(fields[21]);
  }
  return { cpuNanos: (ticks / CLOCK_TICKS_PER_SECOND) * 1e9, memoryBytes: pages * PAGE_SIZE };
}
