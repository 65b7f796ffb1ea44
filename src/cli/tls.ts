// The local control plane speaks HTTPS because kubectl (client-go) sends a kubeconfig's
// credentials only over TLS: against an http:// server it leaves the bearer token out and every
// request is 401. One self-signed certificate for 127.0.0.1 and localhost is made per state
// folder, kept across restarts, and is also the kubeconfig's certificate authority.
import { execFile } from "node:child_process";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

export interface LocalCertificate {
  certPath: string;
  keyPath: string;
  /** The certificate, PEM: what clients trust. */
  certPem: string;
}

const VALID_DAYS = "3650";

export async function ensureLocalCertificate(stateDir: string): Promise<LocalCertificate> {
  const dir = join(stateDir, "tls");
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  try {
    await readFile(keyPath);
    return { certPath, keyPath, certPem: await readFile(certPath, "utf8") };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await promisify(execFile)("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-days", VALID_DAYS,
      "-subj", "/CN=edgeplane local control plane",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout", keyPath, "-out", certPath,
    ]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("openssl is needed to make the local control plane's TLS certificate (apt-get install openssl)", { cause: err });
    }
    throw err;
  }
  await chmod(keyPath, 0o600);
  return { certPath, keyPath, certPem: await readFile(certPath, "utf8") };
}
