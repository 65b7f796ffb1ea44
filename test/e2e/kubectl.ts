// Running the installed kubectl: to completion with a time limit, or as a long-running process
// whose lines tests wait for (`get -w`, a `delete` that waits for finalizers).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlProcess {
  /** stdout lines so far. */
  lines: string[];
  /** Resolves with the first stdout line, already seen or still to come, that matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when kubectl exits. */
  exited: Promise<KubectlResult>;
  stop(): void;
}

export interface SpawnKubectl {
  argv: string[];
  env: NodeJS.ProcessEnv;
  input?: string;
  /** Told about the process when it starts and when it ends, so the harness can kill leftovers. */
  track(proc: ChildProcess, running: boolean): void;
}

export function startKubectl({ argv, env, input, track }: SpawnKubectl): KubectlProcess {
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; found(line: string): void }>();
  let stdout = "";
  let stderr = "";
  const proc = spawn("kubectl", argv, { env, stdio: ["pipe", "pipe", "pipe"] });
  track(proc, true);
  proc.stdin.end(input ?? "");
  proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  createInterface({ input: proc.stdout }).on("line", (line) => {
    lines.push(line);
    for (const waiter of waiters) if (waiter.pattern.test(line)) waiter.found(line);
  });
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<KubectlResult>((resolve) => {
    proc.once("error", (err) => resolve({ code: -1, stdout, stderr: stderr + err.message }));
    proc.once("close", (code) => {
      track(proc, false);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  const describe = `kubectl ${argv.filter((a) => !a.includes("kubeconfig") && !a.includes("cache")).join(" ")}`;

  return {
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 30_000) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const fail = (why: string): void => {
          waiters.delete(waiter);
          clearTimeout(timer);
          reject(new Error(`${describe}: ${why} a line matching ${pattern}; output:\n${stdout}${stderr}`));
        };
        const timer = setTimeout(() => fail(`${timeoutMs} ms without`), timeoutMs);
        const waiter = {
          pattern,
          found(line: string) {
            waiters.delete(waiter);
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.add(waiter);
        // readline may still hold the last lines when the process closes: look once more after them.
        void exited.then(() => setImmediate(() => waiters.has(waiter) && fail("exited without")));
      });
    },
    stop() {
      proc.kill("SIGTERM");
    },
  };
}

/** Runs kubectl to completion; after timeoutMs it is killed and the result has code -1. */
export async function runKubectl(spec: SpawnKubectl, timeoutMs: number): Promise<KubectlResult> {
  const run = startKubectl(spec);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    run.stop();
  }, timeoutMs);
  const result = await run.exited;
  clearTimeout(timer);
  return timedOut ? { ...result, code: -1, stderr: `${result.stderr}\n(kubectl killed after ${timeoutMs} ms)` } : result;
}
