// A pod as an endpoint of a Service (pkg/controller/util/endpoint and the endpointslice
// reconciler's utils): whether it belongs, its address, the ports each Service port resolves to
// on it (a named targetPort can be a different number on every pod), its conditions.
import { isPodReady, type Pod as ReadyPod } from "../podutil";
import type { Endpoint, EndpointPort, Pod, Service } from "./types";

type ServicePort = NonNullable<NonNullable<Service["spec"]>["ports"]>[number];

/** A Service with a selector; an empty selector selects nothing here, as a nil one does in Kubernetes. */
export function hasSelector(svc: Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** Whether the Service's selector matches the labels (a Service selector is a plain map). */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return false;
  const have = labels ?? {};
  return entries.every(([k, v]) => Object.hasOwn(have, k) && have[k] === v);
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** The pod's IPv4 address: the first IPv4 of status.podIPs, else status.podIP. */
export function podIPv4(pod: Pod): string | undefined {
  const ips = [...(pod.status?.podIPs ?? []).map((p) => p.ip), pod.status?.podIP ?? ""];
  return ips.find((ip) => ip && !ip.includes(":"));
}

/** ShouldPodBeInEndpoints: not finished, has an address, and not deleting unless terminating pods are wanted. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isTerminal(pod)) return false;
  if (!podIPv4(pod)) return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

export function podReady(pod: Pod): boolean {
  return isPodReady(pod as unknown as ReadyPod);
}

/**
 * podutil.FindPort: a numeric targetPort is itself; a named one is the container port of that
 * name and protocol, in the containers and then the restartable (sidecar) init containers.
 */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? "TCP";
  const spec = pod.spec;
  const sidecars = (spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  for (const container of [...(spec?.containers ?? []), ...sidecars]) {
    for (const p of container.ports ?? []) {
      if (p.name === target && (p.protocol ?? "TCP") === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** The Service's ports as they resolve on this pod; ports that do not resolve are left out. */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const port of svc.spec?.ports ?? []) {
    const number = findPort(pod, port);
    if (number === undefined) continue;
    const ep: EndpointPort = { name: port.name ?? "", protocol: port.protocol ?? "TCP", port: number };
    if (port.appProtocol) ep.appProtocol = port.appProtocol;
    out.push(ep);
  }
  return out;
}

/** A stable key for a set of ports: pods whose ports resolve alike share slices. */
export function portsKey(ports: readonly EndpointPort[]): string {
  const sorted = [...ports].map((p) => [p.name ?? "", p.protocol ?? "TCP", p.port ?? 0, p.appProtocol ?? ""]).sort((a, b) => String(a).localeCompare(String(b)));
  return JSON.stringify(sorted);
}

/** ShouldSetHostname: the pod asked for a hostname under this Service's subdomain. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return Boolean(pod.spec?.hostname) && pod.spec?.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

/**
 * The pod as a slice endpoint. serving follows readiness; ready also requires the pod not be
 * terminating, unless the Service publishes not-ready addresses.
 */
export function sliceEndpoint(svc: Service, pod: Pod): Endpoint {
  const serving = podReady(pod);
  const terminating = Boolean(pod.metadata.deletionTimestamp);
  const ready = Boolean(svc.spec?.publishNotReadyAddresses) || (serving && !terminating);
  const ep: Endpoint = {
    addresses: [podIPv4(pod) ?? ""],
    conditions: { ready, serving, terminating },
    targetRef: { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name ?? "", uid: pod.metadata.uid },
  };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec?.hostname;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  return ep;
}
