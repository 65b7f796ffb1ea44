// The agent (edgeplane's kubelet): wires the pieces together. For each node it plays: register
// the Node and keep its status current, renew its Lease, run the pods bound to it through the
// runtime, keep a tunnel open for logs and for traffic to pods behind NAT. One agent runs one real
// node, or many simulated ones (--nodes) sharing one API client, one pod watch and one
// ConfigMap/Secret cache.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Pod } from "../apis/core/v1/pod";
import { AGENT_USAGE, parseAgentArgs, type AgentArgs } from "./args";
import { systemClock } from "./clock";
import { POD_NETWORK_ANNOTATION } from "../services/podnetwork";
import { KubeClient } from "./kube/client";
import { loadKubeconfig } from "./kube/kubeconfig";
import { errorText, stderrLogger, type Logger } from "./log";
import { detectInternalIP, readMachine } from "./node/machine";
import { allocatable } from "./node/nodestatus";
import { startNodes } from "./nodes";
import type { BackoffLimits } from "./pods/backoff";
import { eventRecorder, noEvents } from "./pods/events";
import { PodManager } from "./pods/manager";
import { ObjectCache } from "./pods/objects";
import { passingProbes, runtimeProbes } from "./pods/probeexec";
import { ServiceAccountTokens } from "./pods/tokens";
import { watchPods } from "./podsource";
import { createRuntime, simulatedMachine } from "./runtimes";
import type { Runtime } from "./runtime/types";
import { agentHandler } from "./server/handler";
import { startServiceProxy } from "./serviceproxy/setup";
import { TunnelClient } from "./tunnel/client";

/** What runAgent needs; everything but where to connect, the name, runtime and state has a default. */
export interface AgentOptions extends Pick<AgentArgs, "kubeconfig" | "name" | "runtime" | "stateDir">, Partial<Omit<AgentArgs, "kubeconfig" | "name" | "runtime" | "stateDir" | "logLevel">> {
  log?: Logger;
  /** Restart back-off bounds (tests shorten them). */
  backoffLimits?: BackoffLimits;
  /** How often node status is checked (and written if it changed); default 10 s. */
  statusIntervalMs?: number;
}

export interface Agent {
  nodes: string[];
  /** Resolves once every node is registered and the first pod list has been handled. */
  ready: Promise<void>;
  /** Stops the agent; containers keep running for the next agent to adopt unless told otherwise. */
  stop(options?: { stopContainers?: boolean }): Promise<void>;
}

const STATUS_INTERVAL_MS = 10_000;
const DEFAULT_LEASE_INTERVAL_MS = 10_000;
/**
 * Requests in flight at once for node registrations, status reports and lease renewals when one
 * process plays many nodes: enough to keep a thousand leases renewed, few enough to leave the
 * control plane room for everyone else (a burst of many queues behind D1's single writer).
 */
const MANY_NODES_CONCURRENCY = 4;

