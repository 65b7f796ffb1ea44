// A Service's pass: its EndpointSlices and core/v1 Endpoints from the pods its selector matches,
// and, for a LoadBalancer, the edge hostname in status.loadBalancer.ingress. Pure.
import type { Decision } from "../types";
import type { Action } from "../types";
import { decideEndpoints } from "./endpoints";
import { hasSelector } from "./podendpoint";
import { decideSlices, ownsSlice } from "./slices";
import type { Service, ServiceEndpointsInput } from "./types";

export interface ServiceInput extends ServiceEndpointsInput {
  /** LoadBalancer Services are published at {name}.{namespace}.{clusterDomain}. */
  clusterDomain: string;
}

/** The edge hostname of a LoadBalancer Service. */
export function loadBalancerHostname(svc: Service, clusterDomain: string): string {
  return `${svc.metadata.name}.${svc.metadata.namespace}.${clusterDomain}`;
}

/**
 * The edge is the load balancer of every LoadBalancer Service without a loadBalancerClass (a
 * class names another implementation, which Kubernetes' service controller leaves alone too).
 */
export function decideLoadBalancer(svc: Service, clusterDomain: string): Action[] {
  if (svc.spec?.type !== "LoadBalancer" || svc.spec.loadBalancerClass) return [];
  const hostname = loadBalancerHostname(svc, clusterDomain);
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  if (ingress.length === 1 && ingress[0].hostname === hostname && !ingress[0].ip) return [];
  return [{ type: "updateStatus", resource: "services", object: { ...svc, status: { ...svc.status, loadBalancer: { ingress: [{ hostname }] } } } }];
}

/**
 * Services without a selector get no endpoints from the controllers (their Endpoints and slices
 * are someone else's), nor do ExternalName Services, as in Kubernetes.
 */
export function decideService(input: ServiceInput): Decision {
  const { service, pods, slices, endpoints, clusterDomain } = input;
  const actions: Action[] = [];
  if (service.spec?.type !== "ExternalName" && hasSelector(service)) {
    actions.push(...decideSlices(service, pods, slices.filter((s) => ownsSlice(service, s))));
    actions.push(...decideEndpoints(service, pods, endpoints));
  }
  actions.push(...decideLoadBalancer(service, clusterDomain));
  return { actions };
}
