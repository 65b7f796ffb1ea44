// Service defaults (SetDefaults_Service) and the IP family fields kube-apiserver's service
// registry fills in. The values it allocates (cluster IP, node ports, health-check node port)
// are not defaults: the write path claims them in the store (src/services/allocator.ts).
import { type JsonObject, child, objectsIn, setDefault } from "../../defaulting";
import { isIP } from "../../formats";

const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

function needsClusterIP(spec: JsonObject): boolean {
  return spec.type !== "ExternalName";
}

export function externallyAccessible(spec: JsonObject): boolean {
  return spec.type === "LoadBalancer" || spec.type === "NodePort" || (spec.type === "ClusterIP" && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
}

export function needsHealthCheck(spec: JsonObject): boolean {
  return spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

/** clusterIP and clusterIPs[0] agree, and the IP family fields follow them (initIPFamilyFields). */
function defaultIPFamilies(spec: JsonObject): void {
  if (!needsClusterIP(spec)) return;
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (!spec.clusterIP && typeof ips[0] === "string") spec.clusterIP = ips[0];
  if (ips.length === 0 && typeof spec.clusterIP === "string" && spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
  const headlessWithoutSelector = spec.clusterIP === "None" && Object.keys(child(spec, "selector") ?? {}).length === 0;
  setDefault(spec, "ipFamilyPolicy", headlessWithoutSelector ? "RequireDualStack" : "SingleStack");
  const family = typeof spec.clusterIP === "string" && isIP(spec.clusterIP) && spec.clusterIP.includes(":") ? "IPv6" : "IPv4";
  if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = [family];
}

/** SetDefaults_Service, then the IP family fields. */
export function defaultService(obj: JsonObject): void {
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
  defaultIPFamilies(spec);
}
