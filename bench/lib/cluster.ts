// A whole local cluster for the cluster and agent benchmarks: the API Worker served on Miniflare
// as bench:api serves it (startApi), a kubeconfig for it, `edgeplane agent` as a child process,
// JSON requests, and the Durable Object stubs and cron trigger that Miniflare reaches from Node.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { stringify } from "yaml";
import { Children, type Child } from "../../src/cli/children";
import { PROJECT_DIR } from "../../src/cli/wrangler";
import { processRssBytes } from "./proc";
import { startApi, type Target } from "./targets";

export interface Cluster {
  api: Target;
  inspectorPort?: number;
  token: string;
  kubeconfigPath: string;
  /** Folder for agents' state; removed with the cluster's temp dir by the caller. */
  stateDir: string;
}

/**
 * Serves the Worker (fresh D1 and Durable Objects) and writes a kubeconfig for it under
 * `stateDir`; with an inspector port, workerd's isolates can be profiled (bench/lib/profile.ts).
 */
export async function startCluster(scriptPath: string, stateDir: string, inspectorPort?: number): Promise<Cluster> {
  const api = await startApi(scriptPath, inspectorPort);
  // startApi made a random admin token and put it in the clients' header; the agent needs it too.
  const token = api.headers.authorization.replace(/^Bearer /, "");
  await mkdir(stateDir, { recursive: true });
  const kubeconfigPath = join(stateDir, "kubeconfig");
  // Plain http on loopback: the agent's client speaks http as well as https, and a certificate
  // would only add TLS cost to every request the benchmark measures.
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "bench", cluster: { server: api.origin } }],
    users: [{ name: "bench-admin", user: { token } }],
    contexts: [{ name: "bench", context: { cluster: "bench", user: "bench-admin", namespace: "default" } }],
    "current-context": "bench",
  };
  await writeFile(kubeconfigPath, stringify(config), { mode: 0o600 });
  return { api, inspectorPort, token, kubeconfigPath, stateDir };
}

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One JSON request with the admin token over the cluster's keep-alive clients; a minute for an answer unless told. */
export async function call<T>(t: Target, method: Method, path: string, body?: unknown, timeoutMs = 60_000): Promise<JsonAnswer<T>> {
  const headers = body === undefined ? t.headers : { ...t.headers, "content-type": "application/json" };
  const res = await request(t.origin + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: t.agent,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Like call, but anything other than `expect` is an error. */
export async function must<T>(t: Target, method: Method, path: string, expect: number, body?: unknown, timeoutMs?: number): Promise<T> {
  const res = await call<T>(t, method, path, body, timeoutMs);
  if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status} (expected ${expect}): ${JSON.stringify(res.body).slice(0, 400)}`);
  return res.body;
}

export interface ItemList<T> {
  items: T[];
  metadata: { resourceVersion: string; continue?: string };
}

/** Every item of a collection, in pages of 1,000. */
export async function listAll<T>(t: Target, path: string, query: Record<string, string> = {}): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined;
  do {
    const q = new URLSearchParams({ ...query, limit: "1000", ...(next ? { continue: next } : {}) });
    const page = await must<ItemList<T>>(t, "GET", `${path}?${q}`, 200);
    out.push(...page.items);
    next = page.metadata.continue || undefined;
  } while (next);
  return out;
}

export interface SchedulerStats {
  bound: number;
  pending: number;
  unschedulable: number;
}
export interface ReconcilerStats {
  passes: number;
  failures: number;
  alarm: number | null;
}

// The RPC methods of the project's Durable Objects that the benchmarks call, typed here because
// Miniflare hands out stubs typed for the binding, not for the project's classes.
interface Stub<T> {
  stats(): Promise<T>;
}

async function stub<T>(t: Target, binding: string, name: string): Promise<Stub<T>> {
  const ns = await t.server.mf.getDurableObjectNamespace(binding);
  return ns.get(ns.idFromName(name)) as unknown as Stub<T>;
}

/**
 * Miniflare returns an RPC's object result as a proxy whose every property read is a round trip
 * to workerd: one JSON copy makes it a plain object.
 */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The scheduler Durable Object's counters (one object, named "scheduler" in src/wiring.ts). */
export async function schedulerStats(t: Target): Promise<SchedulerStats> {
  return plain(await (await stub<SchedulerStats>(t, "SCHEDULER", "scheduler")).stats());
}

export interface WatchHubStats {
  watchers: number;
  /** Changes delivered as their writers handed them over, and read from the log. */
  handed: number;
  read: number;
}

/** A resource's watch hub counters (src/store/watchhub.ts; one object per resource, named after it). */
export async function watchHubStats(t: Target, resource: string): Promise<WatchHubStats> {
  return plain(await (await stub<WatchHubStats>(t, "WATCH_HUB", resource)).stats());
}

/** A reconciler's counters by its Durable Object name (src/controllers/targets.ts targetName). */
export async function reconcilerStats(t: Target, name: string): Promise<ReconcilerStats> {
  return plain(await (await stub<ReconcilerStats>(t, "RECONCILER", name)).stats());
}

/** Runs the Worker's scheduled() once, as Cloudflare's minute trigger would (wrangler.toml: "* * * * *"). */
export async function fireCron(t: Target, at = new Date()): Promise<void> {
  const worker = await t.server.mf.getWorker();
  const result = await worker.scheduled({ scheduledTime: at, cron: "* * * * *" });
  if (result.outcome !== "ok") throw new Error(`scheduled() ended with ${result.outcome}`);
}

export interface AgentOptions {
  cluster: Cluster;
  name: string;
  runtime: "simulated" | "process" | "podman";
  nodes?: number;
  /** Further `edgeplane agent` flags (--lease-interval, --start-delay...). */
  args?: string[];
  /**
   * What Node runs, up to the agent's flags: by default the CLI through tsx's loader; the agent's
   * bundle (bin/agent-bundle.mjs), as bin/edgeplane.mjs runs it.
   */
  command?: string[];
  log(line: string): void;
}

export interface AgentProcess {
  /** The Node process that runs the agent (no tsx wrapper in between): its RSS is the agent's. */
  pid: number;
  lines: string[];
  child: Child;
  /** Resolves at the agent's "ready:" line (every node registered, first pod list handled). */
  ready(timeoutMs: number): Promise<void>;
  rssBytes(): Promise<number>;
  /** SIGTERM to its process group, SIGKILL after a grace period. */
  stop(): Promise<void>;
}

const MAX_WARNINGS = 20;

/**
 * Starts `edgeplane agent` as `node --import tsx src/cli/main.ts agent ...` (or `command`) in a process group of
 * its own (src/cli/children.ts), so that its pid is the agent's own Node process and stopping
 * the group stops everything it started but containers, which outlive it by design.
 */
export function startAgent(o: AgentOptions): AgentProcess {
  const children = new Children();
  const args = [
    ...(o.command ?? ["--import", "tsx", join(PROJECT_DIR, "src", "cli", "main.ts"), "agent"]),
    "--kubeconfig", o.cluster.kubeconfigPath,
    "--name", o.name,
    "--runtime", o.runtime,
    "--state", join(o.cluster.stateDir, "agents", o.name),
    "--nodes", String(o.nodes ?? 1),
    "--node-ip", "127.0.0.1",
    ...(o.args ?? []),
  ];
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  // Warnings are worth seeing, but a struggling server makes thousands; and those of an agent
  // being stopped (requests cut short) say nothing.
  let warnings = 0;
  let stopping = false;
  const child = children.spawn(`agent ${o.name}`, process.execPath, args, {
    cwd: PROJECT_DIR,
    env: process.env,
    onLine(line) {
      lines.push(line);
      if (lines.length > 2000) lines.splice(0, 1000);
      if (!stopping && /^\S+ (warn|error)\b/.test(line) && ++warnings <= MAX_WARNINGS) {
        o.log(`agent ${o.name} | ${line}${warnings === MAX_WARNINGS ? " (further warnings not shown)" : ""}`);
      }
      for (const w of waiters) w();
    },
  });
  const pid = child.process.pid;
  if (pid === undefined) throw new Error("the agent did not start");
  return {
    pid,
    lines,
    child,
    ready(timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (lines.some((l) => /\bready: /.test(l))) done(resolve);
        };
        const timer = setTimeout(() => done(() => reject(new Error(`agent ${o.name} not ready after ${timeoutMs / 1000} s:\n${lines.slice(-20).join("\n")}`))), timeoutMs);
        const exited = (code: number | string): void => done(() => reject(new Error(`agent ${o.name} exited (${code}):\n${lines.slice(-20).join("\n")}`)));
        const done = (then: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        void child.exited.then(exited);
        waiters.add(check);
        check();
      });
    },
    rssBytes: () => processRssBytes(pid),
    stop: () => {
      stopping = true;
      return children.stopAll();
    },
  };
}

/** Everything a run started, stopped newest first: on success, on error, on Ctrl-C and at the time limit. */
export class Cleanup {
  private readonly stops: (() => Promise<void>)[] = [];

  add(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  async run(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop().catch(() => undefined);
  }
}

/**
 * Runs a benchmark with a fresh temp folder and everything it starts stopped at the end: on
 * success, on error, on Ctrl-C or SIGTERM, and at `limitMs`. `name` names the temp folder.
 */
export async function runBounded(name: string, limitMs: number, main: (cleanup: Cleanup, stateRoot: string) => Promise<void>): Promise<void> {
  const cleanup = new Cleanup();
  const stateRoot = await mkdtemp(join(tmpdir(), `edgeplane-bench-${name}-`));
  const stopAll = async (): Promise<void> => {
    await cleanup.run();
    await rm(stateRoot, { recursive: true, force: true });
  };
  const bail = (why: string, code: number): void => {
    console.error(`[bench] ${why}: stopping`);
    void stopAll().then(() => process.exit(code));
  };
  const limit = setTimeout(() => bail(`over the ${(limitMs / 60_000).toFixed(0)}-minute limit`, 1), limitMs);
  process.once("SIGINT", () => bail("interrupted", 130));
  process.once("SIGTERM", () => bail("terminated", 143));
  try {
    await main(cleanup, stateRoot);
  } catch (err) {
    process.exitCode = 1;
    console.error(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    clearTimeout(limit);
    await stopAll();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A bare pod with small requests, so that request fit is checked but never the limit. */
export function benchPod(name: string, extra: { labels?: Record<string, string>; nodeSelector?: Record<string, string> } = {}): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      containers: [{ name: "app", image: "busybox:1.36", resources: { requests: { cpu: "10m", memory: "16Mi" } } }],
      ...(extra.nodeSelector ? { nodeSelector: extra.nodeSelector } : {}),
    },
  };
}
