// Service defaults (SetDefaults_Service) and the values kube-apiserver's service registry allocates
// on write: a cluster IP, node ports and the health-check node port, IP families and policy.
//
// Allocation here is random within the ranges and does not consult other Services, so uniqueness
// across the cluster is probabilistic; a store-backed allocator can replace `allocate` later.
import { type JsonObject, child, objectsIn, setDefault } from "../../defaulting";
import { isIP } from "../../formats";

/** The service CIDR (kube-apiserver's default 10.96.0.0/12); 10.96.0.1 is the `kubernetes` Service. */
const SERVICE_CIDR_BASE = (10 << 24) | (96 << 16);
const SERVICE_CIDR_SIZE = 1 << 20;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;
const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

/** A random integer in [0, n). Injected so tests are deterministic. */
export type Random = (n: number) => number;

const defaultRandom: Random = (n) => Math.floor(Math.random() * n);

function ipv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}

function needsClusterIP(spec: JsonObject): boolean {
  return spec.type !== "ExternalName";
}

function needsNodePorts(spec: JsonObject): boolean {
  return spec.type === "NodePort" || (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);
}

export function externallyAccessible(spec: JsonObject): boolean {
  return spec.type === "LoadBalancer" || spec.type === "NodePort" || (spec.type === "ClusterIP" && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
}

export function needsHealthCheck(spec: JsonObject): boolean {
  return spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

/** A node port this Service does not use yet: probe upwards from a random start. */
function unusedNodePort(used: Set<number>, random: Random): number | undefined {
  const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const start = random(size);
  for (let i = 0; i < size; i++) {
    const port = NODE_PORT_MIN + ((start + i) % size);
    if (!used.has(port)) return port;
  }
  return undefined;
}

function allocate(spec: JsonObject, random: Random): void {
  if (needsClusterIP(spec)) {
    const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
    if (!spec.clusterIP && typeof ips[0] === "string") spec.clusterIP = ips[0];
    // Skip the network address and 10.96.0.1, which belongs to the `kubernetes` Service.
    if (!spec.clusterIP) spec.clusterIP = ipv4(SERVICE_CIDR_BASE + 2 + random(SERVICE_CIDR_SIZE - 3));
    if (ips.length === 0) spec.clusterIPs = [spec.clusterIP];
    const headlessWithoutSelector = spec.clusterIP === "None" && Object.keys(child(spec, "selector") ?? {}).length === 0;
    setDefault(spec, "ipFamilyPolicy", headlessWithoutSelector ? "RequireDualStack" : "SingleStack");
    const family = typeof spec.clusterIP === "string" && isIP(spec.clusterIP) && spec.clusterIP.includes(":") ? "IPv6" : "IPv4";
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = [family];
  }
  const ports = objectsIn(spec.ports);
  const used = new Set(ports.map((p) => p.nodePort).filter((n): n is number => typeof n === "number" && n > 0));
  if (needsNodePorts(spec)) {
    for (const port of ports.filter((p) => !p.nodePort)) {
      const nodePort = unusedNodePort(used, random);
      if (nodePort === undefined) break;
      port.nodePort = nodePort;
      used.add(nodePort);
    }
  }
  if (needsHealthCheck(spec) && !spec.healthCheckNodePort) {
    const nodePort = unusedNodePort(used, random);
    if (nodePort !== undefined) spec.healthCheckNodePort = nodePort;
  }
}

/** SetDefaults_Service, then allocation of whatever the Service needs and does not have yet. */
export function defaultService(obj: JsonObject, random: Random = defaultRandom): void {
  const spec = child(obj, "spec", true);
  if (!spec) return;
  setDefault(spec, "type", "ClusterIP");
  setDefault(spec, "sessionAffinity", "None");
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP") {
    const clientIP = child(child(spec, "sessionAffinityConfig", true) ?? {}, "clientIP", true);
    if (clientIP) setDefault(clientIP, "timeoutSeconds", DEFAULT_CLIENT_IP_TIMEOUT);
  }
  for (const port of objectsIn(spec.ports)) {
    setDefault(port, "protocol", "TCP");
    setDefault(port, "targetPort", port.port, true);
  }
  if (externallyAccessible(spec)) setDefault(spec, "externalTrafficPolicy", "Cluster");
  if (["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type as string)) setDefault(spec, "internalTrafficPolicy", "Cluster");
  if (spec.type === "LoadBalancer") {
    setDefault(spec, "allocateLoadBalancerNodePorts", true);
    const ingress = objectsIn(child(child(obj, "status") ?? {}, "loadBalancer")?.ingress);
    for (const ing of ingress.filter((i) => i.ip)) setDefault(ing, "ipMode", "VIP");
  }
  allocate(spec, random);
}
