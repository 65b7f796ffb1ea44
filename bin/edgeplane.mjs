#!/usr/bin/env node
// The edgeplane command: runs the TypeScript CLI (src/cli/main.ts) under the Node 22 of the
// project's node@22 devDependency, whatever Node started this script (wrangler needs 22), with
// tsx loaded into that one process (`--import tsx`). Not through the tsx command: it runs the
// script in a second process and SIGKILLs it when it does not acknowledge a signal within 30 ms,
// which a busy machine can miss, and a killed CLI cannot stop what it started. The agent, which
// runs for long on every node, runs from a bundle instead (agent-bundle.mjs).
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleAgent } from "./agent-bundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, "node_modules", ".bin");
// Resolved here, next to node_modules: `--import tsx` alone would resolve from the caller's directory.
const tsx = import.meta.resolve("tsx");

/** `edgeplane agent` runs from a bundle with plain Node (agent-bundle.mjs); anything else, or a failed build, through tsx. */
async function command(args) {
  const throughTsx = ["--import", tsx, join(root, "src", "cli", "main.ts"), ...args];
  if (args[0] !== "agent") return throughTsx;
  try {
    return [await bundleAgent(root, join(root, "node_modules", ".cache", "edgeplane")), ...args.slice(1)];
  } catch (err) {
    console.error(`edgeplane: the agent could not be bundled (${err instanceof Error ? err.message : String(err)}); running it through tsx`);
    return throughTsx;
  }
}

const child = spawn(join(binDir, "node"), await command(process.argv.slice(2)), {
  stdio: "inherit",
  env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}` },
});

// Pass signals on: Ctrl-C reaches the whole foreground group anyway, but a SIGTERM sent to this
// process alone must reach the CLI too so that it stops what it started.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});
