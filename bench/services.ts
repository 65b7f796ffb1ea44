// `npm run bench:services`: the Services benchmark of issue [4 of 6]. Builds the Worker, serves
// it on Miniflare directly, plays one pod with an HTTP server in this process (its status patched
// to Ready on 127.0.0.1, as an agent would), publishes it through a LoadBalancer Service, and in
// the same run measures requests to the pod directly, through the edge hostname and through the
// API's services/proxy: one client (latency) and 32 clients (throughput). Appends the table to
// bench/RESULTS.md. Target: at most 2 ms added at p50 through the edge.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { keepAliveAgent, runLoad, type LoadResult } from "./lib/load";
import { processCpuMs } from "./lib/proc";
import { buildApiWorker } from "./lib/miniflare";
import { describeMachine, describeRevision, describeVersions } from "./lib/machine";
import { appendSection } from "./lib/report";
import { ms } from "./lib/stats";
import { startApi, type Target } from "./lib/targets";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(BENCH_DIR, "RESULTS.md");
const SERIAL = { count: 2_000, maxMs: 15_000 };
const PARALLEL = { count: 20_000, maxMs: 15_000 };
const CLIENTS = 32;
const HOST = "bench.default.edgeplane.local";
const TARGET_ADDED_P50_MS = 2;

const log = (line: string): void => console.log(`[bench] ${line}`);

function startPod(): Promise<Server> {
  const server = createServer((_req, res) => res.end("bench-pod"));
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function call(t: Target, method: string, path: string, body: unknown, expect: number, contentType = "application/json"): Promise<void> {
  const res = await request(t.origin + path, { method, headers: { ...t.headers, "content-type": contentType }, body: JSON.stringify(body), dispatcher: t.agent });
  const text = await res.body.text();
  if (res.statusCode !== expect) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`);
}

/** The pod object, bound and Ready on 127.0.0.1:port, and a LoadBalancer Service in front of it. */
async function setUp(t: Target, port: number): Promise<void> {
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "bench-pod", labels: { app: "bench" } }, spec: { nodeName: "bench-node", containers: [{ name: "c", image: "i", ports: [{ name: "http", containerPort: port }] }] } };
  await call(t, "POST", "/api/v1/namespaces/default/pods", pod, 201);
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const status = { status: { phase: "Running", podIP: "127.0.0.1", podIPs: [{ ip: "127.0.0.1" }], conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }] } };
  await call(t, "PATCH", "/api/v1/namespaces/default/pods/bench-pod/status", status, 200, "application/merge-patch+json");
  const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "bench" }, spec: { type: "LoadBalancer", selector: { app: "bench" }, ports: [{ port: 80, targetPort: "http" }] } };
  await call(t, "POST", "/api/v1/namespaces/default/services", svc, 201);
}

async function waitForEdge(origin: string): Promise<void> {
  const agent = keepAliveAgent(1);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await runLoad({ origin, headers: { host: HOST }, agent, clients: 1, count: 1, maxMs: 5_000, call: () => ({ method: "GET", path: "/", expect: 200 }) });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await agent.close();
}

interface Row {
  label: string;
  result: LoadResult;
}

function row({ label, result }: Row): string {
  const l = result.latency;
  return `| ${label} | ${result.perSecond.toFixed(0)}/s | ${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)} | ${Number.isFinite(result.serverCpuMs) ? result.serverCpuMs.toFixed(2) : ""} | ${result.done} in ${(result.elapsedMs / 1000).toFixed(1)} s |`;
}

async function main(): Promise<void> {
  const started = Date.now();
  log("building the Worker");
  const script = await buildApiWorker(join(BENCH_DIR, ".state", "services-build"), log);
  const api = await startApi(script);
  const pod = await startPod();
  const podPort = (pod.address() as AddressInfo).port;
  try {
    await setUp(api, podPort);
    await waitForEdge(api.origin);
    const direct = { origin: `http://127.0.0.1:${podPort}`, headers: {}, agent: keepAliveAgent(CLIENTS) };
    const edge = { origin: api.origin, headers: { host: HOST }, agent: api.agent };
    const viaApi = { origin: api.origin, headers: api.headers, agent: api.agent };
    const get = (path: string) => () => ({ method: "GET" as const, path, expect: 200 });
    const workerdCpuMs = () => processCpuMs(api.server.pid);
    const rows: Row[] = [];
    const measure = async (label: string, side: typeof direct, clients: number, limits: { count: number; maxMs: number }, path = "/") => {
      log(`${label}`);
      const result = await runLoad({ ...side, clients, ...limits, call: get(path), serverCpuMs: side === direct ? undefined : workerdCpuMs });
      rows.push({ label, result });
      return result;
    };
    // Warm both paths, then alternate so that both see the machine in the same state.
    await measure("warm-up direct", direct, 1, { count: 300, maxMs: 5_000 });
    await measure("warm-up edge", edge, 1, { count: 300, maxMs: 5_000 });
    rows.length = 0;
    const d1 = await measure("pod directly, 1 client", direct, 1, SERIAL);
    const e1 = await measure("edge hostname, 1 client", edge, 1, SERIAL);
    const a1 = await measure("API services/proxy, 1 client", viaApi, 1, SERIAL, "/api/v1/namespaces/default/services/bench:80/proxy/");
    const dN = await measure(`pod directly, ${CLIENTS} clients`, direct, CLIENTS, PARALLEL);
    const eN = await measure(`edge hostname, ${CLIENTS} clients`, edge, CLIENTS, PARALLEL);
    await direct.agent.close();
    const added = e1.latency.p50 - d1.latency.p50;
    const machine = await describeMachine();
    const revision = await describeRevision();
    const section = [
      `## Services (issue [4 of 6]) — ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
      "",
      `- Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory} memory; Node ${machine.node}; ${describeVersions()}.`,
      `- Commit: ${revision.commit}${revision.dirty ? " (the working tree had uncommitted changes under src/, migrations/ or the config)" : ""}.`,
      "- Setup: the Worker on Miniflare directly (no wrangler dev proxy); one pod played by a Node HTTP server in the benchmark's own process on 127.0.0.1, behind a LoadBalancer Service; keep-alive clients (undici) in the same process; the edge request carries the Service's hostname as Host, the API request the admin token. The proxy resolves the Service from a half-second cache, so the store is read about twice a second.",
      `- Run took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      "",
      "| path | throughput | p50 / p99 / max ms | workerd CPU ms/req | sample |",
      "| --- | --- | --- | --- | --- |",
      ...rows.map(row),
      `| added at p50 through the edge, 1 client |  | ${ms(added)} |  |  |`,
      `| added at p50 through services/proxy, 1 client |  | ${ms(a1.latency.p50 - d1.latency.p50)} |  |  |`,
      `| edge / direct throughput, ${CLIENTS} clients | ${(eN.perSecond / dN.perSecond).toFixed(2)}× |  |  |  |`,
      "",
      `- At most ${TARGET_ADDED_P50_MS} ms added at p50 through the edge: **${added <= TARGET_ADDED_P50_MS ? "met" : "not met"}** (${ms(added)} ms).`,
      "",
    ].join("\n");
    console.log(section);
    await appendSection(RESULTS, section);
  } finally {
    pod.close();
    await api.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
