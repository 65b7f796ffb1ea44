// The two servers the benchmark drives, behind one shape: the API Worker and the D1 floor Worker,
// each on its own Miniflare with a fresh database, with the requests that create and get a pod.
import { randomBytes } from "node:crypto";
import type { Agent } from "undici";
import { keepAliveAgent, runLoad, type Call, type LoadResult } from "./load";
import { newServiceAccountKey } from "../../src/cli/secrets";
import { applyMigrations, serve, type Served } from "./miniflare";
import { processCpuMs } from "./proc";

export const CLIENTS = 32;
export const PODS = "/api/v1/namespaces/default/pods";

export interface Target {
  label: string;
  origin: string;
  headers: Record<string, string>;
  agent: Agent;
  server: Served;
  /** A pod create; on the API, of a pod for a scheduler that does not run, so nothing follows it (as on the floor). */
  create(name: string): Call;
  /** On the API, a pod create that edgeplane's scheduler follows with writes of its own. */
  createScheduled?: (name: string) => Call;
  get(name: string): Call;
  /**
   * Waits until the server's background work stops writing (the API's scheduler follows every
   * pod create with writes of its own); absent where a server has none (the floor).
   */
  settle?: () => Promise<Settled>;
  /** Closes the clients' connections and stops the server (removing its data). */
  close(): Promise<void>;
}

export interface Settled {
  /** The cluster revision once quiet. */
  rv: number;
  /** Time from the call to the last change seen. */
  ms: number;
}

export interface Limits {
  count: number;
  maxMs: number;
}

export function phase(t: Target, clients: number, limits: Limits, call: (i: number) => Call, header?: string): Promise<LoadResult> {
  const serverCpuMs = () => processCpuMs(t.server.pid);
  return runLoad({ origin: t.origin, headers: t.headers, agent: t.agent, clients, ...limits, call, header, serverCpuMs });
}

/**
 * The scheduler the API's measured pods name. None runs by that name, so, as in Kubernetes, no
 * scheduler writes anything for them: a create is then one D1 write, as on the floor.
 */
const UNSCHEDULED = "bench-unscheduled";

function minimalPod(name: string, schedulerName?: string): string {
  return JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { ...(schedulerName ? { schedulerName } : {}), containers: [{ name: "app", image: "busybox:1.36" }] } });
}

function closer(agent: Agent, server: Served): () => Promise<void> {
  return async () => {
    await agent.close().catch(() => {});
    await server.stop();
  };
}

const SETTLE = { quietMs: 1_500, pollMs: 100, maxMs: 60_000 };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The cluster revision: a LIST's resourceVersion is the changelog's head, across all resources. */
export async function revision(t: Target): Promise<number> {
  const res = await phase(t, 1, { count: 1, maxMs: 30_000 }, () => ({ method: "GET", path: `${PODS}?limit=1`, expect: 200 }));
  return Number((JSON.parse(res.lastBody) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
}

async function settleApi(t: Target): Promise<Settled> {
  const start = performance.now();
  let rv = await revision(t);
  let changed = start;
  while (performance.now() - start < SETTLE.maxMs && performance.now() - changed < SETTLE.quietMs) {
    await sleep(SETTLE.pollMs);
    const now = await revision(t);
    if (now !== rv) {
      rv = now;
      changed = performance.now();
    }
  }
  return { rv, ms: changed - start };
}

export async function startApi(scriptPath: string, inspectorPort?: number): Promise<Target> {
  const token = randomBytes(24).toString("hex");
  // The service account key signs the tokens that the agent requests for every pod's
  // kube-api-access volume (automounted by admission): without it no pod could start.
  const server = await serve({ scriptPath, bindings: { ADMIN_TOKENS: token, SERVICE_ACCOUNT_KEYS: newServiceAccountKey() }, inspectorPort });
  const agent = keepAliveAgent(CLIENTS);
  const t: Target = {
    label: "API",
    origin: server.url,
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
    agent,
    server,
    create: (name) => ({ method: "POST", path: PODS, body: minimalPod(name, UNSCHEDULED), expect: 201 }),
    createScheduled: (name) => ({ method: "POST", path: PODS, body: minimalPod(name), expect: 201 }),
    get: (name) => ({ method: "GET", path: `${PODS}/${name}`, expect: 200 }),
    settle: () => settleApi(t),
    close: closer(agent, server),
  };
  try {
    await applyMigrations(server.db);
    await phase(t, 1, { count: 1, maxMs: 30_000 }, () => ({ method: "GET", path: "/readyz", expect: 200 }));
    return t;
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** Splits a stored pod at its name, so each floor request stores the same object under a new name. */
function podTemplate(storedPod: string): (name: string) => string {
  const marker = "@@name@@";
  const pod = JSON.parse(storedPod) as { metadata: { name: string } };
  pod.metadata.name = marker;
  const parts = JSON.stringify(pod).split(marker);
  return (name) => parts.join(name);
}

/** The floor Worker, storing `storedPod` (a pod as the API stored it) so both write rows of one size. */
export async function startFloor(scriptPath: string, storedPod: string, inspectorPort?: number): Promise<Target> {
  const server = await serve({ scriptPath, bindings: {}, withoutDurableObjects: true, inspectorPort });
  const agent = keepAliveAgent(CLIENTS);
  const body = podTemplate(storedPod);
  const t: Target = {
    label: "floor",
    origin: server.url,
    headers: {},
    agent,
    server,
    create: (name) => ({ method: "POST", path: `/pods/${name}`, body: body(name), expect: 201 }),
    get: (name) => ({ method: "GET", path: `/pods/${name}`, expect: 200 }),
    close: closer(agent, server),
  };
  try {
    await applyMigrations(server.db);
    // Store.create's guard requires an active namespace row; the API's bootstrap writes it there.
    await server.db
      .prepare(`INSERT INTO objects (resource, namespace, name, uid, rv, data) VALUES ('namespaces', '', 'default', 'floor-ns-default', 0, ?)`)
      .bind(JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } }))
      .run();
    return t;
  } catch (err) {
    await t.close();
    throw err;
  }
}
