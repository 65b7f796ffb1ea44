// Starting a local control plane: the Worker under `wrangler dev` (Miniflare) on HTTPS, with its
// D1 database and Durable Objects persisted in a state folder. `edgeplane dev` and the end-to-end
// tests both start it through startControlPlane.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Children } from "./children";
import { startCronTrigger } from "./cron";
import { writeKubeconfig } from "./kubeconfig";
import { freePort } from "./ports";
import { waitForReady } from "./ready";
import { ensureLocalCertificate } from "./tls";
import { ensureAdminToken } from "./token";
import { ensureLocalSecrets } from "./secrets";
import { PROJECT_DIR, applyMigrations, wranglerDevArgs, wranglerEnv } from "./wrangler";

export interface ControlPlaneOptions {
  port: number;
  stateDir: string;
  log(line: string): void;
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  url: string;
  token: string;
  /** The server's self-signed certificate (PEM), which clients trust. */
  caCert: string;
  kubeconfigPath: string;
  /** Settles if wrangler dev exits by itself (a crash), with its exit code or signal. */
  exited: Promise<number | string>;
  /** Stops the cron trigger and every process it started; safe to call more than once. */
  stop(): Promise<void>;
}

// The first start bundles the Worker and sets up Miniflare's storage: allow for a slow machine.
const READY_TIMEOUT_MS = 90_000;

export async function startControlPlane({ port, stateDir, log }: ControlPlaneOptions): Promise<ControlPlane> {
  const dir = resolve(stateDir);
  const persistDir = join(dir, "wrangler");
  await mkdir(dir, { recursive: true });
  const env = wranglerEnv(join(dir, "logs"));
  // wrangler dev stays up after a failed build, waiting for an edited source; there is no
  // point in waiting for /readyz then.
  let buildFailed: (reason: string) => void = () => {};
  const buildFailure = new Promise<string>((resolve) => (buildFailed = resolve));
  const wranglerLine = (line: string): void => {
    if (!line.trim()) return;
    log(`wrangler | ${line}`);
    if (line.includes("Build failed")) buildFailed("the Worker's build failed");
  };

  log(`applying D1 migrations to ${persistDir}`);
  await applyMigrations(persistDir, { env, onLine: wranglerLine });
  const token = await ensureAdminToken(dir);
  const secrets = await ensureLocalSecrets(dir);
  const secretVars = { SERVICE_ACCOUNT_KEYS: secrets.serviceAccountKeys, ENCRYPTION_KEYS: secrets.encryptionKeys };
  const tls = await ensureLocalCertificate(dir);

  const url = `https://127.0.0.1:${port}`;
  // wrangler's inspector defaults to port 9229; two dev servers starting at once would both
  // take it and one would fail, so each gets a free port of its own.
  const inspectorPort = await freePort();
  const children = new Children();
  log(`starting wrangler dev on ${url}`);
  const devArgs = wranglerDevArgs({ port, inspectorPort, persistDir, certPath: tls.certPath, keyPath: tls.keyPath, adminToken: token, secretVars });
  const wrangler = children.spawn("wrangler", process.execPath, devArgs, { cwd: PROJECT_DIR, env, onLine: wranglerLine });

  try {
    const exited = wrangler.exited.then((code) => `wrangler dev exited (${code})`);
    await waitForReady({ url, token, ca: tls.certPem, failed: Promise.race([exited, buildFailure]), timeoutMs: READY_TIMEOUT_MS });
  } catch (err) {
    await children.stopAll();
    throw err;
  }
  log(`API ready at ${url}`);

  const kubeconfigPath = join(dir, "kubeconfig");
  await writeKubeconfig({ path: kubeconfigPath, server: url, ca: tls.certPem, token });
  const cron = startCronTrigger({ url, ca: tls.certPem, log });

  let stopping: Promise<void> | undefined;
  return {
    url,
    token,
    caCert: tls.certPem,
    kubeconfigPath,
    exited: wrangler.exited,
    stop() {
      stopping ??= (async () => {
        cron.stop();
        await children.stopAll();
      })();
      return stopping;
    },
  };
}
