// The node's service proxy (edgeplane's kube-proxy, userspace mode): watches Services and
// EndpointSlices, turns them into proxyTable's rules and from those into listeners (table.ts),
// and carries out the differences: NodePorts on 0.0.0.0, cluster IPs on the loopback interface or
// node-local listeners (see ClusterIPMode). Changes are coalesced and applied one pass at a time;
// a port that cannot be bound now (in use) is tried again later.
import type { Pod } from "../../apis/core/v1/pod";
import type { Service } from "../../apis/core/v1/service";
import type { EndpointSlice } from "../../apis/discovery/v1/endpointslice";
import type { EnvVar } from "../../services/envvars";
import { proxyTable } from "../../services/proxytable";
import type { KubeClient } from "../kube/client";
import { Informer, httpListWatch } from "../kube/informer";
import type { ResourceType } from "../kube/resources";
import { errorText, type Logger } from "../log";
import type { AddressManager } from "./addresses";
import { podServiceEnv, type LocalEndpoint } from "./env";
import { TcpListener } from "./tcp";
import { UdpListener } from "./udp";
import { desiredListeners, diffAddresses, diffListeners, wantedAddresses, type ClusterIPMode, type ListenerSpec } from "./table";

export const SERVICES: ResourceType = { group: "", version: "v1", resource: "services" };
export const ENDPOINTSLICES: ResourceType = { group: "discovery.k8s.io", version: "v1", resource: "endpointslices" };

export interface ServiceProxyOptions {
  client: KubeClient;
  nodeName: string;
  log: Logger;
  nodePorts: boolean;
  clusterIPs: ClusterIPMode;
  /** Where "local" listeners bind. */
  localHost: string;
  /** Required for the "addresses" mode. */
  addresses?: AddressManager;
  /** Where the `kubernetes` Service leads (the control plane). */
  apiServer?: { host: string; port: number };
}

/** How soon after a change the listeners follow (coalescing a burst of events into one pass). */
const SYNC_DELAY_MS = 20;
/** How often a listener that could not bind is tried again. */
const RETRY_MS = 5_000;

type Listener = TcpListener | UdpListener;

function listenerFor(spec: ListenerSpec, log: Logger): Listener {
  return spec.protocol === "UDP" ? new UdpListener(spec, log) : new TcpListener(spec, log);
}

export class ServiceProxy {
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly listeners = new Map<string, Listener>();
  /** Bound ports of "local" listeners, by "namespace/name:portName". */
  private readonly localPorts = new Map<string, LocalEndpoint>();
  private readonly addresses = new Set<string>();
  private timer?: ReturnType<typeof setTimeout>;
  private dirty = false;
  private running?: Promise<void>;
  private stopped = false;
  private stopping?: Promise<void>;
  /** Listeners whose bind failure was already logged as a warning (retries log at debug). */
  private readonly warned = new Set<string>();

  constructor(private readonly options: ServiceProxyOptions) {
    const onChange = () => this.schedule(SYNC_DELAY_MS);
    const handlers = { added: onChange, updated: onChange, deleted: onChange };
    const onError = (what: string) => (err: unknown) => options.log("warn", `service proxy: watching ${what}: ${errorText(err)}`);
    this.services = new Informer(httpListWatch<Service>(options.client, SERVICES), handlers, { onError: onError("services") });
    this.slices = new Informer(httpListWatch<EndpointSlice>(options.client, ENDPOINTSLICES), handlers, { onError: onError("endpointslices") });
  }

