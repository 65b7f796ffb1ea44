// `edgeplane dev`: a local cluster for development. It starts the control plane and keeps a
// list of what it started, stopped in reverse order on Ctrl-C or SIGTERM.
import { relative, join } from "node:path";
import { parseArgs } from "node:util";
import { startControlPlane, type ControlPlane } from "./controlplane";
import { CONTEXT } from "./kubeconfig";
import { PROJECT_DIR } from "./wrangler";

export const DEV_USAGE = `Usage: edgeplane dev [--port N] [--state DIR]

Starts a local control plane (the Worker on Miniflare, D1 and Durable Objects persisted in DIR)
and writes DIR/kubeconfig.

  --port N     API port on 127.0.0.1 (default 8787)
  --state DIR  state folder: database, admin token, kubeconfig (default .edgeplane)`;

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

  const log = (line: string): void => console.log(line.startsWith("wrangler | ") ? line : `edgeplane | ${line}`);
  const running: Running[] = [];
  const stopped = waitForStopSignal(running, log);

  const controlPlane = await startControlPlane({ port, stateDir: values.state, log });
  running.push({ name: "control plane", stop: () => controlPlane.stop() });
  printNextSteps(controlPlane, log);

  let stopping = false;
  const crashed = controlPlane.exited.then((code) => {
    if (!stopping) log(`wrangler dev exited unexpectedly (${code})`);
    return 1;
  });
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
  kubectl get ns
  kubectl apply -f ${example}
  kubectl get deploy nginx-deployment -o yaml
  kubectl api-resources

Press Ctrl-C to stop.
`);
}
