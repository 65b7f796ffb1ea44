// The one place service and pod traffic leaves the Worker: `dial`. A backend is reached
// directly (the Worker's fetch to the pod's address: Podman's bridge or the node's own address
// under `wrangler dev`, a routable address in production), or through its node's tunnel when the
// node says its pods are not reachable from the control plane (behind NAT; see ./podnetwork),
// WebSocket upgrades included (the node's NodeTunnel bridges them, src/tunnel/podsocket.ts).
import type { Env } from "../env";
import type { Store } from "../store/store";
import { TUNNEL_FAILURE_HEADER } from "../tunnel/nodetunnel";
import { relayToNode } from "../tunnel/relay";
import { POD_NETWORK_ANNOTATION, podProxyPath } from "./podnetwork";
import { upstreamURL, type Dial, type Upstream } from "./upstream";

export type { Dial, Outbound, Upstream } from "./upstream";

/** Straight to the address. */
export const directDial: Dial = (u, r) => fetch(upstreamURL(u), { method: r.method, headers: r.headers, body: r.body, redirect: "manual", signal: r.signal });

/** Which nodes want their pods reached through the tunnel: read from the Node, remembered briefly per isolate. */
export class TunnelNodes {
  private readonly known = new Map<string, { tunnel: boolean; until: number }>();
  constructor(private readonly ttlMs = 10_000) {}

  async viaTunnel(store: Store, nodeName: string, now: number): Promise<boolean> {
    const cached = this.known.get(nodeName);
    if (cached && cached.until > now) return cached.tunnel;
    const node = await store.get({ resource: "nodes", namespace: "", name: nodeName });
    const tunnel = node?.metadata.annotations?.[POD_NETWORK_ANNOTATION] === "tunnel";
    this.known.set(nodeName, { tunnel, until: now + this.ttlMs });
    return tunnel;
  }
}

const tunnelNodes = new TunnelNodes();

/** Tests in workerd cannot reach a server of their own: they stand in for the network here. */
let replacement: Dial | undefined;
export function replaceDialForTests(dial: Dial | undefined): void {
  replacement = dial;
}

/** The message of the Status a failed tunnel answered with. */
async function failureMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const status = JSON.parse(text) as { message?: unknown };
    if (typeof status.message === "string") return status.message;
  } catch {
    // Not a Status: the text says what it says.
  }
  return text || `HTTP ${response.status}`;
}

/** Through the node's tunnel; a failure of the tunnel is thrown, as a direct connection failure would be. */
async function tunnelDial(env: Env, nodeName: string, u: Upstream, r: Parameters<Dial>[1]): Promise<Response> {
  const target = podProxyPath({ scheme: u.scheme, ip: u.ip, port: u.port ?? (u.scheme === "https" ? 443 : 80), pathAndQuery: `${u.path}${u.search}` });
  const body = r.body instanceof ArrayBuffer ? new Response(r.body).body : r.body;
  const response = await relayToNode(env, nodeName, target, { method: r.method, headers: r.headers, body, signal: r.signal });
  if (response.headers.has(TUNNEL_FAILURE_HEADER)) throw new Error(await failureMessage(response));
  return response;
}

/** The Worker's dialer: direct, or through the node's tunnel for nodes that ask for it. */
export function workerDial(env: Env, store: Store): Dial {
  return async (u, r) => {
    if (replacement) return replacement(u, r);
    if (!u.nodeName || !(await tunnelNodes.viaTunnel(store, u.nodeName, Date.now()))) return directDial(u, r);
    return tunnelDial(env, u.nodeName, u, r);
  };
}
