// NodeTunnel: one Durable Object per node (named after the node), holding the WebSocket its
// agent opened from wherever it runs (usually behind NAT). The Worker reaches the agent through
// it: relay() sends an HTTP request down the socket and streams the agent's answer back as the
// Response (protocol in ./frames). The socket uses the hibernation API, so an idle tunnel costs
// nothing; exchanges in flight keep the object awake, so the in-memory table of pending
// exchanges is never lost to hibernation. A WebSocket upgrade the agent's side accepts (101)
// becomes a WebSocket handed to the client here, bridged to the pod's raw bytes (./podsocket);
// an open one keeps the object awake as well.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { serviceUnavailable, timeout, toStatus, type ApiError } from "../api/status";
import { PING, PONG, decodeControl, decodeData, encodeControl, encodeData, type ControlFrame, type Header } from "./frames";
import { PodSocketBridge } from "./podsocket";

/** How long the agent may take to start answering (logs answer at once; a proxied service may not). */
const HEAD_TIMEOUT_MS = 30_000;
/** Cloudflare caps a WebSocket message at 1 MiB; request bodies go down in smaller pieces. */
const MAX_CHUNK = 64 * 1024;

/** Paths the Worker uses to talk to this object (never reachable from outside the Worker). */
export const TUNNEL_CONNECT_PATH = "/connect";
export const TUNNEL_RELAY_PATH = "/relay";
/** On a relay request: the path and query to ask the agent for. */
export const TUNNEL_TARGET_HEADER = "x-edgeplane-tunnel-target";
/** On both: the node's name, for messages. */
export const TUNNEL_NODE_HEADER = "x-edgeplane-node";
/**
 * On a relay's answer: the tunnel itself failed (no agent connected, no answer in time, the agent
 * could not serve the request), as opposed to whatever the agent's answer says. The service proxy
 * treats such an answer as an unreachable backend and tries the next one.
 */
export const TUNNEL_FAILURE_HEADER = "x-edgeplane-tunnel-failure";

interface Exchange {
  socket: WebSocket;
  /** Settles when the agent's "res" frame (or a failure) arrives. */
  head: (res: Response) => void;
  headTimer?: ReturnType<typeof setTimeout>;
  body?: ReadableStreamDefaultController<Uint8Array>;
  /** The request asked for a WebSocket upgrade. */
  upgrade: boolean;
  /** Once upgraded: what the agent's bytes go to. */
  bridge?: PodSocketBridge;
}

/** Sends bytes of one exchange in pieces under the message limit. */
function sendChunks(socket: WebSocket, id: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.byteLength; at += MAX_CHUNK) socket.send(encodeData(id, bytes.subarray(at, at + MAX_CHUNK)));
}

function statusResponse(err: ApiError): Response {
  return new Response(JSON.stringify(toStatus(err)), { status: err.code, headers: { "content-type": "application/json", [TUNNEL_FAILURE_HEADER]: "true" } });
}

