// The Service allocator: which cluster IP, node ports and health-check node port a Service holds,
// as kube-apiserver's service storage decides them (pkg/registry/core/service/storage/alloc.go
// and the strategy's dropTypeDependentFields / patchAllocatedValues). Pure: the write path
// (api/allocating.ts) claims the values in the store together with the Service.
import type { Allocation, Allocator, Assigned } from "../api/allocating";
import { allocationKey } from "../api/allocating";
import { fieldError, internalError, invalid, type Result } from "../api/status";
import type { FieldCause, KubeObject } from "../apis/types";
import type { Service, ServiceSpec } from "../apis/core/v1/service";
import type { ServiceConfig } from "./config";
import { ipAt, ipOffset, mathRandom, parseIPv4, pickOffset, portOffset, type Random } from "./ranges";
import { clone } from "../util/json";

export const CLUSTER_IPS = "services/clusterIPs";
export const NODE_PORTS = "services/nodePorts";

/** Ranges read whole after a lost pick: up to this many values (every node port range). */
const READ_WHOLE_MAX = 65536;

type Spec = ServiceSpec;

const needsClusterIP = (s: Spec) => s.type !== "ExternalName";
const needsNodePorts = (s: Spec) => s.type === "NodePort" || s.type === "LoadBalancer";
const needsHealthCheck = (s: Spec) => s.type === "LoadBalancer" && s.externalTrafficPolicy === "Local";
const sameList = (a: string[] | undefined, b: string[] | undefined) => (a ?? []).join("\n") === (b ?? []).join("\n");
const nodePortsOf = (s: Spec) => new Set((s.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n !== 0));

/**
 * dropTypeDependentFields: a type change drops what only the old type needed, when the request
 * left it as it was (a value the user changed too stays, for validation to judge).
 */