  /** Starts both watches; resolves once both have listed and the first listeners are up. */
  async start(signal: AbortSignal): Promise<void> {
    void this.services.run(signal);
    void this.slices.run(signal);
    signal.addEventListener("abort", () => void this.stop(), { once: true });
    await Promise.race([Promise.all([this.services.synced, this.slices.synced]), new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))]);
    this.schedule(0);
    await this.running;
  }

  /** The Service env vars of a pod starting now (Services of its namespace, and `kubernetes`). */
  serviceEnv(pod: Pod): EnvVar[] {
    const namespace = pod.metadata.namespace ?? "";
    const services = [...this.services.cache.values()].filter((s) => s.metadata.namespace === namespace || s.metadata.namespace === "default");
    return podServiceEnv(services, namespace, pod.spec?.enableServiceLinks ?? true, this.options.clusterIPs, (key) => this.localPorts.get(key));
  }

  /** The listeners now, by key (for tests and debugging). */
  listening(): ListenerSpec[] {
    return [...this.listeners.values()].map((l) => l.current);
  }

  /** Closes every listener and removes the addresses it added; every caller waits for the same stop. */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopping ??= (async () => {
      await this.running?.catch(() => undefined);
      await Promise.all([...this.listeners.values()].map((l) => l.close(true)));
      this.listeners.clear();
      await this.options.addresses?.removeAll();
    })();
    return this.stopping;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delayMs);
  }

  private kick(): void {
    this.dirty = true;
    this.running ??= (async () => {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        try {
          await this.sync();
        } catch (err) {
          this.options.log("warn", `service proxy: ${errorText(err)}`);
          this.schedule(RETRY_MS);
        }
      }
      this.running = undefined;
    })();
  }

  private async sync(): Promise<void> {
    const { log } = this.options;
    const rules = proxyTable([...this.services.cache.values()], [...this.slices.cache.values()], { nodeName: this.options.nodeName, apiServer: this.options.apiServer });
    const desired = desiredListeners(rules, { nodePorts: this.options.nodePorts, clusterIPs: this.options.clusterIPs, localHost: this.options.localHost });
    const current = new Map([...this.listeners].map(([key, l]) => [key, l.current]));
    const changes = diffListeners(current, desired);
    for (const key of changes.close) {
      const listener = this.listeners.get(key);
      this.listeners.delete(key);
      if (listener?.current.kind === "local") this.localPorts.delete(listener.current.servicePort);
      await listener?.close();
      log("info", `service proxy: closed ${key}`);
    }
    for (const spec of changes.update) {
      this.listeners.get(spec.key)?.update(spec);
      log("debug", `service proxy: ${spec.key} -> ${spec.backends.map((b) => `${b.ip}:${b.port}`).join(", ") || "(no endpoints)"}`);
    }
    const addresses = await this.syncAddresses(desired);
    let failed = false;
    for (const spec of changes.open) {
      if (spec.kind === "clusterIP" && !addresses.has(spec.host)) {
        failed = true;
        continue;
      }
      const listener = listenerFor(spec, log);
      try {
        const port = await listener.listen();
        this.listeners.set(spec.key, listener);
        this.warned.delete(spec.key);
        if (spec.kind === "local") this.localPorts.set(spec.servicePort, { host: spec.host, port });
        log("info", `service proxy: ${spec.servicePort} on ${spec.host}:${port}${spec.protocol === "TCP" ? "" : `/${spec.protocol}`} -> ${spec.backends.map((b) => `${b.ip}:${b.port}`).join(", ") || "(no endpoints)"}`);
      } catch (err) {
        failed = true;
        log(this.warned.has(spec.key) ? "debug" : "warn", `service proxy: cannot listen on ${spec.host}:${spec.port} for ${spec.servicePort}: ${errorText(err)}; retrying every ${RETRY_MS / 1000}s`);
        this.warned.add(spec.key);
      }
    }
    if (failed) this.schedule(RETRY_MS);
  }

  /** Adds the cluster IPs now wanted to the loopback interface and removes those no longer wanted; the addresses usable now. */
  private async syncAddresses(desired: readonly ListenerSpec[]): Promise<Set<string>> {
    const manager = this.options.addresses;
    if (!manager || this.options.clusterIPs !== "addresses") return new Set();
    const { add, remove } = diffAddresses(this.addresses, wantedAddresses(desired));
    for (const ip of remove) {
      this.addresses.delete(ip);
      await manager.remove(ip);
    }
    for (const ip of add) {
      if (await manager.add(ip)) {
        this.addresses.add(ip);
        continue;
      }
      this.options.log(this.warned.has(ip) ? "debug" : "warn", `service proxy: cannot add ${ip} to the loopback interface`);
      this.warned.add(ip);
    }
    return this.addresses;
  }
}
