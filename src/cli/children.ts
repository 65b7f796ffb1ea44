// The child processes a command started, and stopping them all. Each child runs in its own
// process group: wrangler starts workerd and esbuild below itself, and signalling the group is
// the only way to reach those grandchildren too. A group of its own also keeps the terminal's
// Ctrl-C away from the children, so the parent decides the order in which things stop.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Every line the child writes to stdout or stderr. */
  onLine(line: string): void;
}

export interface Child {
  name: string;
  process: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the child has exited. */
  exited: Promise<number | string>;
}

const STOP_GRACE_MS = 5_000;

export class Children {
  private readonly list: Child[] = [];
  // Last resort when the parent exits without stopping us (an uncaught error, process.exit()):
  // exit handlers must be synchronous, so the groups get SIGKILL straight away.
  private readonly killOnExit = (): void => this.killAllNow();

  spawn(name: string, command: string, args: string[], options: SpawnOptions): Child {
    const proc = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [proc.stdout, proc.stderr]) {
      if (stream) createInterface({ input: stream }).on("line", options.onLine);
    }
    const exited = new Promise<number | string>((resolve) => {
      proc.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
      proc.once("error", (err) => resolve(err.message));
    });
    const child = { name, process: proc, exited };
    if (this.list.length === 0) process.on("exit", this.killOnExit);
    this.list.push(child);
    return child;
  }

  /** SIGTERM to every group, newest first; SIGKILL to any group still there after a grace period. */
  async stopAll(): Promise<void> {
    const stopping = this.list.splice(0).reverse();
    process.off("exit", this.killOnExit);
    for (const child of stopping) {
      signalGroup(child, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child, "SIGKILL"), STOP_GRACE_MS);
      await child.exited;
      clearTimeout(timer);
      // wrangler may exit before workerd does; make sure nothing of the group outlives it.
      signalGroup(child, "SIGKILL");
    }
  }

  private killAllNow(): void {
    for (const child of this.list) signalGroup(child, "SIGKILL");
  }
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  if (child.process.pid === undefined) return;
  try {
    process.kill(-child.process.pid, signal);
  } catch {
    // ESRCH: the whole group is already gone.
  }
}
