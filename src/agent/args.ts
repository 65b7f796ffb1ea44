// `edgeplane agent` command-line options.
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { POD_NETWORK_MODES, type PodNetworkMode } from "../services/podnetwork";
import type { Level } from "./log";

export const AGENT_USAGE = `Usage: edgeplane agent --kubeconfig FILE [--name NODE] [--runtime podman|process|simulated] [options]

Runs edgeplane's node agent: registers the node, renews its lease, runs the pods bound to it
and reports their status; serves logs through a tunnel to the control plane.

  --kubeconfig FILE    how to reach the control plane (default $KUBECONFIG, else ~/.kube/config)
  --context NAME       kubeconfig context (default: the current one)
  --name NODE          node name (default: this machine's hostname)
  --runtime NAME       podman | process | simulated (default process)
  --nodes K            simulated runtime only: play K nodes named NODE-0 .. NODE-(K-1)
  --state DIR          runtime state, pod volumes and logs (default .edgeplane/agent/NODE)
  --node-ip IP         the node's InternalIP (default: the first non-loopback IPv4 address)
  --node-labels K=V,.. extra node labels
  --lease-interval S   seconds between lease renewals (default 10)
  --start-delay MS     simulated: how long a container takes to start (default 0)
  --ready-delay MS     simulated: how long after starting a container turns ready (default 0)
  --isolation MODE     process runtime: auto | namespace | none (default auto: mount namespaces when root)
  --service-proxy MODE auto | nodeport | off: serve NodePorts and cluster IPs, NodePorts only, or
                       neither (default auto; always off for the simulated runtime)
  --pod-network MODE   direct | tunnel: how the control plane reaches this node's pods, at their
                       addresses or through the agent's tunnel (behind NAT); written to the Node
                       as edgeplane.dev/pod-network (default: leave the Node's annotation as it is)
  --log-level LEVEL    debug | info | warn | error (default info)`;

export type RuntimeName = "podman" | "process" | "simulated";

export interface AgentArgs {
  kubeconfig: string;
  context?: string;
  name: string;
  runtime: RuntimeName;
  nodes: number;
  stateDir: string;
  nodeIP?: string;
  labels: Record<string, string>;
  leaseIntervalMs: number;
  startDelayMs: number;
  readyDelayMs: number;
  isolation: "auto" | "namespace" | "none";
  serviceProxy: "auto" | "nodeport" | "off";
  podNetwork?: PodNetworkMode;
  logLevel: Level;
}

function positiveNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a non-negative number, not "${value}"`);
  return n;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${flag} must be one of ${allowed.join(", ")}, not "${value}"`);
  return value as T;
}

/** The parsed options, or "help". Throws with a message on a bad option. */
export function parseAgentArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): AgentArgs | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: "string" },
      context: { type: "string" },
      name: { type: "string" },
      runtime: { type: "string" },
      nodes: { type: "string" },
      state: { type: "string" },
      "node-ip": { type: "string" },
      "node-labels": { type: "string" },
      "lease-interval": { type: "string" },
      "start-delay": { type: "string" },
      "ready-delay": { type: "string" },
      isolation: { type: "string" },
      "service-proxy": { type: "string" },
      "pod-network": { type: "string" },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const runtime = oneOf(values.runtime, ["podman", "process", "simulated"] as const, "--runtime", "process");
  const nodes = positiveNumber(values.nodes, "--nodes", 1);
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error("--nodes must be a whole number of at least 1");
  if (nodes > 1 && runtime !== "simulated") throw new Error("--nodes is for the simulated runtime; one agent runs one real node");
  const name = (values.name ?? hostname()).toLowerCase();
  const labels: Record<string, string> = {};
  for (const pair of (values["node-labels"] ?? "").split(",").filter(Boolean)) {
    const [k, v = ""] = pair.split("=", 2);
    labels[k.trim()] = v.trim();
  }
  return {
    kubeconfig: values.kubeconfig ?? env.KUBECONFIG?.split(":")[0] ?? join(homedir(), ".kube", "config"),
    context: values.context,
    name,
    runtime,
    nodes,
    stateDir: values.state ?? join(".edgeplane", "agent", name),
    nodeIP: values["node-ip"],
    labels,
    leaseIntervalMs: positiveNumber(values["lease-interval"], "--lease-interval", 10) * 1000,
    startDelayMs: positiveNumber(values["start-delay"], "--start-delay", 0),
    readyDelayMs: positiveNumber(values["ready-delay"], "--ready-delay", 0),
    isolation: oneOf(values.isolation, ["auto", "namespace", "none"] as const, "--isolation", "auto"),
    serviceProxy: oneOf(values["service-proxy"], ["auto", "nodeport", "off"] as const, "--service-proxy", "auto"),
    podNetwork: values["pod-network"] === undefined ? undefined : oneOf(values["pod-network"], POD_NETWORK_MODES, "--pod-network", "direct"),
    logLevel: oneOf(values["log-level"], ["debug", "info", "warn", "error"] as const, "--log-level", "info"),
  };
}
