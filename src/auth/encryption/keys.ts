// The keys Secrets are encrypted with at rest: ENCRYPTION_KEYS (a Worker secret) holds
// "id:base64,id:base64" AES-256 keys. The first encrypts every new write; all of them decrypt, so
// a new key goes first, everything is re-encrypted under it, and only then the old one goes.
import { fromBase64 } from "../base64";

export interface EncryptionKey {
  id: string;
  key: CryptoKey;
}

export interface KeyRing {
  /** The key new writes use. */
  current: EncryptionKey;
  byId: ReadonlyMap<string, EncryptionKey>;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

async function importEntry(entry: string): Promise<EncryptionKey> {
  const colon = entry.indexOf(":");
  const id = colon < 0 ? "" : entry.slice(0, colon).trim();
  if (!KEY_ID.test(id)) throw new Error(`ENCRYPTION_KEYS: each key is "id:base64" with an id of letters, digits, "_", "." or "-"`);
  const raw = fromBase64(entry.slice(colon + 1).trim());
  if (raw.length !== 32) throw new Error(`ENCRYPTION_KEYS: key "${id}" must be 32 bytes (AES-256), not ${raw.length}`);
  return { id, key: await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]) };
}

export async function parseKeyRing(value: string | undefined): Promise<KeyRing | undefined> {
  const entries = (value ?? "").split(",").map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return undefined;
  const keys = await Promise.all(entries.map(importEntry));
  const byId = new Map<string, EncryptionKey>();
  for (const k of keys) {
    if (byId.has(k.id)) throw new Error(`ENCRYPTION_KEYS: key id "${k.id}" appears twice`);
    byId.set(k.id, k);
  }
  return { current: keys[0], byId };
}

let cached: { value: string; ring: Promise<KeyRing | undefined> } | undefined;

/** The key ring of a Worker's ENCRYPTION_KEYS, imported once per isolate. */
export function keyRing(value: string | undefined): Promise<KeyRing | undefined> {
  const v = value ?? "";
  if (cached?.value !== v) cached = { value: v, ring: parseKeyRing(v) };
  return cached.ring;
}
