// The one place service and pod traffic leaves the Worker: `dial`. A backend is reached
// directly (the Worker's fetch to the pod's address: Podman's bridge or the node's own address
// under `wrangler dev`, a routable address in production), or through its node's tunnel when the
// node says its pods are not reachable from the control plane (behind NAT): the Node annotation
//
//   edgeplane.dev/pod-network: tunnel
//
// Through the tunnel the request goes to the agent's API as
//
//   {method} /podProxy/{scheme}/{ip}/{port}{path}?{query}
//
// and the agent forwards it to the pod (the agent's side of this is the agent's to serve).
// WebSocket upgrades only go direct: the tunnel carries plain HTTP exchanges.
import type { Env } from "../env";
import type { Store } from "../store/store";
import { relayToNode } from "../tunnel/relay";
import { upstreamURL, type Dial } from "./upstream";

export type { Dial, Outbound, Upstream } from "./upstream";

export const POD_NETWORK_ANNOTATION = "edgeplane.dev/pod-network";
export const TUNNEL_POD_PREFIX = "/podProxy";

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

/** The Worker's dialer: direct, or through the node's tunnel for nodes that ask for it. */
export function workerDial(env: Env, store: Store): Dial {
  return async (u, r) => {
    if (replacement) return replacement(u, r);
    const upgrade = r.headers.get("upgrade");
    if (!u.nodeName || upgrade || !(await tunnelNodes.viaTunnel(store, u.nodeName, Date.now()))) return directDial(u, r);
    const target = `${TUNNEL_POD_PREFIX}/${u.scheme}/${u.ip}/${u.port ?? (u.scheme === "https" ? 443 : 80)}${u.path}${u.search}`;
    const body = r.body instanceof ArrayBuffer ? new Response(r.body).body : r.body;
    return relayToNode(env, u.nodeName, target, { method: r.method, headers: r.headers, body, signal: r.signal });
  };
}
