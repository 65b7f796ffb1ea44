// The keys service account tokens are signed with: ECDSA P-256 private keys (PKCS#8, PEM or bare
// base64) from the Worker secret SERVICE_ACCOUNT_KEYS, comma-separated. The first signs new
// tokens; every key verifies, so a key can be rotated in ahead of the old one being dropped. Each
// key's id is base64url(SHA-256(its public key in PKIX DER)), as Kubernetes computes `kid`.
import { fromBase64, toBase64Url } from "../base64";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public key as a JWK, for /openid/v1/jwks. */
  jwk: JsonWebKey;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;

function derOf(entry: string): Uint8Array<ArrayBuffer> {
  const body = entry.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "");
  return fromBase64(body);
}

async function importKey(entry: string): Promise<SigningKey> {
  const privateKey = await crypto.subtle.importKey("pkcs8", derOf(entry), ALGORITHM, true, ["sign"]);
  const { d: _d, key_ops: _ops, ext: _ext, ...pub } = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  const publicKey = await crypto.subtle.importKey("jwk", pub, ALGORITHM, true, ["verify"]);
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", publicKey)) as ArrayBuffer);
  const kid = toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", spki)));
  return { kid, privateKey, publicKey, jwk: { ...pub, kid, use: "sig", alg: "ES256" } as JsonWebKey };
}

let cached: { secret: string; keys: Promise<SigningKey[]> } | undefined;

/** The configured keys, imported once per isolate; empty when none are configured. */
export function signingKeys(secret: string | undefined): Promise<SigningKey[]> {
  const value = (secret ?? "").trim();
  if (cached?.secret !== value) {
    const entries = value.split(",").map((e) => e.trim()).filter(Boolean);
    cached = { secret: value, keys: Promise.all(entries.map(importKey)) };
  }
  return cached.keys;
}
