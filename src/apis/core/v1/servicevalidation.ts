// Service validation (Kubernetes' ValidateService and ValidateServiceUpdate).
import { duplicate, forbidden, invalid, invalidEach, required } from "../../fielderrors";
import { isDns1123Label, isDns1123Subdomain, isIP, isPortNumber } from "../../formats";
import type { FieldCause, ObjectMeta } from "../../types";
import { nameIsDns1035Label, validateEnum, validateLabels, validateQualifiedName, validateStricterName } from "../../validation";
import { validatePortNumOrName } from "./containervalidation";
import { externallyAccessible, needsHealthCheck } from "./servicedefaults";
import type { ServiceSpec } from "./service";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const MAX_CLIENT_IP_TIMEOUT = 86400;

function validatePorts(spec: ServiceSpec): FieldCause[] {
  const ports = spec.ports ?? [];
  const causes: FieldCause[] = [];
  const headless = spec.clusterIP === "None";
  if (ports.length === 0 && !headless && spec.type !== "ExternalName") causes.push(required("spec.ports"));
  const names = new Set<string>();
  const seenPorts = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) causes.push(required(`${path}.name`));
    else if (p.name) {
      causes.push(...invalidEach(`${path}.name`, p.name, isDns1123Label(p.name)));
      if (names.has(p.name)) causes.push(duplicate(`${path}.name`, p.name));
      names.add(p.name);
    }
    causes.push(...invalidEach(`${path}.port`, p.port, isPortNumber(p.port)), ...validateEnum(p.protocol, PROTOCOLS, `${path}.protocol`, true));
    if (p.targetPort !== undefined) causes.push(...validatePortNumOrName(p.targetPort, `${path}.targetPort`));
    if (p.appProtocol) causes.push(...validateQualifiedName(p.appProtocol, `${path}.appProtocol`));
    if (p.nodePort && (spec.type === "ClusterIP" || spec.type === "ExternalName")) {
      causes.push(forbidden(`${path}.nodePort`, `may not be used when \`type\` is '${spec.type}'`));
    }
    const portKey = `${p.protocol}/${p.port}`;
    if (seenPorts.has(portKey)) causes.push(duplicate(path, { port: p.port, protocol: p.protocol }));
    seenPorts.add(portKey);
    if (p.nodePort) {
      const nodeKey = `${p.protocol}/${p.nodePort}`;
      if (seenNodePorts.has(nodeKey)) causes.push(duplicate(`${path}.nodePort`, p.nodePort));
      seenNodePorts.add(nodeKey);
    }
  });
  return causes;
}

