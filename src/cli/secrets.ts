// The Worker secrets of a local control plane besides the admin token: the key service account
// tokens are signed with and the key Secrets are encrypted with in D1. Made once and kept in the
// state folder (readable by its owner only), so tokens and encrypted Secrets survive a restart.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface LocalSecrets {
  /** SERVICE_ACCOUNT_KEYS: a PKCS#8 ECDSA P-256 key, base64. */
  serviceAccountKeys: string;
  /** ENCRYPTION_KEYS: `keyid:base64` AES-256 keys, the first encrypting. */
  encryptionKeys: string;
}

export const SERVICE_ACCOUNT_KEY_FILE = "service-account-key";
export const ENCRYPTION_KEYS_FILE = "encryption-keys";

async function ensureFile(path: string, make: () => string): Promise<string> {
  try {
    const saved = (await readFile(path, "utf8")).trim();
    if (saved) return saved;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const value = make();
  await writeFile(path, value + "\n", { mode: 0o600 });
  return value;
}

export function newServiceAccountKey(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
}

/** A new AES-256 key named `id`, in ENCRYPTION_KEYS' `id:base64` form. */
export function newEncryptionKey(id: string): string {
  return `${id}:${randomBytes(32).toString("base64")}`;
}

export async function ensureLocalSecrets(stateDir: string): Promise<LocalSecrets> {
  return {
    serviceAccountKeys: await ensureFile(join(stateDir, SERVICE_ACCOUNT_KEY_FILE), newServiceAccountKey),
    encryptionKeys: await ensureFile(join(stateDir, ENCRYPTION_KEYS_FILE), () => newEncryptionKey(`k${Date.now().toString(36)}`)),
  };
}
