// The EndpointSlice controller's decision (staging/src/k8s.io/endpointslice reconciler): the
// slices a Service's pods need, packed at most 100 endpoints to a slice, one group of slices per
// set of resolved ports, changing as few existing slices as it can:
//   1. every existing slice keeps the endpoints it has that are still wanted (updated in place);
//   2. endpoints not yet placed go into slices of their ports that change anyway, then into the
//      fullest slices with room, then into new slices;
//   3. slices left empty are deleted; a Service with no endpoints at all keeps one placeholder
//      slice without ports or endpoints, as Kubernetes does.
import type { KubeObject } from "../../apis/types";
import { semanticEqual } from "../hash";
import { controllerRef } from "../podutil";
import type { Action } from "../types";
import { endpointPorts, portsKey, shouldPodBeInEndpoints, sliceEndpoint } from "./podendpoint";
import {
  CONTROLLER_NAME,
  LABEL_HEADLESS,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  MAX_ENDPOINTS_PER_SLICE,
  type Endpoint,
  type EndpointPort,
  type EndpointSlice,
  type Pod,
  type Service,
} from "./types";

export const SLICES = "discovery.k8s.io/endpointslices";
const ADDRESS_TYPE = "IPv4";

interface Group {
  ports: EndpointPort[];
  /** By endpointKey, in pod order. */
  endpoints: Map<string, Endpoint>;
}

interface Work {
  slice: EndpointSlice;
  key: string;
  endpoints: Endpoint[];
  changed: boolean;
}

/** An endpoint is its pod (or, for one without a targetRef, its address). */
export function endpointKey(ep: Endpoint): string {
  return ep.targetRef?.uid || ep.targetRef?.name || ep.addresses.join(",");
}

/** A Service's cluster IP is set unless it is headless ("None") or has none. */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return Boolean(ip) && ip !== "None";
}

/** setEndpointSliceLabels: the Service's labels, the headless marker, and the reserved labels on top. */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY) labels[k] = v;
  if (isServiceIPSet(svc)) delete labels[LABEL_HEADLESS];
  else labels[LABEL_HEADLESS] = "";
  labels[LABEL_SERVICE_NAME] = svc.metadata.name ?? "";
  labels[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return labels;
}

/** Slices this controller made for this Service (its managed-by label and the Service as controller). */
export function ownsSlice(svc: Service, slice: EndpointSlice): boolean {
  const ref = slice.metadata.ownerReferences?.find((r) => r.controller);
  return slice.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME && ref?.uid === svc.metadata.uid;
}

function groups(svc: Service, pods: readonly Pod[]): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const pod of pods) {
    // Terminating pods stay in slices, marked so; finished and address-less pods do not.
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const key = portsKey(ports);
    let group = out.get(key);
    if (!group) out.set(key, (group = { ports, endpoints: new Map() }));
    const ep = sliceEndpoint(svc, pod);
    group.endpoints.set(endpointKey(ep), ep);
  }
  return out;
}

function newSlice(svc: Service, labels: Record<string, string>, ports: EndpointPort[] | undefined, endpoints: Endpoint[]): KubeObject {
  const slice: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace, labels, ownerReferences: [controllerRef(svc)] },
    addressType: ADDRESS_TYPE,
    endpoints,
  };
  if (ports) slice.ports = ports;
  return slice;
}

function updated(slice: EndpointSlice, labels: Record<string, string>, ports: EndpointPort[] | undefined, endpoints: Endpoint[]): Action {
  const object: EndpointSlice = { ...slice, metadata: { ...slice.metadata, labels }, endpoints };
  if (ports) object.ports = ports;
  else delete object.ports;
  return { type: "update", resource: SLICES, object };
}

function deleted(slice: EndpointSlice): Action {
  return { type: "delete", resource: SLICES, namespace: slice.metadata.namespace ?? "", name: slice.metadata.name ?? "", uid: slice.metadata.uid };
}