export class NodeTunnel extends DurableObject<Env> {
  private readonly exchanges = new Map<number, Exchange>();
  private nextId = 1;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Keepalives are answered by the runtime without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  override async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === TUNNEL_CONNECT_PATH) return this.accept(request);
    if (path === TUNNEL_RELAY_PATH) return this.relay(request);
    return new Response("not found", { status: 404 });
  }

  /** The agent's WebSocket. A new connection replaces older ones (an agent that reconnected). */
  private accept(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return statusResponse({ code: 400, reason: "BadRequest", message: "the node tunnel needs a WebSocket upgrade" });
    }
    for (const old of this.ctx.getWebSockets()) old.close(4000, "replaced by a newer connection from the agent");
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  private currentSocket(): WebSocket | undefined {
    const open = this.ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN);
    return open[open.length - 1];
  }

  /** Sends the request down the tunnel and answers with the agent's response as it streams. */
  private async relay(request: Request): Promise<Response> {
    const node = request.headers.get(TUNNEL_NODE_HEADER) ?? "";
    const target = request.headers.get(TUNNEL_TARGET_HEADER) ?? "/";
    const socket = this.currentSocket();
    if (!socket) return statusResponse(serviceUnavailable(`no agent connection to node "${node}"`));
    const id = this.allocateId();
    const upgrade = request.headers.get("upgrade")?.toLowerCase() === "websocket";
    const headers: Header[] = [];
    request.headers.forEach((value, name) => {
      // The bridge to the pod negotiates no extensions (permessage-deflate would compress its frames).
      if (name !== TUNNEL_TARGET_HEADER && name !== TUNNEL_NODE_HEADER && !(upgrade && name === "sec-websocket-extensions")) headers.push([name, value]);
    });
    const response = new Promise<Response>((resolve) => {
      const exchange: Exchange = { socket, head: resolve, upgrade };
      exchange.headTimer = setTimeout(() => {
        this.finish(id, { t: "cancel", id });
        resolve(statusResponse(timeout(`the agent of node "${node}" did not answer within ${HEAD_TIMEOUT_MS / 1000}s`, 1)));
      }, HEAD_TIMEOUT_MS);
      this.exchanges.set(id, exchange);
    });
    // The body goes down while the answer may already be coming back (a proxied upload that the
    // server answers early), so the response is not held until the body is sent.
    // An upgrade's request side is the client's messages, which go down once the pod has switched.
    const body = upgrade ? null : request.body;
    void this.sendRequest(socket, id, { method: request.method, body }, target, headers).catch((err: Error) => this.fail(id, `sending to the agent of node "${node}": ${err.message}`));
    return response;
  }

  private async sendRequest(socket: WebSocket, id: number, request: { method: string; body: ReadableStream<Uint8Array> | null }, target: string, headers: Header[]): Promise<void> {
    socket.send(encodeControl({ t: "req", id, method: request.method, path: target, headers }));
    if (this.exchanges.get(id)?.upgrade) return;
    if (request.body) {
      for await (const chunk of request.body) {
        if (!this.exchanges.has(id)) return;
        sendChunks(socket, id, chunk);
      }
    }
    if (this.exchanges.has(id)) socket.send(encodeControl({ t: "end", id }));
  }

  private allocateId(): number {
    do {
      this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    } while (this.exchanges.has(this.nextId));
    return this.nextId;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (typeof message !== "string") {
      const data = decodeData(new Uint8Array(message));
      if (!data) return;
      const exchange = this.exchanges.get(data.id);
      if (!exchange || exchange.socket !== ws || data.chunk.byteLength === 0) return;
      if (exchange.bridge) exchange.bridge.fromPod(data.chunk);
      else exchange.body?.enqueue(data.chunk.slice());
      return;
    }
    const frame = decodeControl(message);
    if (!frame) return;
    const exchange = this.exchanges.get(frame.id);
    if (!exchange || exchange.socket !== ws) return;
    switch (frame.t) {
      case "res":
        this.respond(frame.id, exchange, frame.status, frame.headers);
        break;
      case "end":
        exchange.body?.close();
        exchange.bridge?.podEnded();
        this.exchanges.delete(frame.id);
        break;
      case "err":
        this.fail(frame.id, frame.message);
        break;
    }
  }

  private respond(id: number, exchange: Exchange, status: number, headers: Header[]): void {
    clearTimeout(exchange.headTimer);
    if (status === 101 && exchange.upgrade) {
      exchange.head(this.bridge(id, exchange, new Headers(headers)));
      return;
    }
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        exchange.body = controller;
      },
      // The client went away (kubectl logs -f interrupted): tell the agent to stop streaming.
      cancel: () => this.finish(id, { t: "cancel", id }),
    });
    // A response to HEAD, or with 204/304, must not carry a body.
    const bodyless = status === 204 || status === 304;
    const out = new Headers(headers);
    // Only this object says the tunnel failed; a backend's answer cannot pretend to.
    out.delete(TUNNEL_FAILURE_HEADER);
    // Without a content-encoding, Miniflare gzips the response for clients that accept it and
    // holds the whole stream back until it ends: kubectl logs -f would print nothing.
    if (!out.has("content-encoding")) out.set("content-encoding", "identity");
    exchange.head(new Response(bodyless ? null : body, { status, headers: out }));
  }

  /** The pod switched to WebSocket: the client gets a socket of ours, bridged to the pod's bytes. */
  private bridge(id: number, exchange: Exchange, podHeaders: Headers): Response {
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    server.accept();
    const bridge = new PodSocketBridge({
      toPod: (bytes) => {
        if (this.exchanges.has(id)) sendChunks(exchange.socket, id, bytes);
      },
      toPodDone: () => {
        if (this.exchanges.has(id)) exchange.socket.send(encodeControl({ t: "end", id }));
      },
      toClient: (message) => server.send(message),
      closeClient: (code, reason) => server.close(code, reason),
    });
    exchange.bridge = bridge;
    server.addEventListener("message", (event) => bridge.fromClient(event.data));
    server.addEventListener("close", (event) => bridge.clientClosed(event.code, event.reason));
    server.addEventListener("error", () => bridge.clientClosed(1006, ""));
    const headers = new Headers();
    const protocol = podHeaders.get("sec-websocket-protocol");
    if (protocol) headers.set("sec-websocket-protocol", protocol);
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** Ends an exchange from this side, telling the agent with `frame` if the socket is still open. */
  private finish(id: number, frame: ControlFrame): void {
    const exchange = this.exchanges.get(id);
    if (!exchange) return;
    this.exchanges.delete(id);
    clearTimeout(exchange.headTimer);
    try {
      exchange.socket.send(encodeControl(frame));
    } catch {
      // The socket closed meanwhile; the agent drops its exchanges when it notices.
    }
  }

  private fail(id: number, message: string): void {
    const exchange = this.exchanges.get(id);
    if (!exchange) return;
    this.exchanges.delete(id);
    clearTimeout(exchange.headTimer);
    if (exchange.bridge) exchange.bridge.podEnded(message);
    else if (exchange.body) exchange.body.error(new Error(message));
    else exchange.head(statusResponse({ code: 502, reason: "InternalError", message }));
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    this.dropExchanges(ws, "the agent's connection closed");
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    this.dropExchanges(ws, `the agent's connection failed: ${String(error)}`);
  }

  private dropExchanges(ws: WebSocket, why: string): void {
    for (const [id, exchange] of this.exchanges) if (exchange.socket === ws) this.fail(id, why);
  }
}
