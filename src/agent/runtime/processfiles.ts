// The process runtime's state on disk, which is what lets a restarted agent adopt what it left
// running. Layout under <state>/process:
//   sandboxes/<id>.json           the sandbox: labels, IP, its root directory
//   containers/<id>/record.json   labels, command line, pid and the pid's kernel start time
//   containers/<id>/exit          the exit code, written by the shim when the process ends
//   containers/<id>/log           stdout and stderr; log.index: see logfile.ts
import { mkdir, readFile, readdir, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ManagedLabels, Sandbox } from "./types";

export interface SandboxRecord extends Sandbox {
  labels: ManagedLabels;
  hostname: string;
  /** The pod's root: default working directory, and where volumes appear without a mount namespace. */
  root: string;
}

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  labels: ManagedLabels & { containerName: string; attempt: number };
  image: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Ran in its own mount namespace (exec enters it). */
  isolated: boolean;
  /** Has a cgroup of its own (limits, usage, OOM kills). */
  cgroup?: boolean;
  /** Without a mount namespace: the pod root and mounts that exec commands' paths are rewritten with. */
  rewrite?: { root: string; mounts: { hostPath: string; containerPath: string; readOnly: boolean }[] };
  createdAt: string;
  startedAt: string;
  pid: number;
  /** /proc/<pid>/stat start time, so a reused pid is never mistaken for the container. */
  pidStart: string;
}

export class ProcessFiles {
  constructor(readonly root: string) {}

  sandboxPath(id: string): string {
    return join(this.root, "sandboxes", `${id}.json`);
  }

  containerDir(id: string): string {
    return join(this.root, "containers", id);
  }

  logPath(id: string): string {
    return join(this.containerDir(id), "log");
  }

  indexPath(id: string): string {
    return join(this.containerDir(id), "log.index");
  }

  exitPath(id: string): string {
    return join(this.containerDir(id), "exit");
  }

  async init(): Promise<void> {
    await mkdir(join(this.root, "sandboxes"), { recursive: true });
    await mkdir(join(this.root, "containers"), { recursive: true });
  }

  async writeJson(path: string, value: unknown): Promise<void> {
    // Write-then-rename: a crash never leaves half a record.
    await writeFile(`${path}.tmp`, JSON.stringify(value));
    await rename(`${path}.tmp`, path);
  }

  async sandboxes(): Promise<SandboxRecord[]> {
    const names = await readdir(join(this.root, "sandboxes")).catch(() => []);
    const out: SandboxRecord[] = [];
    for (const name of names.filter((n) => n.endsWith(".json"))) {
      const record = await readJson<SandboxRecord>(join(this.root, "sandboxes", name));
      if (record) out.push(record);
    }
    return out;
  }

  async containers(): Promise<ContainerRecord[]> {
    const ids = await readdir(join(this.root, "containers")).catch(() => []);
    const out: ContainerRecord[] = [];
    for (const id of ids) {
      const record = await this.container(id);
      if (record) out.push(record);
    }
    return out;
  }

  container(id: string): Promise<ContainerRecord | undefined> {
    return readJson<ContainerRecord>(join(this.containerDir(id), "record.json"));
  }

  /** The recorded exit code and when it was recorded, if the process has ended. */
  async exit(id: string): Promise<{ code: number; at: number } | undefined> {
    try {
      const path = this.exitPath(id);
      const code = Number((await readFile(path, "utf8")).trim());
      return Number.isInteger(code) ? { code, at: (await stat(path)).mtimeMs } : undefined;
    } catch {
      return undefined;
    }
  }

  async writeExit(id: string, code: number): Promise<void> {
    await writeFile(this.exitPath(id), `${code}\n`, { flag: "wx" }).catch(() => undefined);
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat), or undefined if it is gone. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces: count from its end.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that was `pid` at `start` is still there (a zombie counts as gone). */
export async function stillRunning(pid: number, start: string): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] !== "Z" && fields[19] === start;
  } catch {
    return false;
  }
}
