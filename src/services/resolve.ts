// Where a proxied request goes, as kube-apiserver's ResourceLocation decides it:
//  - services/{[scheme:]name[:port]}: the ready addresses of the Service's Endpoints for the
//    port (a number is the Service port of that number, a name the port of that name), 503
//    "no endpoints available" when there are none;
//  - pods/{[scheme:]name[:port]}: the pod's address and the port (the first container port when
//    none is named), 400 "address not allowed" without a routable address.
// Services and their Endpoints are remembered per isolate for half a second, so busy traffic
// costs no store reads while a readiness change still takes effect well within two seconds.
import type { Pod } from "../apis/core/v1/pod";
import type { Service } from "../apis/core/v1/service";
import type { KubeObject } from "../apis/types";
import { badRequest, notFound, serviceUnavailable, type Result } from "../api/status";
import type { Endpoints } from "../controllers/endpointslice/types";
import type { Backend } from "./proxytable";
import { parseIPv4 } from "./ranges";

export interface ProxyId {
  scheme: "http" | "https";
  name: string;
  port: string;
}

/** utilnet.SplitSchemeNamePort: "name", "name:port" or "scheme:name:port", scheme http or https. */
export function splitSchemeNamePort(id: string): ProxyId | undefined {
  const parts = id.split(":");
  if (parts.length > 3) return undefined;
  const [scheme, name, port] = parts.length === 3 ? parts : ["", parts[0], parts[1] ?? ""];
  if (!name || (scheme !== "" && scheme !== "http" && scheme !== "https")) return undefined;
  return { scheme: scheme === "https" ? "https" : "http", name, port };
}

export interface ServiceTarget {
  /** "namespace/name:portName", the balancer's key. */
  key: string;
  scheme: "http" | "https";
  backends: Backend[];
  /** sessionAffinity ClientIP and its timeout. */
  affinity?: { timeoutSeconds: number };
}

/** What of the store the proxy reads (the Store fulfils it). */
export interface ObjectReader {
  get(key: { resource: string; namespace: string; name: string }): Promise<KubeObject | undefined>;
}

export interface PodTarget {
  scheme: "http" | "https";
  ip: string;
  port?: number;
  nodeName?: string;
}

const CACHE_MS = 500;
const DEFAULT_AFFINITY_SECONDS = 10800;

/** Objects read through the store, remembered per isolate for CACHE_MS (absence too). */
export class ObjectCache {
  private readonly entries = new Map<string, { value: KubeObject | undefined; until: number }>();
  constructor(
    private readonly ttlMs = CACHE_MS,
    private readonly max = 10_000,
  ) {}

  async get(store: ObjectReader, resource: string, namespace: string, name: string, now: number): Promise<KubeObject | undefined> {
    const key = `${resource}/${namespace}/${name}`;
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await store.get({ resource, namespace, name });
    this.entries.delete(key);
    this.entries.set(key, { value, until: now + this.ttlMs });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

/** The Service port a request names: by number, by name, or the only port when it names none. */
export function servicePortName(svc: Service, port: string): Result<string> {
  const ports = svc.spec?.ports ?? [];
  if (/^\d+$/.test(port)) {
    const found = ports.find((p) => p.port === Number(port));
    if (!found) return { ok: false, error: serviceUnavailable(`no service port ${port} found for service "${svc.metadata.name}"`) };
    return { ok: true, value: found.name ?? "" };
  }
  // Kubernetes matches an empty name only to an unnamed port; a Service with one port is meant either way.
  if (port === "" && ports.length === 1) return { ok: true, value: ports[0].name ?? "" };
  return { ok: true, value: port };
}

/** The ready addresses of the Endpoints for the named port. */
export function endpointBackends(endpoints: Endpoints | undefined, portName: string): Backend[] {
  const out: Backend[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    const port = (subset.ports ?? []).find((p) => (p.name ?? "") === portName);
    if (!port) continue;
    for (const a of subset.addresses ?? []) {
      const b: Backend = { ip: a.ip, port: port.port };
      if (a.nodeName) b.nodeName = a.nodeName;
      if (a.targetRef?.name) b.pod = a.targetRef.name;
      out.push(b);
    }
  }
  return out;
}

export function serviceTarget(svc: Service, endpoints: Endpoints | undefined, id: ProxyId): Result<ServiceTarget> {
  const portName = servicePortName(svc, id.port);
  if (!portName.ok) return portName;
  const backends = endpointBackends(endpoints, portName.value);
  if (backends.length === 0) return { ok: false, error: serviceUnavailable(`no endpoints available for service "${id.name}"`) };
  const target: ServiceTarget = { key: `${svc.metadata.namespace}/${svc.metadata.name}:${portName.value}`, scheme: id.scheme, backends };
  if (svc.spec?.sessionAffinity === "ClientIP") target.affinity = { timeoutSeconds: svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS };
  return { ok: true, value: target };
}

export async function resolveService(store: ObjectReader, cache: ObjectCache, namespace: string, id: ProxyId, now: number): Promise<Result<ServiceTarget>> {
  const [svc, endpoints] = await Promise.all([cache.get(store, "services", namespace, id.name, now), cache.get(store, "endpoints", namespace, id.name, now)]);
  if (!svc) return { ok: false, error: notFound("services", "", id.name) };
  return serviceTarget(svc as Service, endpoints as Endpoints | undefined, id);
}

/**
 * Kubernetes proxies to global unicast addresses only. Loopback is allowed here as it is in
 * EndpointSlices: development pods of the process runtime live on 127.0.0.1, which the Worker
 * under `wrangler dev` reaches on the same machine (in production it leads nowhere).
 */
function routable(ip: string): boolean {
  const n = parseIPv4(ip);
  if (n === undefined) return ip.includes(":") && !/^fe80:/i.test(ip) && !/^ff/i.test(ip) && ip !== "::";
  const a = n >>> 24;
  const b = (n >>> 16) & 255;
  return n !== 0 && !(a === 169 && b === 254) && a < 224 && n !== 0xffffffff;
}

export function podTarget(pod: Pod, id: ProxyId): Result<PodTarget> {
  let port = id.port;
  if (port === "") port = String(pod.spec?.containers?.find((c) => (c.ports ?? []).length > 0)?.ports?.[0].containerPort ?? "");
  const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? "";
  if (!routable(ip)) return { ok: false, error: badRequest("address not allowed") };
  if (port !== "" && !/^\d+$/.test(port)) return { ok: false, error: badRequest(`invalid port ${JSON.stringify(port)}`) };
  const target: PodTarget = { scheme: id.scheme, ip };
  if (port) target.port = Number(port);
  if (pod.spec?.nodeName) target.nodeName = pod.spec.nodeName;
  return { ok: true, value: target };
}

export async function resolvePod(store: ObjectReader, cache: ObjectCache, namespace: string, id: ProxyId, now: number): Promise<Result<PodTarget>> {
  const pod = await cache.get(store, "pods", namespace, id.name, now);
  if (!pod) return { ok: false, error: notFound("pods", "", id.name) };
  return podTarget(pod as Pod, id);
}
