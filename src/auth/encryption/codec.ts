// AES-256-GCM sealing of stored objects (WebCrypto), in Kubernetes' envelope spirit:
// "enc:aesgcm:v1:<key id>:<base64 of 12-byte nonce + ciphertext and tag>". The object's
// resource, namespace and name are the additional authenticated data, so a sealed value cannot be
// moved to another object's row. Data stored before encryption was configured (JSON) still reads
// and is sealed by the next write or by re-encryption.
import type { Env } from "../../env";
import type { ObjectCodec, ObjectKey } from "../../store/store";
import { fromBase64, fromUtf8, toBase64, utf8 } from "../base64";
import { keyRing, type KeyRing } from "./keys";

const PREFIX = "enc:aesgcm:v1:";

function aad(key: ObjectKey): Uint8Array {
  return utf8.encode(`${key.resource}/${key.namespace}/${key.name}`);
}

/** The id of the key a stored value is sealed with; undefined for plaintext. */
export function sealedWith(data: string): string | undefined {
  if (!data.startsWith(PREFIX)) return undefined;
  const end = data.indexOf(":", PREFIX.length);
  return end < 0 ? undefined : data.slice(PREFIX.length, end);
}

export async function seal(ring: KeyRing, key: ObjectKey, json: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(key) }, ring.current.key, utf8.encode(json)));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return `${PREFIX}${ring.current.id}:${toBase64(out)}`;
}

export async function open(ring: KeyRing | undefined, key: ObjectKey, data: string): Promise<string> {
  const id = sealedWith(data);
  if (id === undefined) return data;
  const k = ring?.byId.get(id);
  if (!k) throw new Error(`${key.resource} ${key.namespace}/${key.name} is encrypted with key "${id}", which ENCRYPTION_KEYS does not hold`);
  const bytes = fromBase64(data.slice(PREFIX.length + id.length + 1));
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: aad(key) }, k.key, bytes.subarray(12));
  return fromUtf8.decode(plain);
}

/** The codec for a key ring (tests and re-encryption pass their own). */
export function codecFor(ring: () => Promise<KeyRing | undefined>): ObjectCodec {
  return {
    async seal(key, json) {
      const r = await ring();
      // Never store a Secret in plaintext: without keys the write fails.
      if (!r) throw new Error("Secrets cannot be stored: no encryption key is configured (ENCRYPTION_KEYS)");
      return seal(r, key, json);
    },
    async open(key, data) {
      return open(await ring(), key, data);
    },
  };
}

/** The codec of a Worker, from its ENCRYPTION_KEYS secret. */
export function secretsCodec(env: Pick<Env, "ENCRYPTION_KEYS">): ObjectCodec {
  return codecFor(() => keyRing(env.ENCRYPTION_KEYS));
}