/** No endpoints: one slice without ports or endpoints stays, so the Service visibly has none. */
function placeholder(svc: Service, labels: Record<string, string>, existing: readonly EndpointSlice[]): Action[] {
  const isPlaceholder = (s: EndpointSlice) => !(s.endpoints ?? []).length && !(s.ports ?? []).length && s.addressType === ADDRESS_TYPE;
  const keep = existing.find(isPlaceholder) ?? existing.find((s) => s.addressType === ADDRESS_TYPE);
  const actions: Action[] = existing.filter((s) => s !== keep).map(deleted);
  if (!keep) actions.push({ type: "create", resource: SLICES, object: newSlice(svc, labels, undefined, []) });
  else if (!isPlaceholder(keep) || !semanticEqual(keep.metadata.labels, labels)) actions.push(updated(keep, labels, undefined, []));
  return actions;
}

/** Existing slices keep the wanted endpoints they hold; what they lose or gain marks them changed. */
function keepExisting(existing: readonly EndpointSlice[], wanted: Map<string, Group>, labels: Record<string, string>, placed: Set<string>): { work: Work[]; actions: Action[] } {
  const work: Work[] = [];
  const actions: Action[] = [];
  for (const slice of existing) {
    const key = portsKey(slice.ports ?? []);
    const group = wanted.get(key);
    if (!group || slice.addressType !== ADDRESS_TYPE) {
      actions.push(deleted(slice));
      continue;
    }
    const endpoints: Endpoint[] = [];
    for (const ep of slice.endpoints ?? []) {
      const k = endpointKey(ep);
      const want = group.endpoints.get(k);
      if (want && !placed.has(k) && endpoints.length < MAX_ENDPOINTS_PER_SLICE) {
        endpoints.push(want);
        placed.add(k);
      }
    }
    const changed = !semanticEqual(slice.endpoints ?? [], endpoints) || !semanticEqual(slice.metadata.labels, labels) || !semanticEqual(slice.ports ?? [], group.ports);
    work.push({ slice, key, endpoints, changed });
  }
  return { work, actions };
}

/** Place the endpoints no slice holds yet: slices that change anyway first, then the fullest with room, then new slices. */
function placeRest(svc: Service, wanted: Map<string, Group>, work: Work[], labels: Record<string, string>, placed: Set<string>): Action[] {
  const actions: Action[] = [];
  for (const [key, group] of wanted) {
    const pending = [...group.endpoints].filter(([k]) => !placed.has(k)).map(([, ep]) => ep);
    const candidates = work
      .filter((w) => w.key === key)
      .sort((a, b) => Number(b.changed) - Number(a.changed) || b.endpoints.length - a.endpoints.length);
    for (const w of candidates) {
      while (pending.length && w.endpoints.length < MAX_ENDPOINTS_PER_SLICE) {
        w.endpoints.push(pending.shift()!);
        w.changed = true;
      }
    }
    while (pending.length) actions.push({ type: "create", resource: SLICES, object: newSlice(svc, labels, group.ports, pending.splice(0, MAX_ENDPOINTS_PER_SLICE)) });
  }
  return actions;
}

/** The slice writes that bring a Service's slices (`existing`, the ones it owns) in line with its pods. */
export function decideSlices(svc: Service, pods: readonly Pod[], existing: readonly EndpointSlice[]): Action[] {
  const labels = sliceLabels(svc);
  const wanted = groups(svc, pods);
  const sorted = [...existing].sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
  if (wanted.size === 0) return placeholder(svc, labels, sorted);
  const placed = new Set<string>();
  const { work, actions } = keepExisting(sorted, wanted, labels, placed);
  const creates = placeRest(svc, wanted, work, labels, placed);
  for (const w of work) {
    if (w.endpoints.length === 0) actions.push(deleted(w.slice));
    else if (w.changed) actions.push(updated(w.slice, labels, wanted.get(w.key)?.ports, w.endpoints));
  }
  // Updates and deletes first: a new slice never briefly duplicates an endpoint that moves.
  return [...actions, ...creates];
}
