// How Services are configured: wrangler vars, read once per set of values.
//   SERVICE_CLUSTER_IP_RANGE  cluster IPs (kube-apiserver's --service-cluster-ip-range), default 10.96.0.0/12
//   SERVICE_NODE_PORT_RANGE   node ports (--service-node-port-range), default 30000-32767
//   CLUSTER_DOMAIN            LoadBalancer Services are published at {name}.{namespace}.{domain}
import { parseCidr, parsePortRange, type IPv4Range, type PortRange } from "./ranges";

export interface ServiceVars {
  SERVICE_CLUSTER_IP_RANGE?: string;
  SERVICE_NODE_PORT_RANGE?: string;
  CLUSTER_DOMAIN?: string;
}

export interface ServiceConfig {
  clusterIPs: IPv4Range;
  nodePorts: PortRange;
  /** Lower case, without a leading or trailing dot. */
  clusterDomain: string;
}

export const DEFAULT_CLUSTER_IP_RANGE = "10.96.0.0/12";
export const DEFAULT_NODE_PORT_RANGE = "30000-32767";
export const DEFAULT_CLUSTER_DOMAIN = "edgeplane.local";

/** CLUSTER_DOMAIN, lower case, without leading or trailing dots. */
export function clusterDomain(vars: ServiceVars): string {
  return (vars.CLUSTER_DOMAIN || DEFAULT_CLUSTER_DOMAIN).toLowerCase().replace(/^\.+|\.+$/g, "");
}

let cached: { key: string; config: ServiceConfig } | undefined;

/** The configuration, or an Error naming the bad setting (a misconfigured Worker should say so, not guess). */
export function serviceConfig(vars: ServiceVars): ServiceConfig {
  const ipText = vars.SERVICE_CLUSTER_IP_RANGE || DEFAULT_CLUSTER_IP_RANGE;
  const portText = vars.SERVICE_NODE_PORT_RANGE || DEFAULT_NODE_PORT_RANGE;
  const domain = clusterDomain(vars);
  const key = `${ipText}|${portText}|${domain}`;
  if (cached?.key === key) return cached.config;
  const clusterIPs = parseCidr(ipText);
  if (!clusterIPs) throw new Error(`SERVICE_CLUSTER_IP_RANGE "${ipText}" is not an IPv4 CIDR with room for addresses (e.g. 10.96.0.0/12)`);
  const nodePorts = parsePortRange(portText);
  if (!nodePorts) throw new Error(`SERVICE_NODE_PORT_RANGE "${portText}" is not a port range (e.g. 30000-32767)`);
  cached = { key, config: { clusterIPs, nodePorts, clusterDomain: domain } };
  return cached.config;
}
