// Starting a local control plane: the Worker under `wrangler dev` (Miniflare) on HTTPS, with its
// D1 database and Durable Objects persisted in a state folder. `edgeplane dev` and the end-to-end
// tests both start it through startControlPlane.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { startCronTrigger } from "./cron";
import { startDevServer } from "./devserver";
import { writeKubeconfig } from "./kubeconfig";
import { ensureLocalSecrets } from "./secrets";
import { ensureLocalCertificate } from "./tls";
import { ensureAdminToken } from "./token";
import { applyMigrations, wranglerEnv } from "./wrangler";

export interface ControlPlaneOptions {
  /** 0: any free port. */
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

export async function startControlPlane({ port, stateDir, log }: ControlPlaneOptions): Promise<ControlPlane> {
  const dir = resolve(stateDir);
  const persistDir = join(dir, "wrangler");
  await mkdir(dir, { recursive: true });
  const env = wranglerEnv(join(dir, "logs"));

  log(`applying D1 migrations to ${persistDir}`);
  await applyMigrations(persistDir, { env, onLine: (line) => line.trim() && log(`wrangler | ${line}`) });
  const token = await ensureAdminToken(dir);
  const secrets = await ensureLocalSecrets(dir);
  const tls = await ensureLocalCertificate(dir);
  // Pods verify the API with the self-signed certificate (kube-root-ca.crt in every namespace).
  const secretVars = { SERVICE_ACCOUNT_KEYS: secrets.serviceAccountKeys, ENCRYPTION_KEYS: secrets.encryptionKeys, CLUSTER_CA_CERT: tls.certPem };

  const server = await startDevServer({ port, persistDir, env, tls, adminToken: token, secretVars, log });
  const { url } = server;
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
    exited: server.exited,
    stop() {
      stopping ??= (async () => {
        cron.stop();
        await server.stop();
      })();
      return stopping;
    },
  };
}