function dropTypeDependent(svc: Service, spec: Spec, old: Spec): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (spec.clusterIP === old.clusterIP && sameList(spec.clusterIPs, old.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (sameList(spec.ipFamilies, old.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === old.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  if (needsNodePorts(old) && !needsNodePorts(spec)) {
    const oldPorts = nodePortsOf(old);
    if ([...nodePortsOf(spec)].every((n) => oldPorts.has(n))) for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheck(old) && !needsHealthCheck(spec) && spec.healthCheckNodePort === old.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (old.type === "LoadBalancer" && spec.type !== "LoadBalancer") {
    if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === old.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (needsNodePorts(old) && !needsNodePorts(spec) && spec.externalTrafficPolicy === old.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (spec.type !== "LoadBalancer" && svc.status?.loadBalancer) svc.status = { ...svc.status, loadBalancer: {} };
}

/** patchAllocatedValues: a PUT that leaves allocated values out keeps the old ones. */
function patchAllocated(spec: Spec, old: Spec): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (!spec.clusterIPs?.length && old.clusterIPs?.length) spec.clusterIPs = [...old.clusterIPs];
  }
  if (needsNodePorts(old) && needsNodePorts(spec)) {
    // Ports the new spec names by number keep them; a port left without one gets the old port's
    // of the same name, unless another port already uses it.
    const newPorts = nodePortsOf(spec);
    const used = new Set([...nodePortsOf(old)].filter((n) => newPorts.has(n)));
    const byName = new Map((old.ports ?? []).map((p) => [p.name ?? "", p.nodePort ?? 0]));
    for (const p of spec.ports ?? []) {
      const previous = byName.get(p.name ?? "") ?? 0;
      if (!p.nodePort && previous && !used.has(previous)) p.nodePort = previous;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(spec) && !spec.healthCheckNodePort && old.healthCheckNodePort) spec.healthCheckNodePort = old.healthCheckNodePort;
}

interface Pass {
  name: string;
  spec: Spec;
  unavailable: ReadonlySet<string>;
  claims: Allocation[];
  causes: FieldCause[];
}

function claim(pass: Pass, range: string, value: string): void {
  if (!pass.claims.some((c) => c.range === range && c.value === value)) pass.claims.push({ range, value });
}

function taken(pass: Pass, range: string, value: string): boolean {
  return pass.unavailable.has(allocationKey({ range, value }));
}

/** Families other than IPv4 are not served: say so as kube-apiserver does for an unconfigured family. */
function familyCauses(spec: Spec): FieldCause[] {
  const causes: FieldCause[] = [];
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (ip !== "None" && ip.includes(":")) causes.push(fieldError.invalid(`spec.clusterIPs[${i}]`, spec.clusterIPs ?? [], "IPv6 is not configured on this cluster"));
  });
  (spec.ipFamilies ?? []).forEach((family, i) => {
    if (family !== "IPv4") causes.push(fieldError.invalid(`spec.ipFamilies[${i}]`, family, "not configured on this cluster"));
  });
  const headlessWithoutSelector = spec.clusterIP === "None" && Object.keys(spec.selector ?? {}).length === 0;
  if (spec.ipFamilyPolicy === "RequireDualStack" && !headlessWithoutSelector) {
    causes.push(fieldError.invalid("spec.ipFamilyPolicy", spec.ipFamilyPolicy, "this cluster is not configured for dual-stack services"));
  }
  return causes;
}

function assignClusterIP(pass: Pass, config: ServiceConfig, random: Random): Result<void> {
  const { spec } = pass;
  if (!needsClusterIP(spec)) return { ok: true, value: undefined };
  const ips = spec.clusterIPs ?? [];
  const requested = spec.clusterIP || ips[0] || "";
  if (requested === "None") return { ok: true, value: undefined };
  let ip = requested;
  if (requested) {
    // A malformed address is validation's to report.
    if (parseIPv4(requested) === undefined) return { ok: true, value: undefined };
    const why =
      ipOffset(config.clusterIPs, requested) === undefined
        ? `the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${config.clusterIPs.text}`
        : taken(pass, CLUSTER_IPS, requested)
          ? "provided IP is already allocated"
          : undefined;
    if (why) pass.causes.push(fieldError.invalid("spec.clusterIPs", ips.length ? ips : [requested], `failed to allocate IP ${requested}: ${why}`));
  } else {
    const offset = pickOffset(config.clusterIPs, (o) => taken(pass, CLUSTER_IPS, ipAt(config.clusterIPs, o)), random);
    if (offset === undefined) return { ok: false, error: internalError("failed to allocate a serviceIP: range is full") };
    ip = ipAt(config.clusterIPs, offset);
  }
  spec.clusterIP = ip;
  spec.clusterIPs = ips.length ? [ip, ...ips.slice(1)] : [ip];
  claim(pass, CLUSTER_IPS, ip);
  return { ok: true, value: undefined };
}

function pickNodePort(pass: Pass, config: ServiceConfig, random: Random): number | undefined {
  const claimed = new Set(pass.claims.filter((c) => c.range === NODE_PORTS).map((c) => c.value));
  const offset = pickOffset(config.nodePorts, (o) => {
    const value = String(config.nodePorts.base + o);
    return claimed.has(value) || taken(pass, NODE_PORTS, value);
  }, random);
  return offset === undefined ? undefined : config.nodePorts.base + offset;
}

/** Why a requested node port cannot be had, in the port allocator's words. */
function nodePortProblem(pass: Pass, config: ServiceConfig, port: number): string | undefined {
  if (portOffset(config.nodePorts, port) === undefined) return `provided port is not in the valid range. The range of valid ports is ${config.nodePorts.text}`;
  if (taken(pass, NODE_PORTS, String(port))) return "provided port is already allocated";
  return undefined;
}

/** initNodePorts: ports sharing a number (TCP and UDP 53) share a node port. */
function assignNodePorts(pass: Pass, config: ServiceConfig, random: Random): Result<void> {
  const { spec } = pass;
  if (!needsNodePorts(spec)) return { ok: true, value: undefined };
  const allocate = spec.type === "NodePort" || spec.allocateLoadBalancerNodePorts !== false;
  const byPort = new Map<number, number>();
  for (const [i, p] of (spec.ports ?? []).entries()) {
    const shared = byPort.get(p.port);
    if (p.nodePort) {
      if (p.nodePort !== shared) {
        const problem = nodePortProblem(pass, config, p.nodePort);
        if (problem) pass.causes.push(fieldError.invalid(`spec.ports[${i}].nodePort`, p.nodePort, problem));
        claim(pass, NODE_PORTS, String(p.nodePort));
      }
      if (shared === undefined) byPort.set(p.port, p.nodePort);
    } else if (shared !== undefined) {
      p.nodePort = shared;
    } else if (allocate) {
      const picked = pickNodePort(pass, config, random);
      if (picked === undefined) return { ok: false, error: internalError("failed to allocate a nodePort: range is full") };
      p.nodePort = picked;
      claim(pass, NODE_PORTS, String(picked));
      byPort.set(p.port, picked);
    }
  }
  return { ok: true, value: undefined };
}

/** The health-check node port; Kubernetes answers a taken or foreign one with an internal error. */
function assignHealthCheck(pass: Pass, config: ServiceConfig, random: Random): Result<void> {
  const { spec } = pass;
  if (!needsHealthCheck(spec)) return { ok: true, value: undefined };
  const requested = spec.healthCheckNodePort;
  if (requested) {
    const problem = nodePortProblem(pass, config, requested);
    if (problem) return { ok: false, error: internalError(`failed to allocate requested HealthCheck NodePort ${requested}: ${problem}`) };
    claim(pass, NODE_PORTS, String(requested));
    return { ok: true, value: undefined };
  }
  const picked = pickNodePort(pass, config, random);
  if (picked === undefined) return { ok: false, error: internalError("failed to allocate a HealthCheck NodePort 0: range is full") };
  spec.healthCheckNodePort = picked;
  claim(pass, NODE_PORTS, String(picked));
  return { ok: true, value: undefined };
}

export function assignService(obj: KubeObject, unavailable: ReadonlySet<string>, config: ServiceConfig, random: Random = mathRandom): Result<Assigned> {
  const object = clone(obj) as Service;
  const spec = object.spec ?? {};
  object.spec = spec;
  const name = object.metadata.name ?? "";
  const pass: Pass = { name, spec, unavailable, claims: [], causes: familyCauses(spec) };
  if (pass.causes.length) return { ok: false, error: invalid("Service", "", name, pass.causes) };
  for (const step of [assignClusterIP, assignNodePorts, assignHealthCheck]) {
    const done = step(pass, config, random);
    if (!done.ok) return done;
    if (pass.causes.length) return { ok: false, error: invalid("Service", "", name, pass.causes) };
  }
  return { ok: true, value: { object, claims: pass.claims } };
}

/** Before defaults and validation on update: drop what the new type cannot use, keep what the PUT left out. */
export function carryOverService(obj: KubeObject, old: KubeObject): void {
  const svc = obj as Service;
  const oldSpec = (old as Service).spec ?? {};
  svc.spec ??= {};
  dropTypeDependent(svc, svc.spec, oldSpec);
  patchAllocated(svc.spec, oldSpec);
}

export function serviceAllocator(config: ServiceConfig, random: Random = mathRandom): Allocator {
  return {
    carryOver: carryOverService,
    assign: (obj, unavailable) => assignService(obj, unavailable, config, random),
    readWhole: (range) => (range === NODE_PORTS ? config.nodePorts.size : config.clusterIPs.size) <= READ_WHOLE_MAX,
  };
}
