// How the CLI runs wrangler: the copy in node_modules, under the Node that runs us (22+), with
// the project's wrangler.toml, offline and quiet.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root: wrangler.toml, migrations/ and src/worker.ts live there. */
export const PROJECT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WRANGLER_CONFIG = join(PROJECT_DIR, "wrangler.toml");

const wranglerPackage = createRequire(import.meta.url).resolve("wrangler/package.json");
export const WRANGLER_BIN = join(dirname(wranglerPackage), "bin", "wrangler.js");

/** The environment for every wrangler process: no network look-ups, no telemetry, logs kept in the state folder. */
export function wranglerEnv(logDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_LOG_PATH: logDir,
  };
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  onLine(line: string): void;
}

/** Runs a wrangler command to completion; rejects with its last lines of output when it fails. */
export function runWrangler(args: string[], { env, onLine }: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdin is closed so that prompts take their non-interactive defaults.
    const proc = spawn(process.execPath, [WRANGLER_BIN, ...args, "--config", WRANGLER_CONFIG], {
      cwd: PROJECT_DIR,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tail: string[] = [];
    const collect = (line: string): void => {
      onLine(line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    };
    for (const stream of [proc.stdout, proc.stderr]) createInterface({ input: stream }).on("line", collect);
    proc.once("error", reject);
    proc.once("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (${code}):\n${tail.join("\n")}`));
    });
  });
}

/** Applies migrations/ to the local D1 database under persistDir. */
export function applyMigrations(persistDir: string, options: RunOptions): Promise<void> {
  return runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], options);
}

export interface WranglerDevOptions {
  port: number;
  inspectorPort: number;
  persistDir: string;
  certPath: string;
  keyPath: string;
  adminToken: string;
  /** Further Worker secrets (signing and encryption keys) and vars (the CA pods trust), passed as --var like the admin token. */
  secretVars?: Record<string, string>;
}

/** The arguments of `node <wrangler> dev ...` for a local control plane. */
export function wranglerDevArgs(o: WranglerDevOptions): string[] {
  return [
    WRANGLER_BIN, "dev",
    "--config", WRANGLER_CONFIG,
    "--ip", "127.0.0.1",
    "--port", String(o.port),
    "--local-protocol", "https",
    "--https-key-path", o.keyPath,
    "--https-cert-path", o.certPath,
    "--inspector-port", String(o.inspectorPort),
    "--persist-to", o.persistDir,
    "--test-scheduled",
    "--show-interactive-dev-session=false",
    "--var", `ADMIN_TOKENS:${o.adminToken}`,
    ...Object.entries(o.secretVars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
}
