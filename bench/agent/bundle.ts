// The agent as one JavaScript file (esbuild, the bundler wrangler and tsx use), to measure its
// memory without tsx: the shipped command (bin/edgeplane.mjs) compiles the TypeScript at start
// through tsx's loader, which stays resident in the agent's process.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { PROJECT_DIR } from "../../src/cli/wrangler";

/** Bundles `edgeplane agent` (src/agent/main.ts agentCommand) into `outDir`/agent.mjs; returns its path. */
export async function bundleAgent(outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, "agent.mjs");
  await build({
    stdin: {
      contents: `import { agentCommand } from "./src/agent/main";\nprocess.exitCode = await agentCommand(process.argv.slice(2));\n`,
      resolveDir: PROJECT_DIR,
      loader: "ts",
      sourcefile: "agent-entry.ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outfile,
    logLevel: "warning",
    // Some dependencies are CommonJS and call require(): give the ES module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return outfile;
}