export async function runAgent(options: AgentOptions): Promise<Agent> {
  const log = options.log ?? stderrLogger();
  const abort = new AbortController();
  const signal = abort.signal;
  const clock = systemClock;
  const stateDir = resolve(options.stateDir);
  await mkdir(stateDir, { recursive: true });
  const connection = await loadKubeconfig(options.kubeconfig, options.context);
  const nodeCount = options.nodes ?? 1;
  const many = nodeCount > 1;
  const client = new KubeClient(connection, { userAgent: `edgeplane-agent/${options.name}`, maxSockets: many ? 64 : 16 });
  const simulated = options.runtime === "simulated";
  const nodeNames = many ? Array.from({ length: nodeCount }, (_, i) => `${options.name}-${i}`) : [options.name];
  const hostIP = options.nodeIP ?? (simulated ? "127.0.0.1" : detectInternalIP());
  const pods = new Map<string, Pod>();
  const runtime = await createRuntime(options, { stateDir, hostIP, podByUid: (uid) => pods.get(uid) });
  const runtimeVersion = await runtime.version();

  const { facts } = await startNodes({
    client,
    names: nodeNames,
    hostIP,
    runtime,
    runtimeVersion,
    labels: options.labels,
    annotations: options.podNetwork && { [POD_NETWORK_ANNOTATION]: options.podNetwork },
    clock,
    log,
    signal,
    leaseIntervalMs: options.leaseIntervalMs ?? DEFAULT_LEASE_INTERVAL_MS,
    statusIntervalMs: options.statusIntervalMs ?? STATUS_INTERVAL_MS,
    concurrency: many ? MANY_NODES_CONCURRENCY : 1,
    machine: async () => (simulated ? simulatedMachine() : readMachine(stateDir)),
  });
  log("info", `registered ${many ? `${nodeNames.length} nodes (${nodeNames[0]} .. ${nodeNames[nodeNames.length - 1]})` : `node ${options.name}`} with runtime ${runtimeVersion}`);

  // ConfigMaps and Secrets are watched one by one as pods reference them.
  const objects = new ObjectCache(client, log, signal);
  // Simulated containers read no files: their pods' token volumes hold no token.
  const tokens = simulated ? undefined : new ServiceAccountTokens(client, clock);
  // NodePorts and cluster IPs on this node; up before the pods, whose env names the Services.
  const serviceProxy = await startServiceProxy({ client, nodeName: options.name, runtime: options.runtime, flag: options.serviceProxy ?? "auto", log, signal });
  const nodeAllocatable = allocatable(facts);
  const managers = new Map(
    nodeNames.map((name) => [
      name,
      new PodManager({
        runtime,
        client,
        objects,
        tokens,
        nodeName: name,
        hostIP,
        allocatable: () => nodeAllocatable,
        podsDir: join(stateDir, "pods", name),
        clock,
        log,
        probes: simulated ? passingProbes : runtimeProbes(runtime),
        readyDelayMs: simulated ? (options.readyDelayMs ?? 0) : 0,
        events: many ? noEvents : eventRecorder(client, name, clock),
        backoffLimits: options.backoffLimits,
        serviceEnv: serviceProxy && ((pod) => serviceProxy.serviceEnv(pod)),
      }),
    ]),
  );
  // Only a real node's runtime has anything to adopt; it lists just what this agent started.
  if (!simulated) managers.get(options.name)?.adopt(await runtime.list());
  objects.onChange((kind, namespace, name) => {
    for (const manager of managers.values()) manager.objectChanged(kind, namespace, name);
  });

  const ready = watchPods({ client, managers, pods, log, signal });

  // Simulated nodes have no logs worth a connection each; real nodes keep a tunnel open.
  const tunnels = simulated
    ? []
    : nodeNames.map((name) => {
        const manager = managers.get(name);
        if (!manager) throw new Error(`no pod manager for ${name}`);
        return new TunnelClient({ client, node: name, log, handler: agentHandler({ nodeName: name, manager, runtime, startedAt: clock.now() }) });
      });
  for (const tunnel of tunnels) void tunnel.run(signal);

  let stopping: Promise<void> | undefined;
  return {
    nodes: nodeNames,
    ready,
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        abort.abort();
        await serviceProxy?.stop();
        for (const manager of managers.values()) manager.stop();
        if (stopOptions.stopContainers) await removeEverything(runtime);
        await runtime.close();
        client.close();
      })();
      return stopping;
    },
  };
}

/** Stops and removes every container and sandbox the runtime has (an agent told to leave nothing behind). */
async function removeEverything(runtime: Runtime): Promise<void> {
  const { containers, sandboxes } = await runtime.list();
  await Promise.all(containers.filter((c) => c.state.state === "running").map((c) => runtime.stopContainer(c.id, 5).catch(() => undefined)));
  for (const c of containers) await runtime.removeContainer(c.id).catch(() => undefined);
  for (const s of sandboxes) await runtime.removeSandbox(s.id).catch(() => undefined);
}

/** `edgeplane agent`: runs until SIGINT or SIGTERM. */
export async function agentCommand(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseAgentArgs(argv);
  } catch (err) {
    console.error(`edgeplane agent: ${errorText(err)}\n\n${AGENT_USAGE}`);
    return 2;
  }
  if (args === "help") {
    console.log(AGENT_USAGE);
    return 0;
  }
  const log = stderrLogger(args.logLevel);
  const agent = await runAgent({ ...args, log });
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log("info", `${signal}: stopping (containers keep running and are adopted by the next agent)`);
      resolve();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  void agent.ready.then(() => log("info", `ready: ${agent.nodes.length === 1 ? `node ${agent.nodes[0]}` : `${agent.nodes.length} nodes`}`));
  await stopped;
  await agent.stop();
  return 0;
}

export { AGENT_USAGE };
