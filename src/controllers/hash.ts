// The pod-template-hash: Kubernetes' controller.ComputeHash in spirit. Kubernetes hashes a
// go-spew dump of the Go struct with FNV-32a and renders the decimal digits of the sum through
// rand.SafeEncodeString. We cannot reproduce a spew dump of Go structs, so we hash a canonical
// JSON of the template instead: same hash family, same alphabet, same shape ("7c5ddbdf54"), and
// stable across key orders and across the nil-versus-empty spellings the API lets through.

/** rand.SafeEncodeString's alphabet: no vowels (no words), no confusable characters. */
const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a, 32 bits, over bytes; `seed` continues an earlier sum (Go's hasher.Write appends). */
export function fnv32a(bytes: Uint8Array, seed: number = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    // Math.imul keeps the multiplication in 32 bits, as uint32 overflow does in Go.
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character's code modulo the alphabet; "2166136261" → "65bb57b6b5". */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const ch of s) out += SAFE_ALPHABET[(ch.codePointAt(0) ?? 0) % SAFE_ALPHABET.length];
  return out;
}

/**
 * A canonical form for hashing and semantic comparison. Keys are sorted; null, undefined, empty
 * lists and empty maps are dropped, because apimachinery's Semantic.DeepEqual treats a nil slice
 * or map as equal to an empty one and our JSON cannot tell a nil pointer from an absent field.
 * Returns undefined for a value that canonicalizes to nothing.
 */
export function canonicalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    // Inside a list an element keeps its place even when empty: [{}, {a:1}] is not [{a:1}].
    const items = value.map((v) => canonicalize(v) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonicalize((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** The canonical JSON text of a value ("" when it canonicalizes to nothing). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value)) ?? "";
}

/** Semantic equality of two API values: equal canonical forms. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

const encoder = new TextEncoder();

/**
 * ComputeHash(template, collisionCount): FNV-32a of the canonical JSON, then, when a collision
 * count is set, its 8 little-endian bytes (a uint32 in the first four, as Kubernetes writes
 * it), rendered as the decimal sum through SafeEncodeString. A bumped collisionCount gives the
 * same template a different hash, which is how a Deployment escapes a name collision.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  let sum = fnv32a(encoder.encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    sum = fnv32a(bytes, sum);
  }
  return safeEncodeString(String(sum));
}
