// Service and pod traffic for a node the control plane cannot reach (behind NAT): the Worker sends
// it down the node's tunnel as /podProxy/{scheme}/{ip}/{port}{path} (src/services/podnetwork.ts)
// and the agent makes the request to the pod from the node, where the pod's address is
// reachable, streaming both bodies. An upgrade the pod accepts (101) turns the exchange into a
// byte pipe: the tunnel's request body goes to the pod's connection and the connection's bytes
// come back as the response body (the NodeTunnel speaks WebSocket over them, src/tunnel/podsocket.ts).
// Only addresses of pods this agent runs are served: the tunnel is a way to this node's pods,
// not into the network the node sits in.
import { once } from "node:events";
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Duplex, Writable } from "node:stream";
import type { Pod } from "../../apis/core/v1/pod";
import type { PodTarget } from "../../services/podnetwork";
import type { Header } from "../../tunnel/frames";
import type { TunnelRequest, TunnelResponse } from "../tunnel/client";

/** Connection-specific headers (RFC 9110 §7.6.1), which belong to each hop, not to the request. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host"]);
/** A pod that does not accept the connection within this is unreachable (the Worker tries the next one). */
const CONNECT_TIMEOUT_MS = 5_000;

/** The addresses of the pods on this node, which the tunnel may reach. */
export function podAddresses(pods: readonly Pod[]): Set<string> {
  const out = new Set<string>();
  for (const pod of pods) {
    if (pod.status?.podIP) out.add(pod.status.podIP);
    for (const { ip } of pod.status?.podIPs ?? []) if (ip) out.add(ip);
  }
  return out;
}

/** The protocol the request asks to switch to, if any. */
function upgradeOf(headers: readonly Header[]): string | undefined {
  return headers.find(([name]) => name.toLowerCase() === "upgrade")?.[1];
}

/**
 * The request's headers as they go to the pod: hop-by-hop ones dropped (but an upgrade asked
 * for is asked for again on this hop), Host the pod's address.
 */
export function podRequestHeaders(headers: readonly Header[], target: PodTarget): Header[] {
  const listed = new Set(headers.filter(([name]) => name.toLowerCase() === "connection").flatMap(([, value]) => value.split(",").map((h) => h.trim().toLowerCase())));
  const kept = headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()) && !listed.has(name.toLowerCase()));
  const host = target.ip.includes(":") ? `[${target.ip}]` : target.ip;
  const upgrade = upgradeOf(headers);
  const switching: Header[] = upgrade ? [["connection", "Upgrade"], ["upgrade", upgrade]] : [];
  return [["host", `${host}:${target.port}`], ...kept, ...switching];
}

/** The pod's response headers as they go back: hop-by-hop ones dropped (the tunnel frames the body itself), but those of a switch kept. */
function responseHeaders(res: IncomingMessage): Header[] {
  const out: Header[] = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i].toLowerCase();
    if (!HOP_BY_HOP.has(name) || (res.statusCode === 101 && (name === "upgrade" || name === "connection"))) out.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
  }
  return out;
}

function open(target: PodTarget, request: TunnelRequest): ClientRequest {
  const send = target.scheme === "https" ? httpsRequest : httpRequest;
  return send({
    host: target.ip,
    port: target.port,
    method: request.method,
    path: target.pathAndQuery,
    headers: podRequestHeaders(request.headers, target).flat(),
    agent: false,
    // A pod's certificate names nothing the proxy could check, as kube-apiserver's proxy does not either.
    rejectUnauthorized: false,
    signal: request.signal,
  });
}

/** Fails the request if its connection is not made in time. */
function connectTimeout(req: ClientRequest, target: PodTarget): void {
  req.once("socket", (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => req.destroy(new Error(`dial tcp ${target.ip}:${target.port}: i/o timeout`)), CONNECT_TIMEOUT_MS);
    socket.once("connect", () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
  });
}

/** Sends the tunnel's request body to the pod as it arrives, respecting the pod's pace. */
async function sendBody(sink: Writable, body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of body) {
    if (sink.destroyed) return;
    if (!sink.write(chunk)) await once(sink, "drain");
  }
  sink.end();
}

/** The pod switched protocols: from here on the exchange is its connection's bytes both ways. */
function switched(res: IncomingMessage, socket: Duplex, head: Buffer, request: TunnelRequest): TunnelResponse {
  request.signal.addEventListener("abort", () => socket.destroy(), { once: true });
  sendBody(socket, request.body).catch(() => socket.destroy());
  async function* bytes(): AsyncIterable<Uint8Array> {
    if (head.byteLength) yield head;
    yield* socket;
  }
  return { status: 101, headers: responseHeaders(res), body: bytes() };
}

/**
 * Forwards one tunnel request to the pod. A pod that cannot be reached is an error thrown (the
 * tunnel then tells the Worker it failed); anything the pod answers is its answer.
 */
export async function forwardToPod(target: PodTarget, request: TunnelRequest): Promise<TunnelResponse> {
  const req = open(target, request);
  connectTimeout(req, target);
  // Node holds the head back until the first body write; a body that comes slowly, or a request
  // the pod answers before reading it, must not wait for it.
  req.flushHeaders();
  const answered = new Promise<TunnelResponse>((resolve, reject) => {
    req.once("response", (res: IncomingMessage) => resolve({ status: res.statusCode ?? 502, headers: responseHeaders(res), body: res }));
    req.once("upgrade", (res: IncomingMessage, socket: Duplex, head: Buffer) => resolve(switched(res, socket, head, request)));
    req.on("error", reject);
  });
  // An upgrade's body is what follows the switch; any other may still be coming when the pod
  // answers (an upload refused early): no waiting for it.
  if (upgradeOf(request.headers)) req.end();
  else sendBody(req, request.body).catch((err: Error) => req.destroy(err));
  return answered;
}
