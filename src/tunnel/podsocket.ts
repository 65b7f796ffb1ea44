// A client's WebSocket to a pod behind NAT, bridged by the node's NodeTunnel. The client's socket
// ends in the Worker (a Worker hands out WebSocket objects, never raw bytes), while the agent
// relays raw bytes to and from the pod's upgraded connection; so the bridge speaks to the pod as
// its WebSocket client would: the client's messages go out as masked frames, the pod's frames
// come back as messages (fragments reassembled, pings answered), and close frames are passed
// both ways. Extensions are never negotiated with the pod (the request goes without
// Sec-WebSocket-Extensions), so frames carry their payload as is.
import { FrameReader, OPCODE, closePayload, encodeFrame, parseClose } from "./wsframes";

export interface PodSocketSides {
  /** Bytes for the pod's connection (through the tunnel). */
  toPod(bytes: Uint8Array): void;
  /** Nothing more will go to the pod (the tunnel's request side ends). */
  toPodDone(): void;
  toClient(message: string | ArrayBuffer): void;
  closeClient(code: number, reason: string): void;
}

/** Codes a close frame may carry but a WebSocket's close() may not be given. */
const RESERVED_CLOSE_CODES = new Set([1004, 1005, 1006, 1015]);

function mask(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(4));
}

function joined(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

export class PodSocketBridge {
  private readonly reader = new FrameReader();
  private fragments: Uint8Array[] = [];
  private fragmentOpcode: number = OPCODE.text;
  private closeSent = false;
  private closed = false;

  constructor(private readonly sides: PodSocketSides) {}

  /** A message from the client. */
  fromClient(message: string | ArrayBuffer): void {
    if (this.closeSent) return;
    const text = typeof message === "string";
    const payload = text ? new TextEncoder().encode(message) : new Uint8Array(message);
    this.sides.toPod(encodeFrame(text ? OPCODE.text : OPCODE.binary, payload, mask()));
  }

  /** The client closed (or went away): the pod is told with a close frame. */
  clientClosed(code: number, reason: string): void {
    this.closed = true;
    this.sendClose(RESERVED_CLOSE_CODES.has(code) ? 1000 : code, reason);
  }

  /** Bytes from the pod's connection. */
  fromPod(bytes: Uint8Array): void {
    let frames;
    try {
      frames = this.reader.push(bytes);
    } catch (err) {
      this.fail(1009, (err as Error).message);
      return;
    }
    for (const frame of frames) this.frame(frame.opcode, frame.fin, frame.payload);
  }

  /** The pod's connection ended (or the tunnel failed); without a close frame first, that is an error. */
  podEnded(reason = "the pod's connection ended"): void {
    this.closeClient(1011, reason);
  }

  private frame(opcode: number, fin: boolean, payload: Uint8Array): void {
    switch (opcode) {
      case OPCODE.ping:
        if (!this.closeSent) this.sides.toPod(encodeFrame(OPCODE.pong, payload, mask()));
        return;
      case OPCODE.pong:
        return;
      case OPCODE.close: {
        const { code, reason } = parseClose(payload);
        this.sendClose(code, "");
        this.closeClient(code, reason);
        return;
      }
      case OPCODE.continuation:
        this.fragments.push(payload);
        break;
      default:
        this.fragmentOpcode = opcode;
        this.fragments = [payload];
    }
    if (!fin) return;
    const whole = joined(this.fragments);
    this.fragments = [];
    this.sides.toClient(this.fragmentOpcode === OPCODE.text ? new TextDecoder().decode(whole) : whole.slice().buffer);
  }

  private sendClose(code: number, reason: string): void {
    if (this.closeSent) return;
    this.closeSent = true;
    this.sides.toPod(encodeFrame(OPCODE.close, RESERVED_CLOSE_CODES.has(code) ? new Uint8Array() : closePayload(code, reason), mask()));
    this.sides.toPodDone();
  }

  private closeClient(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.sides.closeClient(RESERVED_CLOSE_CODES.has(code) ? 1000 : code, reason);
  }

  private fail(code: number, reason: string): void {
    this.sendClose(code, reason);
    this.closeClient(code, reason);
  }
}
