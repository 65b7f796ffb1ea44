// A WebSocket client over node:http(s), because the agent must send its bearer token and trust
// the kubeconfig's certificate authority, which Node's built-in WebSocket cannot be told to.
// Text and binary messages (fragmented ones reassembled), ping answered, close handshake.
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Duplex } from "node:stream";
import { FrameReader, OPCODE, closePayload, encodeFrame, parseClose } from "../../tunnel/wsframes";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface WebSocketOptions {
  headers: Record<string, string>;
  ca?: string;
  rejectUnauthorized?: boolean;
  timeoutMs?: number;
}

export interface WebSocketClient {
  sendText(text: string): void;
  sendBinary(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onMessage(listener: (data: string | Buffer) => void): void;
  /** Called once, however the connection ends. */
  onClose(listener: (code: number, reason: string) => void): void;
}

/** The Sec-WebSocket-Accept a server must answer for `key`. */
export function acceptFor(key: string): string {
  return createHash("sha1").update(key + GUID).digest("base64");
}

export function openWebSocket(url: URL, options: WebSocketOptions): Promise<WebSocketClient> {
  const key = randomBytes(16).toString("base64");
  const secure = url.protocol === "https:" || url.protocol === "wss:";
  const target = new URL(url);
  target.protocol = secure ? "https:" : "http:";
  return new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest;
    const req = send(target, {
      headers: { ...options.headers, connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": key },
      ca: options.ca,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      timeout: options.timeoutMs ?? 15_000,
      agent: false,
    });
    req.on("timeout", () => req.destroy(new Error(`WebSocket ${url.pathname}: no answer`)));
    req.on("error", reject);
    req.on("response", (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => reject(new Error(`WebSocket ${url.pathname}: HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 500)}`)));
    });
    req.on("upgrade", (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (res.headers["sec-websocket-accept"] !== acceptFor(key)) {
        socket.destroy();
        reject(new Error("WebSocket handshake: wrong Sec-WebSocket-Accept"));
        return;
      }
      resolve(connection(socket, head));
    });
    req.end();
  });
}

function connection(socket: Duplex, head: Buffer): WebSocketClient {
  const reader = new FrameReader();
  const messageListeners: ((data: string | Buffer) => void)[] = [];
  const closeListeners: ((code: number, reason: string) => void)[] = [];
  let fragments: Uint8Array[] = [];
  let fragmentOpcode = 0;
  let closed = false;
  const write = (opcode: number, payload: Uint8Array) => {
    if (!closed && socket.writable) socket.write(encodeFrame(opcode, payload, randomBytes(4)));
  };
  const finish = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    // Let a close frame just written go out, then drop the connection.
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
    for (const listener of closeListeners) listener(code, reason);
  };
  const deliver = (opcode: number, payload: Uint8Array) => {
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const data = opcode === OPCODE.text ? bytes.toString("utf8") : bytes;
    for (const listener of messageListeners) listener(data);
  };
  const onData = (chunk: Buffer) => {
    let frames;
    try {
      frames = reader.push(chunk);
    } catch (err) {
      finish(1009, (err as Error).message);
      return;
    }
    for (const frame of frames) {
      switch (frame.opcode) {
        case OPCODE.ping:
          write(OPCODE.pong, frame.payload);
          break;
        case OPCODE.pong:
          break;
        case OPCODE.close: {
          const { code, reason } = parseClose(frame.payload);
          write(OPCODE.close, frame.payload.subarray(0, 2));
          finish(code, reason);
          return;
        }
        case OPCODE.continuation:
          fragments.push(frame.payload);
          if (frame.fin) {
            deliver(fragmentOpcode, Buffer.concat(fragments));
            fragments = [];
          }
          break;
        default:
          if (frame.fin) deliver(frame.opcode, frame.payload);
          else {
            fragmentOpcode = frame.opcode;
            fragments = [frame.payload];
          }
      }
    }
  };
  socket.on("data", onData);
  socket.on("close", () => finish(1006, "connection lost"));
  socket.on("error", () => finish(1006, "connection failed"));
  // Bytes that came with the upgrade answer wait until the caller has attached its listeners.
  if (head.length) setImmediate(() => onData(head));
  return {
    sendText: (text) => write(OPCODE.text, Buffer.from(text, "utf8")),
    sendBinary: (data) => write(OPCODE.binary, data),
    close(code = 1000, reason = "") {
      write(OPCODE.close, closePayload(code, reason));
      finish(code, reason);
    },
    onMessage: (listener) => messageListeners.push(listener),
    onClose: (listener) => closeListeners.push(listener),
  };
}
