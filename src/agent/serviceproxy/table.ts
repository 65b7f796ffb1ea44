// What the node's service proxy should be listening on, from proxyTable's rules, and what to change
// to get there from what it listens on now. Pure: the socket plumbing (tcp.ts) and the address
// bookkeeping (addresses.ts) only carry out the differences computed here.
import type { Backend, ProxyRule } from "../../services/proxytable";

/**
 * How pods reach cluster IPs on this node:
 *  - "addresses": the cluster IPs are added to the loopback interface (root, `ip` works) and the
 *    proxy listens on clusterIP:port itself, so the real ClusterIP answers in host-network
 *    processes and in Podman pods (whose packets reach the host through the bridge).
 *  - "local": the cluster IPs are not routable; each Service port gets a listener on `localHost`
 *    at a port of the kernel's choosing, and pods are given env vars pointing there.
 *  - "off": no cluster-IP listeners (NodePorts only).
 */
export type ClusterIPMode = "addresses" | "local" | "off";

export interface ListenerOptions {
  nodePorts: boolean;
  clusterIPs: ClusterIPMode;
  /** Where "local" listeners bind (the address pods reach the node at). */
  localHost: string;
}

export interface ListenerSpec {
  /** Stable identity across syncs: what is bound, or for "local" listeners which Service port. */
  key: string;
  kind: "nodePort" | "clusterIP" | "local";
  protocol: string;
  host: string;
  /** 0: any free port ("local" listeners). */
  port: number;
  /** "namespace/name:portName", for logs and env. */
  servicePort: string;
  backends: Backend[];
  sessionAffinity: "None" | "ClientIP";
  affinitySeconds: number;
}

/** The protocols the proxy carries (tcp.ts, udp.ts); SCTP is left alone. */
export const PROXIED_PROTOCOLS = new Set(["TCP", "UDP"]);

export function servicePortKey(namespace: string, service: string, portName: string): string {
  return `${namespace}/${service}:${portName}`;
}

/** Every listener the rules ask for on this node. */
export function desiredListeners(rules: readonly ProxyRule[], options: ListenerOptions): ListenerSpec[] {
  const out: ListenerSpec[] = [];
  for (const rule of rules) {
    if (!PROXIED_PROTOCOLS.has(rule.protocol)) continue;
    const servicePort = servicePortKey(rule.namespace, rule.service, rule.portName);
    const common = { protocol: rule.protocol, servicePort, sessionAffinity: rule.sessionAffinity, affinitySeconds: rule.affinitySeconds };
    if (options.nodePorts && rule.nodePort !== undefined) {
      out.push({ ...common, key: `${rule.protocol}/0.0.0.0:${rule.nodePort}`, kind: "nodePort", host: "0.0.0.0", port: rule.nodePort, backends: rule.nodePortBackends });
    }
    if (rule.clusterIP === undefined) continue;
    if (options.clusterIPs === "addresses") {
      out.push({ ...common, key: `${rule.protocol}/${rule.clusterIP}:${rule.port}`, kind: "clusterIP", host: rule.clusterIP, port: rule.port, backends: rule.clusterBackends });
    } else if (options.clusterIPs === "local") {
      out.push({ ...common, key: `${rule.protocol}/local/${servicePort}`, kind: "local", host: options.localHost, port: 0, backends: rule.clusterBackends });
    }
  }
  return out;
}

export interface ListenerChanges {
  /** Not listening yet. */
  open: ListenerSpec[];
  /** Listening, with other backends or affinity now: the socket stays, the routing changes. */
  update: ListenerSpec[];
  /** Keys no longer wanted. */
  close: string[];
}

function sameBackends(a: readonly Backend[], b: readonly Backend[]): boolean {
  return a.length === b.length && a.every((x, i) => x.ip === b[i].ip && x.port === b[i].port && x.pod === b[i].pod && x.nodeName === b[i].nodeName);
}

function sameRouting(a: ListenerSpec, b: ListenerSpec): boolean {
  return a.servicePort === b.servicePort && a.sessionAffinity === b.sessionAffinity && a.affinitySeconds === b.affinitySeconds && sameBackends(a.backends, b.backends);
}

/** What to change to go from `current` (by key) to `desired`. A key wanted twice keeps its first rule. */
export function diffListeners(current: ReadonlyMap<string, ListenerSpec>, desired: readonly ListenerSpec[]): ListenerChanges {
  const wanted = new Map<string, ListenerSpec>();
  for (const spec of desired) if (!wanted.has(spec.key)) wanted.set(spec.key, spec);
  const changes: ListenerChanges = { open: [], update: [], close: [] };
  for (const [key, spec] of wanted) {
    const now = current.get(key);
    if (!now) changes.open.push(spec);
    else if (!sameRouting(now, spec)) changes.update.push(spec);
  }
  for (const key of current.keys()) if (!wanted.has(key)) changes.close.push(key);
  return changes;
}

/** The cluster IPs to put on the loopback interface ("addresses" mode). */
export function wantedAddresses(desired: readonly ListenerSpec[]): Set<string> {
  return new Set(desired.filter((l) => l.kind === "clusterIP").map((l) => l.host));
}

export function diffAddresses(current: ReadonlySet<string>, wanted: ReadonlySet<string>): { add: string[]; remove: string[] } {
  return { add: [...wanted].filter((ip) => !current.has(ip)).sort(), remove: [...current].filter((ip) => !wanted.has(ip)).sort() };
}
