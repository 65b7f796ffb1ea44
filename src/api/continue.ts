// The opaque `continue` token of a paged list, shaped like the etcd3 store's
// (k8s.io/apiserver/pkg/storage/continue.go): unpadded base64url of
// {"v":"meta.k8s.io/v1","rv":<list revision>,"start":"<key>"}. The key is the last object served,
// "<namespace>/<name>" or "<name>" for cluster-scoped kinds. Whether the revision is still
// retained (410 Expired) is the store's call, not this module's.
import { badRequest, fail, ok, type Result } from "./status";

export interface ContinueToken {
  /** The revision the first page was read at; every page is served from it. */
  rv: number;
  /** The key of the last object served; the next page starts after it. */
  start: { namespace: string; name: string };
}

const VERSION = "meta.k8s.io/v1";

export function encodeContinue(token: ContinueToken): string {
  const start = token.start.namespace === "" ? token.start.name : `${token.start.namespace}/${token.start.name}`;
  return toBase64Url(new TextEncoder().encode(JSON.stringify({ v: VERSION, rv: token.rv, start })));
}

/** Decode a token; a malformed one is 400 "invalid continue token: continue key is not valid...". */
export function decodeContinue(value: string): Result<ContinueToken> {
  const decoded = decodeFields(value);
  return decoded.ok ? ok(decoded.value) : fail(badRequest(`invalid continue token: ${decoded.message}`));
}

type Step<T> = { ok: true; value: T } | { ok: false; message: string };

const INVALID = "continue key is not valid";

function decodeFields(value: string): Step<ContinueToken> {
  const bytes = fromBase64Url(value);
  if (!bytes.ok) return { ok: false, message: `${INVALID}: ${bytes.message}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes.value));
  } catch (e) {
    // JSON.parse and the strict UTF-8 decoder are the only throwing APIs here; their text is the reason.
    return { ok: false, message: `${INVALID}: ${(e as Error).message}` };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { ok: false, message: `${INVALID}: token is not a JSON object` };
  }
  const { v, rv, start } = parsed as Record<string, unknown>;
  if (v !== VERSION) return { ok: false, message: `${INVALID}: server does not recognize this encoded version ${String(v ?? "")}` };
  if (typeof rv !== "number" || !Number.isSafeInteger(rv) || rv <= 0) {
    return { ok: false, message: `${INVALID}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)` };
  }
  if (typeof start !== "string" || start === "") return { ok: false, message: `${INVALID}: encoded start key empty (version meta.k8s.io/v1)` };
  const key = parseKey(start);
  if (!key) return { ok: false, message: `${INVALID}: start key is not valid: ${start}` };
  return { ok: true, value: { rv, start: key } };
}

/** Kubernetes refuses keys that path.Clean would change (no "..", ".", empty segments); ours also have at most two segments. */
function parseKey(start: string): ContinueToken["start"] | undefined {
  const parts = start.split("/");
  if (parts.length > 2 || parts.some((p) => p === "" || p === "." || p === "..")) return undefined;
  return parts.length === 2 ? { namespace: parts[0], name: parts[1] } : { namespace: "", name: parts[0] };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** base64.RawURLEncoding.EncodeToString. */
function toBase64Url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) out += ALPHABET[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

/** base64.RawURLEncoding.DecodeString, with Go's "illegal base64 data at input byte N". */
function fromBase64Url(text: string): Step<Uint8Array> {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const v = ALPHABET.indexOf(text[i]);
    if (v < 0) return { ok: false, message: `illegal base64 data at input byte ${i}` };
    acc = ((acc << 6) | v) & 0x1fff; // at most 13 bits are pending at any time
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  // One leftover character carries only 6 bits: not a whole byte, so the input was cut short.
  if (text.length % 4 === 1) return { ok: false, message: `illegal base64 data at input byte ${text.length - 1}` };
  return { ok: true, value: Uint8Array.from(out) };
}
