// Forwarding one HTTP request to a backend, as kube-apiserver's proxy handler does for
// services/proxy and pods/proxy: hop-by-hop headers dropped, X-Forwarded-* added, bodies
// streamed both ways, redirects to the backend's own paths kept under the proxy's path, and a
// WebSocket upgrade handed through. When a backend cannot be reached, an idempotent request is
// tried on the next one (its body, if small enough, is kept to be sent again).
import { serviceUnavailable, toStatus, type ApiError } from "../api/status";
import type { Dial, Outbound, Upstream } from "./upstream";

/** RFC 9110 §7.6.1 connection-specific headers, and the client's credentials for the control plane. */
const DROPPED_REQUEST_HEADERS = ["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "authorization", "host"];
const DROPPED_RESPONSE_HEADERS = ["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade"];
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
/** Bodies of idempotent requests up to this size are kept to be sent again on a retry. */
const REPLAYABLE_BODY_BYTES = 1 << 20;

export interface ForwardOptions {
  request: Request;
  /** The backends to try, in order. */
  upstreams: readonly Upstream[];
  dial: Dial;
  clientIP: string;
  /** The proxy's own path before the backend's ("/api/v1/namespaces/ns/services/web/proxy"); "" at the edge. */
  mountPrefix: string;
  /** Told which upstream answered. */
  onServed?: (index: number) => void;
}

function statusResponse(err: ApiError): Response {
  return new Response(JSON.stringify(toStatus(err)), { status: err.code, headers: { "content-type": "application/json" } });
}

function isWebSocket(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

function outboundHeaders(request: Request, clientIP: string): Headers {
  const headers = new Headers(request.headers);
  const connectionListed = (request.headers.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  for (const name of [...DROPPED_REQUEST_HEADERS, ...connectionListed]) headers.delete(name);
  const url = new URL(request.url);
  const prior = request.headers.get("x-forwarded-for");
  headers.set("x-forwarded-for", prior ? `${prior}, ${clientIP}` : clientIP);
  headers.set("x-forwarded-host", request.headers.get("host") ?? url.host);
  headers.set("x-forwarded-proto", url.protocol.replace(":", ""));
  if (isWebSocket(request)) {
    headers.set("upgrade", "websocket");
    headers.set("connection", "Upgrade");
  }
  return headers;
}

/** A redirect to one of the backend's own paths stays under the proxy's path. */
function rewriteLocation(location: string, mountPrefix: string): string {
  if (!mountPrefix || !location.startsWith("/") || location.startsWith("//")) return location;
  return `${mountPrefix}${location}`;
}

function relayed(response: Response, mountPrefix: string): Response {
  // A WebSocket (101) answer carries the socket itself: hand it back as it is.
  if (response.status === 101 || (response as { webSocket?: unknown }).webSocket) return response;
  const headers = new Headers(response.headers);
  for (const name of DROPPED_RESPONSE_HEADERS) headers.delete(name);
  const location = headers.get("location");
  if (location) headers.set("location", rewriteLocation(location, mountPrefix));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The request body as it can be sent: kept whole when a retry may need it again. */
async function outboundBody(request: Request, retryable: boolean): Promise<Outbound["body"]> {
  if (!request.body || request.method === "GET" || request.method === "HEAD") return null;
  const length = Number(request.headers.get("content-length") ?? NaN);
  if (retryable && Number.isFinite(length) && length <= REPLAYABLE_BODY_BYTES) return request.arrayBuffer();
  return request.body;
}

export async function forward(opts: ForwardOptions): Promise<Response> {
  const { request, upstreams, dial, clientIP } = opts;
  if (upstreams.length === 0) return statusResponse(serviceUnavailable("no endpoints available"));
  const websocket = isWebSocket(request);
  const idempotent = IDEMPOTENT.has(request.method) && !websocket;
  const body = await outboundBody(request, idempotent);
  // A streamed body can be sent once only.
  const retryable = idempotent && !(body instanceof ReadableStream);
  const headers = outboundHeaders(request, clientIP);
  let lastError = "";
  for (let i = 0; i < upstreams.length; i++) {
    try {
      const response = await dial(upstreams[i], { method: request.method, headers, body, signal: request.signal });
      opts.onServed?.(i);
      return relayed(response, opts.mountPrefix);
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      if (!retryable || request.signal.aborted) break;
    }
  }
  return statusResponse(serviceUnavailable(`error trying to reach service: ${lastError}`));
}
