// The agent as one JavaScript file, built with esbuild (the bundler wrangler and tsx use) when
// `edgeplane agent` starts: a node runs it with plain Node, without tsx's loader, whose compiler
// would otherwise stay resident in the agent (about 20 MB of its memory). The bundle is written
// beside the sources' newest change, so a second start with unchanged sources reuses it.
import { mkdir, readdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The newest modification time under `dir` (TypeScript sources only). */
async function newest(dir) {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath ?? dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, await newest(path));
    else if (entry.name.endsWith(".ts")) latest = Math.max(latest, (await stat(path)).mtimeMs);
  }
  return latest;
}

/** Builds (or reuses) `<outDir>/agent.mjs` from the project at `root`; returns its path. */
export async function bundleAgent(root, outDir) {
  const outfile = join(outDir, "agent.mjs");
  const built = await stat(outfile).then((s) => s.mtimeMs, () => 0);
  // This file shapes the bundle too (its entry): a change here rebuilds it as a source change does.
  const self = (await stat(fileURLToPath(import.meta.url))).mtimeMs;
  if (built > Math.max(self, await newest(join(root, "src")))) return outfile;
  await mkdir(outDir, { recursive: true });
  const { build } = await import("esbuild");
  await build({
    stdin: {
      // Exits when the command ends: a keep-alive socket left open must not keep a stopped agent (and
      // its --cpu-prof profile) waiting for the SIGKILL.
      contents: `import { agentCommand } from "./src/agent/main";\nprocess.exit(await agentCommand(process.argv.slice(2)));\n`,
      resolveDir: root,
      loader: "ts",
      sourcefile: "agent-entry.ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    // Written aside and renamed into place: agents starting together never run a half-written file.
    outfile: `${outfile}.${process.pid}.tmp.mjs`,
    logLevel: "warning",
    // Some dependencies are CommonJS and call require(): give the ES module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  await rename(`${outfile}.${process.pid}.tmp.mjs`, outfile);
  return outfile;
}
