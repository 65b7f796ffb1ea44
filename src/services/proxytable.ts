// What a node's proxy serves, from Services and EndpointSlices: for every Service port, the
// listeners (cluster IP:port inside pods, the node port on the node) and the backends to balance
// over, chosen as kube-proxy chooses them. Pure, for the agent's NodePort listener and in-pod
// userspace proxy (given the informers' Services and EndpointSlices), and for the Worker's own
// proxy (one Service at a time).
//
//  - Backends are the ready endpoints of the slices labelled with the Service's name whose port
//    of the same name and protocol resolves; when none is ready, the serving ones that are
//    terminating (kube-proxy's ProxyTerminatingEndpoints), so a rollout's last pods still answer.
//  - externalTrafficPolicy Local keeps node-port traffic on this node's endpoints;
//    internalTrafficPolicy Local does the same for cluster-IP traffic.
//  - The `kubernetes` Service of `default` has no endpoints in the cluster: given `apiServer`,
//    it leads to the control plane.

export interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

export interface SliceForProxy {
  metadata: { namespace?: string; labels?: Record<string, string> };
  addressType?: string;
  endpoints?: SliceEndpoint[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

export interface ServicePortForProxy {
  name?: string;
  port: number;
  protocol?: string;
  nodePort?: number;
}

export interface ServiceForProxy {
  metadata: { name?: string; namespace?: string };
  spec?: {
    type?: string;
    clusterIP?: string;
    ports?: ServicePortForProxy[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
  };
}

export interface Backend {
  ip: string;
  port: number;
  nodeName?: string;
  /** The pod behind it, when the slice names one. */
  pod?: string;
}

export interface ProxyRule {
  namespace: string;
  service: string;
  /** The Service port's name ("" for a single unnamed port). */
  portName: string;
  protocol: string;
  /** Listen here inside pods (absent for headless Services). */
  clusterIP?: string;
  port: number;
  /** Listen here on the node (NodePort and LoadBalancer Services). */
  nodePort?: number;
  /** ClientIP: a client keeps its backend for `affinitySeconds` (kube-proxy's default 10800). */
  sessionAffinity: "None" | "ClientIP";
  affinitySeconds: number;
  /** For cluster-IP traffic, and for node-port traffic: the traffic policies applied. */
  clusterBackends: Backend[];
  nodePortBackends: Backend[];
}

export interface ProxyTableOptions {
  /** The node the table is for: Local traffic policies keep to its endpoints. */
  nodeName?: string;
  /** Where the `kubernetes` Service leads. */
  apiServer?: { host: string; port: number };
}

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const DEFAULT_AFFINITY_SECONDS = 10800;

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/** The slices of each Service, by namespace/name. */
export function slicesByService(slices: readonly SliceForProxy[]): Map<string, SliceForProxy[]> {
  const out = new Map<string, SliceForProxy[]>();
  for (const slice of slices) {
    const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!name) continue;
    const key = keyOf(slice.metadata.namespace ?? "", name);
    const list = out.get(key);
    if (list) list.push(slice);
    else out.set(key, [slice]);
  }
  return out;
}

/** Ready endpoints of one Service port; failing those, serving terminating ones. Deduplicated by address. */
export function backendsFor(port: ServicePortForProxy, slices: readonly SliceForProxy[]): Backend[] {
  const protocol = port.protocol ?? "TCP";
  const ready = new Map<string, Backend>();
  const terminating = new Map<string, Backend>();
  for (const slice of slices) {
    if (slice.addressType && slice.addressType !== "IPv4") continue;
    const sp = (slice.ports ?? []).find((p) => (p.name ?? "") === (port.name ?? "") && (p.protocol ?? "TCP") === protocol);
    if (sp?.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!ip) continue;
      const backend: Backend = { ip, port: sp.port };
      if (ep.nodeName) backend.nodeName = ep.nodeName;
      if (ep.targetRef?.name) backend.pod = ep.targetRef.name;
      const c = ep.conditions ?? {};
      // A missing ready condition means ready (EndpointConditions' documented default).
      if (c.ready !== false) ready.set(`${ip}:${sp.port}`, backend);
      else if (c.serving && c.terminating) terminating.set(`${ip}:${sp.port}`, backend);
    }
  }
  const chosen = ready.size ? ready : terminating;
  return [...chosen.values()].sort((a, b) => a.ip.localeCompare(b.ip) || a.port - b.port);
}

function local(backends: Backend[], nodeName: string | undefined): Backend[] {
  return nodeName === undefined ? backends : backends.filter((b) => b.nodeName === nodeName);
}

function isKubernetesService(svc: ServiceForProxy): boolean {
  return svc.metadata.namespace === "default" && svc.metadata.name === "kubernetes";
}

/** The rules of one Service, given its slices. */
export function serviceRules(svc: ServiceForProxy, slices: readonly SliceForProxy[], options: ProxyTableOptions = {}): ProxyRule[] {
  const spec = svc.spec ?? {};
  if (spec.type === "ExternalName") return [];
  const clusterIP = spec.clusterIP && spec.clusterIP !== "None" ? spec.clusterIP : undefined;
  const affinity = spec.sessionAffinity === "ClientIP" ? "ClientIP" : "None";
  return (spec.ports ?? []).map((port) => {
    const all = isKubernetesService(svc) && options.apiServer ? [{ ip: options.apiServer.host, port: options.apiServer.port }] : backendsFor(port, slices);
    const rule: ProxyRule = {
      namespace: svc.metadata.namespace ?? "",
      service: svc.metadata.name ?? "",
      portName: port.name ?? "",
      protocol: port.protocol ?? "TCP",
      port: port.port,
      sessionAffinity: affinity,
      affinitySeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS,
      clusterBackends: spec.internalTrafficPolicy === "Local" ? local(all, options.nodeName) : all,
      nodePortBackends: spec.externalTrafficPolicy === "Local" ? local(all, options.nodeName) : all,
    };
    if (clusterIP) rule.clusterIP = clusterIP;
    if (port.nodePort && (spec.type === "NodePort" || spec.type === "LoadBalancer")) rule.nodePort = port.nodePort;
    return rule;
  });
}

/** Every Service port's rule, in namespace, name and port order. */
export function proxyTable(services: readonly ServiceForProxy[], slices: readonly SliceForProxy[], options: ProxyTableOptions = {}): ProxyRule[] {
  const bySvc = slicesByService(slices);
  const sorted = [...services].sort((a, b) => keyOf(a.metadata.namespace ?? "", a.metadata.name ?? "").localeCompare(keyOf(b.metadata.namespace ?? "", b.metadata.name ?? "")));
  return sorted.flatMap((svc) => serviceRules(svc, bySvc.get(keyOf(svc.metadata.namespace ?? "", svc.metadata.name ?? "")) ?? [], options));
}

/** The node-port listeners: node port → rule (what the agent listens on). */
export function nodePortTable(rules: readonly ProxyRule[]): Map<number, ProxyRule> {
  return new Map(rules.filter((r) => r.nodePort !== undefined).map((r) => [r.nodePort!, r]));
}

/** The cluster-IP listeners: "ip:port/protocol" → rule (what the in-pod proxy answers). */
export function clusterIPTable(rules: readonly ProxyRule[]): Map<string, ProxyRule> {
  return new Map(rules.filter((r) => r.clusterIP !== undefined).map((r) => [`${r.clusterIP}:${r.port}/${r.protocol}`, r]));
}
