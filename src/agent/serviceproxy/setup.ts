// Whether and how the agent runs the service proxy, from its options and what the machine allows.
import type { KubeClient } from "../kube/client";
import type { Logger } from "../log";
import { LoopbackAddresses, canManageAddresses } from "./addresses";
import { ServiceProxy } from "./proxy";
import type { ClusterIPMode } from "./table";

export type ServiceProxyFlag = "auto" | "nodeport" | "off";

export interface ProxyModes {
  nodePorts: boolean;
  clusterIPs: ClusterIPMode;
}

/**
 * The simulated runtime never proxies: one process playing many nodes cannot bind one port per
 * node, and its pods answer nothing. Otherwise NodePorts always, and cluster IPs on the loopback
 * interface when the agent may add addresses, else node-local listeners.
 */
export function chooseModes(flag: ServiceProxyFlag, runtime: string, addressesAllowed: boolean): ProxyModes | undefined {
  if (runtime === "simulated" || flag === "off") return undefined;
  if (flag === "nodeport") return { nodePorts: true, clusterIPs: "off" };
  return { nodePorts: true, clusterIPs: addressesAllowed ? "addresses" : "local" };
}

/** Where pods of a runtime reach the node: the host itself for processes, the bridge's gateway for Podman. */
export function localHostFor(runtime: string): string {
  return runtime === "podman" ? "10.88.0.1" : "127.0.0.1";
}

/** The control plane's address, where the `kubernetes` Service leads. */
export function apiServerOf(server: string): { host: string; port: number } | undefined {
  try {
    const url = new URL(server);
    return { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port) || (url.protocol === "https:" ? 443 : 80) };
  } catch {
    return undefined;
  }
}

export interface StartOptions {
  client: KubeClient;
  nodeName: string;
  runtime: string;
  flag: ServiceProxyFlag;
  log: Logger;
  signal: AbortSignal;
}

/** Starts the proxy (resolves once its first listeners are up), or undefined when it is off. */
export async function startServiceProxy(options: StartOptions): Promise<ServiceProxy | undefined> {
  const modes = chooseModes(options.flag, options.runtime, options.flag === "auto" && (await canManageAddresses()));
  if (!modes) return undefined;
  const proxy = new ServiceProxy({
    client: options.client,
    nodeName: options.nodeName,
    log: options.log,
    ...modes,
    localHost: localHostFor(options.runtime),
    addresses: modes.clusterIPs === "addresses" ? new LoopbackAddresses() : undefined,
    apiServer: apiServerOf(options.client.connection.server),
  });
  options.log("info", `service proxy: node ports on, cluster IPs ${modes.clusterIPs === "addresses" ? "on the loopback interface" : modes.clusterIPs === "local" ? "through node-local listeners" : "off"}`);
  await proxy.start(options.signal);
  return proxy;
}
