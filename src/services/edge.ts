// LoadBalancer Services at the edge: a request to the Worker for {name}.{namespace}.{domain}
// (CLUSTER_DOMAIN) is traffic for that Service, balanced over its ready endpoints like the API's
// services/proxy, and needs no API credentials: it is the Service's public traffic, not a call
// to the control plane. It is answered before the API's routes see it. The Service port is the
// one numbered like the port the request came in on, else the Service's first port.
import type { Service } from "../apis/core/v1/service";
import { notFound } from "../api/status";
import type { Env } from "../env";
import { makeStore } from "../wiring";
import { clusterDomain } from "./config";
import { workerDial } from "./dial";
import { ObjectCache } from "./resolve";
import { edgeAddress, type EdgeAddress } from "./edgehost";
import { proxyToService, statusResponse } from "./traffic";

/** The port a request arrived on, as the URL says it or by its scheme. */
function arrivalPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

const services = new ObjectCache();

/** The edge's answer for `request`, or undefined when it is not for a LoadBalancer hostname. */
export function edgeFetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> | undefined {
  const url = new URL(request.url);
  const address = edgeAddress(request.headers.get("host") ?? url.host, clusterDomain(env));
  return address ? serveEdge(request, env, ctx, url, address) : undefined;
}

async function serveEdge(request: Request, env: Env, ctx: ExecutionContext, url: URL, address: EdgeAddress): Promise<Response> {
  const store = makeStore(env, (p) => ctx.waitUntil(p));
  const now = Date.now();
  const svc = (await services.get(store, "services", address.namespace, address.name, now)) as Service | undefined;
  if (!svc || svc.spec?.type !== "LoadBalancer" || svc.spec.loadBalancerClass) {
    return statusResponse({ ...notFound("services", "", address.name), message: `no LoadBalancer Service "${address.name}" in namespace "${address.namespace}"` });
  }
  const ports = svc.spec.ports ?? [];
  const port = ports.find((p) => p.port === arrivalPort(url)) ?? ports[0];
  const id = { scheme: "http" as const, name: address.name, port: port ? String(port.port) : "" };
  return proxyToService({ store, dial: workerDial(env, store), now }, { request, namespace: address.namespace, id, path: url.pathname, search: url.search, mountPrefix: "" });
}