function validateClusterIPs(spec: ServiceSpec): FieldCause[] {
  const ips = spec.clusterIPs ?? [];
  if (spec.type === "ExternalName") {
    const causes = (["clusterIPs", "ipFamilies"] as const).filter((f) => (spec[f] ?? []).length > 0).map((f) => forbidden(`spec.${f}`, "may not be set for ExternalName services"));
    if (spec.ipFamilyPolicy) causes.push(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
    const cname = (spec.externalName ?? "").replace(/\.$/, "");
    causes.push(...(cname ? invalidEach("spec.externalName", cname, isDns1123Subdomain(cname)) : [required("spec.externalName")]));
    return causes;
  }
  const causes: FieldCause[] = [];
  if (spec.clusterIP && ips.length && ips[0] !== spec.clusterIP) causes.push(invalid("spec.clusterIPs", ips, "element [0] must match clusterIP"));
  ips.forEach((ip, i) => {
    if (ip === "None") {
      if (i > 0 || ips.length > 1) causes.push(invalid(`spec.clusterIPs[${i}]`, ip, "must not have more than one value when the first is 'None'"));
      else if (spec.type === "NodePort" || spec.type === "LoadBalancer") causes.push(invalid(`spec.clusterIPs[${i}]`, ip, `may not be set to 'None' for ${spec.type} services`));
    } else if (!isIP(ip)) causes.push(invalid(`spec.clusterIPs[${i}]`, ip, "must be empty, 'None', or a valid IP address"));
  });
  if (ips.length > 2) causes.push(invalid("spec.clusterIPs", ips, "may only hold up to 2 values"));
  causes.push(...validateEnum(spec.ipFamilyPolicy, ["PreferDualStack", "RequireDualStack", "SingleStack"], "spec.ipFamilyPolicy"));
  (spec.ipFamilies ?? []).forEach((f, i) => causes.push(...validateEnum(f, ["IPv4", "IPv6"], `spec.ipFamilies[${i}]`)));
  return causes;
}

function validateTrafficPolicies(spec: ServiceSpec): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!externallyAccessible(spec)) {
    if (spec.externalTrafficPolicy) causes.push(invalid("spec.externalTrafficPolicy", spec.externalTrafficPolicy, "may only be set for externally-accessible services"));
  } else causes.push(...validateEnum(spec.externalTrafficPolicy, ["Cluster", "Local"], "spec.externalTrafficPolicy", true));
  if (!needsHealthCheck(spec)) {
    if (spec.healthCheckNodePort) causes.push(invalid("spec.healthCheckNodePort", spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (!spec.healthCheckNodePort) causes.push(required("spec.healthCheckNodePort"));
  if (spec.type !== "ExternalName") causes.push(...validateEnum(spec.internalTrafficPolicy, ["Cluster", "Local"], "spec.internalTrafficPolicy", true));
  causes.push(...validateEnum(spec.trafficDistribution, ["PreferClose"], "spec.trafficDistribution"));
  return causes;
}

function validateLoadBalancerFields(spec: ServiceSpec): FieldCause[] {
  const causes: FieldCause[] = [];
  if (spec.type !== "LoadBalancer") {
    if ((spec.loadBalancerSourceRanges ?? []).length) causes.push(forbidden("spec.loadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"));
    if (spec.loadBalancerClass) causes.push(forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"));
    if (spec.allocateLoadBalancerNodePorts !== undefined) causes.push(forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"));
  } else if (spec.allocateLoadBalancerNodePorts === undefined) causes.push(required("spec.allocateLoadBalancerNodePorts"));
  if (spec.loadBalancerIP && !isIP(spec.loadBalancerIP)) causes.push(invalid("spec.loadBalancerIP", spec.loadBalancerIP, "must be a valid IP address"));
  return causes;
}

function validateSessionAffinity(spec: ServiceSpec): FieldCause[] {
  const causes = validateEnum(spec.sessionAffinity, ["ClientIP", "None"], "spec.sessionAffinity", true);
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (spec.sessionAffinity === "ClientIP" && timeout !== undefined && (timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT)) {
    causes.push(invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}`));
  }
  if (spec.sessionAffinity === "None" && spec.sessionAffinityConfig) {
    causes.push(invalid("spec.sessionAffinityConfig", spec.sessionAffinityConfig, "must not be set when session affinity is None"));
  }
  return causes;
}

export function validateServiceSpec(meta: ObjectMeta, spec: ServiceSpec): FieldCause[] {
  return [
    ...validateStricterName(meta, nameIsDns1035Label),
    ...validateEnum(spec.type, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"], "spec.type", true),
    ...validatePorts(spec),
    ...validateClusterIPs(spec),
    ...validateTrafficPolicies(spec),
    ...validateLoadBalancerFields(spec),
    ...validateSessionAffinity(spec),
    ...validateLabels(spec.selector, "spec.selector"),
    ...(spec.externalIPs ?? []).flatMap((ip, i) => (isIP(ip) ? [] : [invalid(`spec.externalIPs[${i}]`, ip, "must be a valid IP address")])),
  ];
}

/** Cluster IPs may not change once set, unless the Service turns into or out of ExternalName. */
export function validateServiceUpdate(spec: ServiceSpec, old: ServiceSpec): FieldCause[] {
  if (spec.type === "ExternalName" || old.type === "ExternalName") return [];
  const [next, prev] = [spec.clusterIPs ?? [], old.clusterIPs ?? []];
  return prev.length > 0 && next[0] !== prev[0] ? [invalid("spec.clusterIPs[0]", next[0] ?? "", "may not change once set")] : [];
}
