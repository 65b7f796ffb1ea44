// Reaching a node's agent from the Worker: through the node's NodeTunnel Durable Object.
import type { Env } from "../env";
import { TUNNEL_CONNECT_PATH, TUNNEL_NODE_HEADER, TUNNEL_RELAY_PATH, TUNNEL_TARGET_HEADER } from "./nodetunnel";

function tunnelOf(env: Env, node: string) {
  return env.NODE_TUNNEL.get(env.NODE_TUNNEL.idFromName(node));
}

/**
 * Asks the agent of `node` for `target` (a path with its query, in the agent's own API:
 * /containerLogs/..., /stats/summary, /pods). The response streams as the agent sends it;
 * failures come back as Status responses (503 when the agent is not connected).
 */
export function relayToNode(env: Env, node: string, target: string, init: { method?: string; headers?: Headers; body?: ReadableStream<Uint8Array> | null; signal?: AbortSignal } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set(TUNNEL_TARGET_HEADER, target);
  headers.set(TUNNEL_NODE_HEADER, node);
  return tunnelOf(env, node).fetch(`https://tunnel${TUNNEL_RELAY_PATH}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body ?? null,
    signal: init.signal,
  });
}

/** Hands the agent's WebSocket upgrade request to the node's tunnel object. */
export function connectNode(env: Env, node: string, request: Request): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.set(TUNNEL_NODE_HEADER, node);
  return tunnelOf(env, node).fetch(`https://tunnel${TUNNEL_CONNECT_PATH}`, { method: "GET", headers });
}
