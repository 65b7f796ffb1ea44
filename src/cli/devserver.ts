// The Worker under `wrangler dev`, up and answering /readyz. With port 0 it takes a free port,
// and tries again with other ports when another process binds the chosen one first (a free
// port is only free until someone takes it; wrangler binds seconds after we pick it).
import { Children } from "./children";
import { freePort } from "./ports";
import { waitForReady } from "./ready";
import { PROJECT_DIR, wranglerDevArgs } from "./wrangler";

export interface DevServerOptions {
  /** 0: any free port. */
  port: number;
  persistDir: string;
  env: NodeJS.ProcessEnv;
  tls: { certPath: string; keyPath: string; certPem: string };
  adminToken: string;
  secretVars: Record<string, string>;
  log(line: string): void;
}

export interface DevServer {
  url: string;
  /** Settles if wrangler dev exits, with its exit code or signal. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

// The first start bundles the Worker and sets up Miniflare's storage: allow for a slow machine.
const READY_TIMEOUT_MS = 90_000;
const ATTEMPTS = 3;

/** wrangler could not bind a port; `port` is the one it names, if it names one. */
class PortTaken extends Error {
  constructor(readonly port: number | undefined) {
    super(port ? `port ${port} is already in use` : "a port wrangler dev needs is already in use");
  }
}

export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...o, port: o.port || (await freePort()) });
    } catch (err) {
      // A port the caller chose stays the caller's problem; only ports we picked are retried.
      const retry = err instanceof PortTaken && attempt < ATTEMPTS && (o.port === 0 || err.port !== o.port);
      if (!retry) throw err;
      o.log(`${(err as Error).message}; trying again with other ports`);
    }
  }
}

async function startOnce(o: DevServerOptions): Promise<DevServer> {
  const url = `https://127.0.0.1:${o.port}`;
  // wrangler's inspector defaults to port 9229; two dev servers starting at once would both
  // take it and one would fail, so each gets a free port of its own.
  const inspectorPort = await freePort();
  let fail: (reason: Error) => void = () => {};
  const failedByOutput = new Promise<Error>((resolve) => (fail = resolve));
  const onLine = (line: string): void => {
    if (!line.trim()) return;
    o.log(`wrangler | ${line}`);
    // wrangler dev stays up after a failed build, waiting for an edited source.
    if (line.includes("Build failed")) fail(new Error("the Worker's build failed"));
    const taken = /Address already in use(?: \(127\.0\.0\.1:(\d+)\))?/.exec(line);
    if (taken) fail(new PortTaken(taken[1] ? Number(taken[1]) : undefined));
  };

  const children = new Children();
  o.log(`starting wrangler dev on ${url}`);
  const args = wranglerDevArgs({
    port: o.port,
    inspectorPort,
    persistDir: o.persistDir,
    certPath: o.tls.certPath,
    keyPath: o.tls.keyPath,
    adminToken: o.adminToken,
    secretVars: o.secretVars,
  });
  const wrangler = children.spawn("wrangler", process.execPath, args, { cwd: PROJECT_DIR, env: o.env, onLine });
  const exited = wrangler.exited.then((code) => new Error(`wrangler dev exited (${code})`));
  try {
    await waitForReady({ url, token: o.adminToken, ca: o.tls.certPem, failed: Promise.race([failedByOutput, exited]), timeoutMs: READY_TIMEOUT_MS });
  } catch (err) {
    await children.stopAll();
    throw err;
  }
  return { url, exited: wrangler.exited, stop: () => children.stopAll() };
}
