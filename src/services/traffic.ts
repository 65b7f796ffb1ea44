// Proxied traffic end to end: resolve the Service or pod, order its backends, forward. Shared by
// the API's services/proxy and pods/proxy subresources and by the edge (LoadBalancer hostnames).
import { toStatus, type ApiError } from "../api/status";
import type { Store } from "../store/store";
import { Balancer } from "./balancer";
import type { Dial, Upstream } from "./upstream";
import { forward } from "./forward";
import { ObjectCache, resolvePod, resolveService, type ProxyId } from "./resolve";

/** Per isolate: round-robin turns and ClientIP affinity, and the half-second object cache. */
const balancer = new Balancer();
const cache = new ObjectCache();

export interface TrafficContext {
  store: Store;
  dial: Dial;
  now: number;
}

export interface ProxiedRequest {
  request: Request;
  namespace: string;
  id: ProxyId;
  /** The backend path, still percent-encoded, starting with "/". */
  path: string;
  search: string;
  /** The proxy's own path in front of the backend's ("" at the edge). */
  mountPrefix: string;
}

export function statusResponse(err: ApiError): Response {
  return new Response(JSON.stringify(toStatus(err)), { status: err.code, headers: { "content-type": "application/json" } });
}

/** The client's address as the Workers runtime reports it, or as a proxy in front of us forwarded it. */
export function clientAddress(request: Request): string {
  return request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip") ?? request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "";
}

export async function proxyToService(ctx: TrafficContext, req: ProxiedRequest): Promise<Response> {
  const target = await resolveService(ctx.store, cache, req.namespace, req.id, ctx.now);
  if (!target.ok) return statusResponse(target.error);
  const { key, scheme, backends, affinity } = target.value;
  const clientIP = clientAddress(req.request);
  const balance = { key, backends, clientIP, affinity, now: ctx.now };
  const ordered = balancer.order(balance);
  const upstreams: Upstream[] = ordered.map((b) => ({ scheme, ip: b.ip, port: b.port, nodeName: b.nodeName, path: req.path, search: req.search }));
  return forward({ request: req.request, upstreams, dial: ctx.dial, clientIP, mountPrefix: req.mountPrefix, onServed: (i) => balancer.served(balance, ordered[i]) });
}

export async function proxyToPod(ctx: TrafficContext, req: ProxiedRequest): Promise<Response> {
  const target = await resolvePod(ctx.store, cache, req.namespace, req.id, ctx.now);
  if (!target.ok) return statusResponse(target.error);
  const { scheme, ip, port, nodeName } = target.value;
  const upstream: Upstream = { scheme, ip, port, nodeName, path: req.path, search: req.search };
  return forward({ request: req.request, upstreams: [upstream], dial: ctx.dial, clientIP: clientAddress(req.request), mountPrefix: req.mountPrefix });
}
