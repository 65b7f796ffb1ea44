// Serving a Worker straight on Miniflare, without `wrangler dev`: its Node proxy in front of
// workerd costs about 3x in throughput here, which would hide what the API itself costs.
// Bindings, Durable Objects and the compatibility settings come from wrangler.toml through
// wrangler's own reader, so a binding added there is served here without a change.
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { build } from "esbuild";
import type * as MiniflareModule from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";
import { childPids } from "./proc";
import { PROJECT_DIR, WRANGLER_CONFIG, runWrangler, wranglerEnv } from "../../src/cli/wrangler";

// The Miniflare (and workerd) that wrangler itself runs. node_modules/miniflare is an older copy
// hoisted for the vitest plugin; wrangler's may be nested under it, so resolve from wrangler.
const requireFromWrangler = createRequire(createRequire(import.meta.url).resolve("wrangler/package.json"));
const miniflare = requireFromWrangler("miniflare") as typeof MiniflareModule;
export const MINIFLARE_VERSION = (requireFromWrangler("miniflare/package.json") as { version: string }).version;

export type Miniflare = MiniflareModule.Miniflare;
export type D1 = Awaited<ReturnType<Miniflare["getD1Database"]>>;

/** The worker options wrangler.toml describes (bindings, Durable Objects, compatibility), without a script. */
export function projectWorkerOptions(): ReturnType<typeof unstable_getMiniflareWorkerOptions> {
  return unstable_getMiniflareWorkerOptions(WRANGLER_CONFIG);
}

/** Bundles the project's Worker as `wrangler deploy` would (offline, with --dry-run); returns the entry module's path. */
export async function buildApiWorker(outDir: string, log: (line: string) => void): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  await runWrangler(["deploy", "--dry-run", "--outdir", outDir], {
    env: wranglerEnv(join(dirname(outDir), "logs")),
    onLine: (line) => {
      if (/error|warn/i.test(line)) log(`wrangler | ${line}`);
    },
  });
  const main = projectWorkerOptions().main ?? join(PROJECT_DIR, "src", "worker.ts");
  return join(outDir, basename(main).replace(/\.[cm]?[jt]s$/, ".js"));
}

/** Bundles a small self-contained Worker (the D1 floor) with esbuild, the bundler wrangler uses. */
export async function buildSmallWorker(entry: string, outFile: string): Promise<string> {
  await mkdir(dirname(outFile), { recursive: true });
  await build({ entryPoints: [entry], outfile: outFile, bundle: true, format: "esm", platform: "neutral", target: "es2022", logLevel: "warning" });
  return outFile;
}

export interface ServeOptions {
  /** The bundled ES module to run. */
  scriptPath: string;
  /** Extra plain-text bindings (secrets such as ADMIN_TOKENS). */
  bindings: Record<string, string>;
  /** Leave out wrangler.toml's Durable Objects: the floor Worker exports no classes for them. */
  withoutDurableObjects?: boolean;
  /** Chrome DevTools inspector port for CPU profiles; none unless profiling. */
  inspectorPort?: number;
}

export interface Served {
  url: string;
  /** workerd's pid, for its CPU time (undefined where /proc cannot tell). */
  pid?: number;
  mf: Miniflare;
  db: D1;
  /** Disposes of Miniflare (workerd exits) and removes the persisted state. Safe to call twice. */
  stop(): Promise<void>;
}

// wrangler's worker options type most fields as `unknown` (an index signature); the vars it read
// from wrangler.toml are a plain object of JSON values when present.
function tomlVars(value: unknown): Record<string, MiniflareModule.Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...(value as Record<string, MiniflareModule.Json>) } : {};
}

/**
 * The modules of a bundle, entry first. Miniflare 5 no longer finds a bundle's other modules by
 * rules, so every module file next to the entry is listed (wrangler's bundle is one file today;
 * chunks and wasm would sit beside it).
 */
async function bundleModules(entry: string): Promise<MiniflareModule.V4ModuleDefinition[]> {
  const dir = dirname(entry);
  const others = (await readdir(dir)).map((f) => join(dir, f)).filter((f) => f !== entry);
  return [
    { type: "ESModule", path: entry },
    ...others.filter((f) => /\.m?js$/.test(f)).map((path) => ({ type: "ESModule" as const, path })),
    ...others.filter((f) => f.endsWith(".wasm")).map((path) => ({ type: "CompiledWasm" as const, path })),
  ];
}

/** Starts the Worker on a free loopback port, with D1 and Durable Objects persisted to a fresh temp dir. */
export async function serve(options: ServeOptions): Promise<Served> {
  const { modulesRules: _rules, ...workerOptions } = projectWorkerOptions().workerOptions;
  const modules = await bundleModules(options.scriptPath);
  const stateDir = await mkdtemp(join(tmpdir(), "edgeplane-bench-"));
  // Miniflare 5 takes a new options shape; wrangler describes workers in the v4 one and converts
  // it the same way when it starts `wrangler dev`.
  const worker: MiniflareModule.V4WorkerOptions = {
    ...workerOptions,
    ...(options.withoutDurableObjects ? { durableObjects: {}, additionalUnboundDurableObjects: [] } : {}),
    name: "bench",
    modules,
    modulesRoot: dirname(options.scriptPath),
    bindings: { ...tomlVars(workerOptions.bindings), ...options.bindings },
  };
  let mf: Miniflare | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      try {
        await mf?.dispose();
      } finally {
        await rm(stateDir, { recursive: true, force: true });
      }
    })());
  const before = new Set(await childPids("workerd"));
  try {
    mf = new miniflare.Miniflare(
      miniflare.convertV4MiniflareOptions({
        host: "127.0.0.1",
        port: 0,
        inspectorPort: options.inspectorPort,
        resourcePersistencePath: join(stateDir, "persist"),
        resourceTmpPath: join(stateDir, "tmp"),
        logRequests: false,
        // Loopback only: nothing leaves the machine.
        telemetry: { enabled: false },
        workers: [worker],
      }),
    );
    const url = (await mf.ready).origin;
    const db = await mf.getD1Database("DB");
    const pid = (await childPids("workerd")).find((p) => !before.has(p));
    return { url, pid, mf, db, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Applies every SQL migration of migrations/, in name order, each file as one batch (as wrangler does). */
export async function applyMigrations(db: D1, dir = join(PROJECT_DIR, "migrations")): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  for (const file of files) {
    const statements = unstable_splitSqlQuery(await readFile(join(dir, file), "utf8"));
    await db.batch(statements.map((s) => db.prepare(s)));
  }
  return files;
}
