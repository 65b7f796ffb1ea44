// Compact JWS with ES256, the only algorithm the tokens edgeplane issues use. Verification
// accepts nothing else: no "none", no HMAC keyed with a public key.
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from "../base64";
import type { SigningKey } from "./keys";

const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

export async function signJwt(key: SigningKey, claims: object): Promise<string> {
  const header = toBase64Url(utf8.encode(JSON.stringify({ alg: "ES256", kid: key.kid })));
  const payload = toBase64Url(utf8.encode(JSON.stringify(claims)));
  const signature = new Uint8Array(await crypto.subtle.sign(SIGN, key.privateKey, utf8.encode(`${header}.${payload}`)));
  return `${header}.${payload}.${toBase64Url(signature)}`;
}

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(fromUtf8.decode(fromBase64Url(part))) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // Not base64url JSON: not a token of ours.
    return undefined;
  }
}

/** The claims of a token signed by one of `keys`, or undefined. */
export async function verifyJwt(token: string, keys: readonly SigningKey[]): Promise<Record<string, unknown> | undefined> {
  if (!looksLikeJwt(token)) return undefined;
  const [h, p, s] = token.split(".");
  const header = parseJson(h);
  if (!header || header.alg !== "ES256") return undefined;
  const candidates = typeof header.kid === "string" ? keys.filter((k) => k.kid === header.kid) : keys;
  const signature = fromBase64Url(s);
  for (const key of candidates) {
    if (await crypto.subtle.verify(SIGN, key.publicKey, signature, utf8.encode(`${h}.${p}`))) return parseJson(p);
  }
  return undefined;
}
