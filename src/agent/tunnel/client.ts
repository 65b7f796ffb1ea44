// The agent's end of its node tunnel: an outbound WebSocket to the node's NodeTunnel Durable
// Object (so the control plane reaches agents behind NAT), reconnected with back-off whenever
// it drops. Requests arriving on it (protocol in src/tunnel/frames.ts) go to a handler, many at
// once, each response streamed back in chunks; a cancel frame aborts the handler's work.
import { PING, PONG, decodeControl, decodeData, encodeControl, encodeData, type Header } from "../../tunnel/frames";
import type { KubeClient } from "../kube/client";
import { abortableSleep } from "../kube/informer";
import { errorText, type Logger } from "../log";
import { openWebSocket, type WebSocketClient } from "./websocket";

export interface TunnelRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: Header[];
  body: AsyncIterable<Uint8Array>;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface TunnelResponse {
  status: number;
  headers: Header[];
  body?: AsyncIterable<Uint8Array> | string;
}

export type TunnelHandler = (request: TunnelRequest) => Promise<TunnelResponse>;

export interface TunnelOptions {
  client: KubeClient;
  node: string;
  handler: TunnelHandler;
  log: Logger;
  /** Keepalive interval; a connection that answers no ping within it is replaced. */
  pingMs?: number;
}

/** Bytes pushed by the socket reader, pulled by the handler. */
class BodyQueue implements AsyncIterable<Uint8Array> {
  private chunks: Uint8Array[] = [];
  private ended = false;
  private wake?: () => void;

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) yield chunk;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** Response bodies go out in pieces well under Cloudflare's 1 MiB message limit. */
const MAX_CHUNK = 64 * 1024;

export class TunnelClient {
  private socket?: WebSocketClient;

  constructor(private readonly options: TunnelOptions) {}

  get connected(): boolean {
    return this.socket !== undefined;
  }

  /** Keeps a connection up until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let wait = 1000;
    while (!signal.aborted) {
      try {
        const closed = await this.connect(signal);
        wait = 1000;
        const why = await closed;
        if (!signal.aborted) this.options.log("info", `node ${this.options.node}: tunnel closed (${why}), reconnecting`);
      } catch (err) {
        if (signal.aborted) return;
        this.options.log("warn", `node ${this.options.node}: tunnel: ${errorText(err)}`);
      }
      await abortableSleep(wait, signal);
      wait = Math.min(wait * 2, 30_000);
    }
  }

  /** Opens one connection; the promise it returns settles when that connection ends. */
  private async connect(signal: AbortSignal): Promise<Promise<string>> {
    const { client, node } = this.options;
    const url = client.url(`/apis/edgeplane.dev/v1/nodes/${encodeURIComponent(node)}/tunnel`);
    const { connection } = client;
    const socket = await openWebSocket(url, { headers: client.authHeaders(), ca: connection.ca, rejectUnauthorized: !connection.insecureSkipTlsVerify });
    this.socket = socket;
    this.options.log("info", `node ${node}: tunnel connected`);
    const exchanges = new Map<number, { body: BodyQueue; abort: AbortController }>();
    let answered = true;
    const pingMs = this.options.pingMs ?? 20_000;
    const pinger = setInterval(() => {
      if (!answered) return socket.close(4001, "no answer to ping");
      answered = false;
      socket.sendText(PING);
    }, pingMs);
    const onAbort = () => socket.close(1001, "agent stopping");
    signal.addEventListener("abort", onAbort, { once: true });
    socket.onMessage((data) => {
      answered = true;
      if (typeof data !== "string") {
        const frame = decodeData(data);
        if (frame) exchanges.get(frame.id)?.body.push(frame.chunk);
        return;
      }
      if (data === PONG) return;
      const frame = decodeControl(data);
      if (!frame) return;
      if (frame.t === "req") {
        const exchange = { body: new BodyQueue(), abort: new AbortController() };
        exchanges.set(frame.id, exchange);
        void this.serve(socket, frame.id, { method: frame.method, path: frame.path, headers: frame.headers, body: exchange.body, signal: exchange.abort.signal }).finally(() => exchanges.delete(frame.id));
      } else if (frame.t === "end") {
        exchanges.get(frame.id)?.body.end();
      } else if (frame.t === "cancel" || frame.t === "err") {
        exchanges.get(frame.id)?.abort.abort();
        exchanges.get(frame.id)?.body.end();
      }
    });
    return new Promise((resolve) =>
      socket.onClose((code, reason) => {
        clearInterval(pinger);
        signal.removeEventListener("abort", onAbort);
        for (const exchange of exchanges.values()) exchange.abort.abort();
        if (this.socket === socket) this.socket = undefined;
        resolve(`${code}${reason ? ` ${reason}` : ""}`);
      }),
    );
  }

  private async serve(socket: WebSocketClient, id: number, request: TunnelRequest): Promise<void> {
    let started = false;
    try {
      const response = await this.options.handler(request);
      if (request.signal.aborted) return;
      socket.sendText(encodeControl({ t: "res", id, status: response.status, headers: response.headers }));
      started = true;
      const body = typeof response.body === "string" ? [new TextEncoder().encode(response.body)] : (response.body ?? []);
      for await (const chunk of body) {
        if (request.signal.aborted) return;
        for (let at = 0; at < chunk.byteLength; at += MAX_CHUNK) socket.sendBinary(encodeData(id, chunk.subarray(at, at + MAX_CHUNK)));
      }
      socket.sendText(encodeControl({ t: "end", id }));
    } catch (err) {
      if (request.signal.aborted) return;
      // Before the head went out the Worker can still answer with a Status; after, it cuts the stream.
      socket.sendText(encodeControl({ t: "err", id, message: errorText(err) }));
      if (!started) this.options.log("debug", `node ${this.options.node}: ${request.method} ${request.path}: ${errorText(err)}`);
    }
  }
}
