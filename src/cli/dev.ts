// `edgeplane dev`: a local cluster for development. It starts the control plane and keeps a
// list of what it started, stopped in reverse order on Ctrl-C or SIGTERM.
import { relative, join } from "node:path";
import { parseArgs } from "node:util";
import { startControlPlane, type ControlPlane } from "./controlplane";
import { CONTEXT } from "./kubeconfig";
import { PROJECT_DIR } from "./wrangler";
import { startLocalAgent, type RuntimeChoice } from "./localagent";

export const DEV_USAGE = `Usage: edgeplane dev [--port N] [--state DIR] [--runtime podman|process|simulated] [--nodes N]

Starts a local cluster: the control plane (the Worker on Miniflare, D1 and Durable Objects
persisted in DIR) and one local agent, and writes DIR/kubeconfig.

  --port N      API port on 127.0.0.1 (default 8787)
  --state DIR   state folder: database, admin token, kubeconfig, agent state (default .edgeplane)
  --runtime R   the agent's runtime: podman (default where Podman answers), process, simulated
  --nodes N     simulated runtime: how many nodes the agent plays (default 1)
  --no-agent    the control plane only`;

interface Running {
  name: string;
  stop(): Promise<void>;
}

export async function dev(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8787" },
      state: { type: "string", default: ".edgeplane" },
      runtime: { type: "string" },
      nodes: { type: "string", default: "1" },
      "no-agent": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(DEV_USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`edgeplane dev: --port must be a port number, not "${values.port}"`);
    return 2;
  }
  const runtime = values.runtime as RuntimeChoice | undefined;
  if (runtime !== undefined && !["podman", "process", "simulated"].includes(runtime)) {
    console.error(`edgeplane dev: --runtime must be podman, process or simulated, not "${runtime}"`);
    return 2;
  }
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1) {
    console.error(`edgeplane dev: --nodes must be a positive number, not "${values.nodes}"`);
    return 2;
  }

  const log = (line: string): void => console.log(line.startsWith("wrangler | ") ? line : `edgeplane | ${line}`);
  const running: Running[] = [];
  const stopped = waitForStopSignal(running, log);

  const controlPlane = await startControlPlane({ port, stateDir: values.state, log });
  running.push({ name: "control plane", stop: () => controlPlane.stop() });
  let stopping = false;
  const crashed = controlPlane.exited.then((code) => {
    if (!stopping) log(`wrangler dev exited unexpectedly (${code})`);
    return 1;
  });
  if (!values["no-agent"]) {
    try {
      const agent = await startLocalAgent({ ...controlPlane, stateDir: values.state, runtime, nodes, log });
      running.push({ name: "agent", stop: () => agent.stop() });
      log(`node${agent.nodeNames.length > 1 ? "s" : ""} ${agent.nodeNames.length > 1 ? `${agent.nodeNames[0]} .. ${agent.nodeNames.at(-1)}` : agent.nodeNames[0]} Ready (runtime ${agent.runtime})`);
    } catch (err) {
      log(`the agent did not start: ${(err as Error).message}`);
      await stopAll(running, log);
      return 1;
    }
  }
  printNextSteps(controlPlane, log);
  const code = await Promise.race([stopped, crashed]);
  stopping = true;
  await stopAll(running, log);
  return code;
}

/**
 * Resolves with exit code 0 on the first SIGINT or SIGTERM once everything is running. A signal
 * during start-up exits at once: the child process list kills what was already started when
 * the process exits. Later signals are ignored rather than left to Node's default, which would
 * end the process halfway through stopping (a wrapper and the terminal may both send one).
 */
function waitForStopSignal(running: Running[], log: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) return;
      received = true;
      log(`${signal}: stopping`);
      if (running.length === 0) process.exit(130);
      resolve(0);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

async function stopAll(running: Running[], log: (line: string) => void): Promise<void> {
  for (const item of running.splice(0).reverse()) {
    log(`stopping the ${item.name}`);
    await item.stop();
  }
  log("stopped");
}

function printNextSteps(cp: ControlPlane, log: (line: string) => void): void {
  const example = relative(process.cwd(), join(PROJECT_DIR, "examples", "nginx-deployment.yaml"));
  log(`edgeplane is running at ${cp.url} (kubeconfig context "${CONTEXT}"). Try:`);
  console.log(`
  export KUBECONFIG=${cp.kubeconfigPath}
  kubectl get nodes
  kubectl apply -f ${example}
  kubectl rollout status deployment/nginx-deployment
  kubectl get deploy nginx-deployment -o yaml
  kubectl api-resources

Press Ctrl-C to stop.
`);
}
