#!/usr/bin/env node
// The edgeplane command: runs the TypeScript CLI (src/cli/main.ts) under the Node 22 of the
// project's node@22 devDependency, whatever Node started this script (wrangler needs 22), with
// tsx loaded into that one process (`--import tsx`). Not through the tsx command: it runs the
// script in a second process and SIGKILLs it when it does not acknowledge a signal within 30 ms,
// which a busy machine can miss, and a killed CLI cannot stop what it started.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, "node_modules", ".bin");
// Resolved here, next to node_modules: `--import tsx` alone would resolve from the caller's directory.
const tsx = import.meta.resolve("tsx");
const child = spawn(join(binDir, "node"), ["--import", tsx, join(root, "src", "cli", "main.ts"), ...process.argv.slice(2)], {
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
