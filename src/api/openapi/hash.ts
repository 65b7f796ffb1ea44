// FNV-1a (64-bit) over UTF-8. The OpenAPI `?hash=` values and discovery's storageVersionHash only
// have to change when their input changes, and Workers have no synchronous SHA, so a small
// non-cryptographic hash computed in two 32-bit halves (JavaScript numbers are exact to 2^53) does.

const encoder = new TextEncoder();

/** The 8 bytes of FNV-1a-64 of `text`, most significant first. */
export function fnv1a64(text: string): Uint8Array {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of encoder.encode(text)) {
    lo = (lo ^ byte) >>> 0;
    // Multiply by the prime 2^40 + 0x1b3: lo * 0x1b3 carries into hi, and 2^40 moves lo's low
    // 24 bits into hi shifted by 8.
    const low = lo * 0x1b3;
    hi = (Math.imul(hi, 0x1b3) + Math.floor(low / 0x100000000) + (lo << 8)) >>> 0;
    lo = low >>> 0;
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, hi);
  view.setUint32(4, lo);
  return out;
}

/** 16 upper-case hex digits, the form Kubernetes uses in its own `?hash=` values. */
export function fnv1a64Hex(text: string): string {
  return Array.from(fnv1a64(text), (b) => b.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}

/** Base64 of the 8 hash bytes: the shape of Kubernetes' storageVersionHash (8 bytes, base64). */
export function fnv1a64Base64(text: string): string {
  return btoa(String.fromCharCode(...fnv1a64(text)));
}
