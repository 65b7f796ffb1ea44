// core/v1 Endpoints, as Kubernetes' endpoints controller (pkg/controller/endpoint) writes them
// for `kubectl describe svc` and older clients: one object named after the Service, ready and
// not-ready addresses per set of ports, repacked so that addresses sharing their ports share a
// subset. Terminating pods are left out unless the Service publishes not-ready addresses.
import type { KubeObject } from "../../apis/types";
import { semanticEqual } from "../hash";
import type { Action } from "../types";
import { findPort, podIPv4, podReady, shouldPodBeInEndpoints, shouldSetHostname } from "./podendpoint";
import { isServiceIPSet } from "./slices";
import { LABEL_HEADLESS, MAX_ENDPOINTS_ADDRESSES, OVER_CAPACITY_ANNOTATION, type EndpointAddress, type Endpoints, type EndpointSubset, type Pod, type Service } from "./types";

type SubsetPort = NonNullable<EndpointSubset["ports"]>[number];

interface Entry {
  address: EndpointAddress;
  ready: boolean;
}

const addressKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ""}`;
const portKey = (p: SubsetPort) => JSON.stringify([p.name ?? "", p.port, p.protocol ?? "TCP", p.appProtocol ?? ""]);
const byAddress = (a: EndpointAddress, b: EndpointAddress) => a.ip.localeCompare(b.ip) || (a.targetRef?.uid ?? "").localeCompare(b.targetRef?.uid ?? "");

function podAddress(svc: Service, pod: Pod): EndpointAddress {
  const address: EndpointAddress = { ip: podIPv4(pod) ?? "", targetRef: { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name ?? "", uid: pod.metadata.uid } };
  if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
  if (shouldSetHostname(pod, svc)) address.hostname = pod.spec?.hostname;
  return address;
}

/**
 * RepackSubsets: for every port, which addresses have it and whether they are ready; ports with
 * the same addresses form one subset. A headless Service without ports has one subset without.
 */
function repack(byPort: Map<string, { port?: SubsetPort; addresses: Map<string, Entry> }>): EndpointSubset[] {
  const bySignature = new Map<string, EndpointSubset>();
  for (const { port, addresses } of byPort.values()) {
    const entries = [...addresses.values()];
    const signature = entries.map((e) => `${addressKey(e.address)}:${e.ready}`).sort().join(",");
    let subset = bySignature.get(signature);
    if (!subset) {
      const ready = entries.filter((e) => e.ready).map((e) => e.address).sort(byAddress);
      const notReady = entries.filter((e) => !e.ready).map((e) => e.address).sort(byAddress);
      subset = {};
      if (ready.length) subset.addresses = ready;
      if (notReady.length) subset.notReadyAddresses = notReady;
      bySignature.set(signature, subset);
    }
    if (port) (subset.ports ??= []).push(port);
  }
  const subsets = [...bySignature.values()];
  for (const s of subsets) s.ports?.sort((a, b) => portKey(a).localeCompare(portKey(b)));
  // A stable order (Kubernetes sorts by a hash): by the first port, then by content.
  const order = (s: EndpointSubset) => `${s.ports?.[0] ? portKey(s.ports[0]) : ""}${JSON.stringify(s)}`;
  return subsets.sort((a, b) => order(a).localeCompare(order(b)));
}

/** The subsets for a Service's pods, at most MAX_ENDPOINTS_ADDRESSES addresses (ready ones kept first). */
export function desiredSubsets(svc: Service, pods: readonly Pod[]): { subsets: EndpointSubset[]; truncated: boolean } {
  const publishNotReady = Boolean(svc.spec?.publishNotReadyAddresses);
  const candidates = pods.filter((p) => shouldPodBeInEndpoints(p, publishNotReady));
  const ready = (p: Pod) => publishNotReady || podReady(p);
  const kept = [...candidates.filter(ready), ...candidates.filter((p) => !ready(p))].slice(0, MAX_ENDPOINTS_ADDRESSES);
  const byPort = new Map<string, { port?: SubsetPort; addresses: Map<string, Entry> }>();
  const add = (key: string, port: SubsetPort | undefined, entry: Entry) => {
    let slot = byPort.get(key);
    if (!slot) byPort.set(key, (slot = { port, addresses: new Map() }));
    slot.addresses.set(addressKey(entry.address), entry);
  };
  const ports = svc.spec?.ports ?? [];
  for (const pod of kept) {
    const entry = { address: podAddress(svc, pod), ready: ready(pod) };
    if (ports.length === 0 && svc.spec?.clusterIP === "None") add("", undefined, entry);
    for (const sp of ports) {
      const number = findPort(pod, sp);
      if (number === undefined) continue;
      const port: SubsetPort = { name: sp.name ?? "", port: number, protocol: sp.protocol ?? "TCP" };
      if (sp.appProtocol) port.appProtocol = sp.appProtocol;
      if (!port.name) delete port.name;
      add(portKey(port), port, entry);
    }
  }
  return { subsets: repack(byPort), truncated: candidates.length > MAX_ENDPOINTS_ADDRESSES };
}

/** The Service's labels with the headless marker as its cluster IP says. */
function endpointsLabels(svc: Service): Record<string, string> {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (isServiceIPSet(svc)) delete labels[LABEL_HEADLESS];
  else labels[LABEL_HEADLESS] = "";
  return labels;
}

/** Create or update the Service's Endpoints when their content differs. */
export function decideEndpoints(svc: Service, pods: readonly Pod[], current: Endpoints | undefined): Action[] {
  const { subsets, truncated } = desiredSubsets(svc, pods);
  const labels = endpointsLabels(svc);
  const annotations = { ...(current?.metadata.annotations ?? {}) };
  if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = "truncated";
  else delete annotations[OVER_CAPACITY_ANNOTATION];
  if (!current) {
    const metadata: KubeObject["metadata"] = { name: svc.metadata.name, namespace: svc.metadata.namespace, labels };
    if (truncated) metadata.annotations = annotations;
    return [{ type: "create", resource: "endpoints", object: { apiVersion: "v1", kind: "Endpoints", metadata, subsets } }];
  }
  const same = semanticEqual(current.subsets ?? [], subsets) && semanticEqual(current.metadata.labels, labels) && semanticEqual(current.metadata.annotations, annotations);
  if (same) return [];
  const metadata = { ...current.metadata, labels, annotations };
  if (Object.keys(annotations).length === 0) delete (metadata as { annotations?: unknown }).annotations;
  return [{ type: "update", resource: "endpoints", object: { ...current, metadata, subsets } }];
}
