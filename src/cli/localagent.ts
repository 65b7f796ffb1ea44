// The agent `edgeplane dev` runs beside the control plane: Podman where its service answers,
// else the process runtime (or what --runtime says). It runs in this process, so that Ctrl-C
// can stop its containers too (a standalone agent leaves them running for the next one to
// adopt); `dev` waits until its node is Ready before saying the cluster is up.
import { hostname } from "node:os";
import { join } from "node:path";
import { parseAgentArgs } from "../agent/args";
import { runAgent } from "../agent/main";
import { podmanAvailable } from "../agent/runtime/podman";
import { request } from "./http";

export type RuntimeChoice = "podman" | "process" | "simulated";

export interface LocalAgentOptions {
  url: string;
  token: string;
  caCert: string;
  kubeconfigPath: string;
  stateDir: string;
  runtime?: RuntimeChoice;
  /** Simulated runtime: how many nodes the one agent plays. */
  nodes?: number;
  log(line: string): void;
}

export interface LocalAgent {
  runtime: RuntimeChoice;
  nodeNames: string[];
  /** Stops the agent and the containers or processes of its pods. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 500;

/** A DNS-1123 node name from this machine's hostname. */
export function localNodeName(): string {
  return hostname().toLowerCase().replace(/[^a-z0-9.-]/g, "-").replace(/^[-.]+|[-.]+$/g, "") || "edgeplane-node";
}

export async function startLocalAgent(o: LocalAgentOptions): Promise<LocalAgent> {
  const runtime = o.runtime ?? ((await podmanAvailable()) ? "podman" : "process");
  const name = localNodeName();
  const nodes = runtime === "simulated" ? Math.max(1, o.nodes ?? 1) : 1;
  const nodeNames = nodes > 1 ? Array.from({ length: nodes }, (_, i) => `${name}-${i}`) : [name];
  const argv = ["--kubeconfig", o.kubeconfigPath, "--name", name, "--runtime", runtime, "--state", join(o.stateDir, "agent"), "--nodes", String(nodes)];
  const args = parseAgentArgs(argv);
  if (args === "help") throw new Error("unexpected agent arguments");
  o.log(`starting the agent (runtime ${runtime}) for ${nodeNames.length > 1 ? `nodes ${nodeNames[0]} .. ${nodeNames.at(-1)}` : `node ${name}`}`);
  const agent = await runAgent({ ...args, log: (level, message) => level !== "debug" && o.log(`agent | ${level} ${message}`) });
  const stop = () => agent.stop({ stopContainers: true });
  try {
    await agent.ready;
    await waitForNodesReady(o, nodeNames);
  } catch (err) {
    await stop();
    throw err;
  }
  return { runtime, nodeNames, stop };
}

async function nodeReady(o: LocalAgentOptions, node: string): Promise<boolean> {
  const res = await request(`${o.url}/api/v1/nodes/${node}`, { headers: { authorization: `Bearer ${o.token}` }, ca: o.caCert, timeoutMs: 5_000 });
  if (res.status !== 200) return false;
  const status = (JSON.parse(res.text) as { status?: { conditions?: { type: string; status: string }[] } }).status;
  return status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

async function waitForNodesReady(o: LocalAgentOptions, nodeNames: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // One sample node stands for the rest: a simulated agent registers its nodes together.
  const probe = [nodeNames[0], nodeNames[nodeNames.length - 1]];
  while (Date.now() < deadline) {
    try {
      if ((await Promise.all(probe.map((n) => nodeReady(o, n)))).every(Boolean)) return;
    } catch {
      // not reachable yet: keep waiting
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`node ${nodeNames[0]} was not Ready after ${READY_TIMEOUT_MS / 1000}s`);
}
