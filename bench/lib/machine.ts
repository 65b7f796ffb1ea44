// What a result was measured on and with: the machine, the commit and whether the tree differed.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { PROJECT_DIR } from "../../src/cli/wrangler";
import { MINIFLARE_VERSION } from "./miniflare";

const run = promisify(execFile);

async function output(command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args, { cwd: PROJECT_DIR })).stdout.trim();
  } catch {
    return "";
  }
}

export interface Machine {
  cpus: string;
  memory: string;
  cpuModel: string;
  node: string;
}

export async function describeMachine(): Promise<Machine> {
  const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown";
  // `free -h`'s "Mem:" row, second column: the total.
  const memory = /^Mem:\s+(\S+)/m.exec(await output("free", ["-h"]))?.[1] ?? "unknown";
  return {
    cpus: (await output("nproc", [])) || String(availableParallelism()),
    memory,
    cpuModel: model,
    node: process.version,
  };
}

export interface Revision {
  commit: string;
  /** The measured code differed from the commit (the tree is shared; this says what ran). */
  dirty: boolean;
}

export async function describeRevision(): Promise<Revision> {
  const commit = (await output("git", ["rev-parse", "--short", "HEAD"])) || "unknown";
  const changed = await output("git", ["status", "--porcelain", "--", "src", "migrations", "wrangler.toml", "package.json"]);
  return { commit, dirty: changed !== "" };
}

/** The wrangler and Miniflare that served the Worker. */
export function describeVersions(): string {
  const require = createRequire(import.meta.url);
  const wrangler = (require("wrangler/package.json") as { version: string }).version;
  return `wrangler ${wrangler}, miniflare ${MINIFLARE_VERSION}`;
}
