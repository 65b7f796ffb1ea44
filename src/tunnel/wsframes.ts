// WebSocket framing (RFC 6455 section 5), the little both ends of the node tunnel need: the
// agent's own WebSocket client (masked frames out, the server's frames in) and the NodeTunnel's
// bridge to a pod's WebSocket behind NAT, which speaks as the pod's client over the tunnel's raw
// bytes. Plain Uint8Array, so that it runs in the Worker and in Node alike.
export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

/** One frame; clients must mask (a fresh 4-byte key per frame), servers must not. */
export function encodeFrame(opcode: number, payload: Uint8Array, mask?: Uint8Array, fin = true): Uint8Array {
  const length = payload.byteLength;
  const extended = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const headerLength = 2 + extended + (mask ? 4 : 0);
  const out = new Uint8Array(headerLength + length);
  const view = new DataView(out.buffer);
  out[0] = (fin ? 0x80 : 0) | opcode;
  out[1] = (mask ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) view.setUint16(2, length);
  else if (extended === 8) view.setBigUint64(2, BigInt(length));
  if (!mask) {
    out.set(payload, headerLength);
    return out;
  }
  out.set(mask.subarray(0, 4), 2 + extended);
  for (let i = 0; i < length; i++) out[headerLength + i] = payload[i] ^ mask[i & 3];
  return out;
}

/** A close frame's payload: the status code, then the reason in UTF-8. */
export function closePayload(code: number, reason = ""): Uint8Array {
  const text = new TextEncoder().encode(reason);
  const out = new Uint8Array(2 + text.byteLength);
  new DataView(out.buffer).setUint16(0, code);
  out.set(text, 2);
  return out;
}

/** What a close frame's payload says (1005, "no status", when it is empty). */
export function parseClose(payload: Uint8Array): { code: number; reason: string } {
  if (payload.byteLength < 2) return { code: 1005, reason: "" };
  const code = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint16(0);
  return { code, reason: new TextDecoder().decode(payload.subarray(2)) };
}

/** Incremental decoder: push bytes as they arrive, get the complete frames. */
export class FrameReader {
  private buffer: Uint8Array = new Uint8Array(0);

  constructor(private readonly maxPayload = 16 * 1024 * 1024) {}

  push(chunk: Uint8Array): Frame[] {
    this.buffer = this.buffer.byteLength ? concat(this.buffer, chunk) : chunk;
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private next(): Frame | undefined {
    const b = this.buffer;
    if (b.byteLength < 2) return undefined;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const fin = (b[0] & 0x80) !== 0;
    const opcode = b[0] & 0x0f;
    const masked = (b[1] & 0x80) !== 0;
    let length = b[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.byteLength < 4) return undefined;
      length = view.getUint16(2);
      offset = 4;
    } else if (length === 127) {
      if (b.byteLength < 10) return undefined;
      const big = view.getBigUint64(2);
      if (big > BigInt(this.maxPayload)) throw new Error(`WebSocket frame of ${big} bytes is too large`);
      length = Number(big);
      offset = 10;
    }
    if (length > this.maxPayload) throw new Error(`WebSocket frame of ${length} bytes is too large`);
    const maskAt = offset;
    if (masked) offset += 4;
    if (b.byteLength < offset + length) return undefined;
    // A copy: the frame outlives the buffer it was read from.
    const payload = b.slice(offset, offset + length);
    if (masked) for (let i = 0; i < length; i++) payload[i] ^= b[maskAt + (i & 3)];
    this.buffer = b.subarray(offset + length);
    return { fin, opcode, payload };
  }
}
