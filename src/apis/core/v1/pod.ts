// core/v1 Pod: schema, defaults (PodSpec defaulters plus what a created Pod gets from
// SetDefaults_Pod and admission), validation (create and update rules), columns, field selectors;
// and the v1 Binding body posted to pods/{name}/binding.
import { forbidden, invalid } from "../../fielderrors";
import { isDns1123Subdomain, isIP } from "../../formats";
import { child } from "../../defaulting";
import { kindSchema, objectReferenceSchema } from "../../meta";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { podColumns } from "./podprinter";
import { type PodSpec, admitPodSpec, defaultPodSpec, podSpecSchema, validatePodSpec, validatePodSpecUpdate } from "./podspec";
import { type PodStatus, podStatusSchema } from "./podstatus";
import { podQOSClass } from "./qos";

export const podSchema = kindSchema({ apiVersion: "v1", kind: "Pod", spec: podSpecSchema, status: podStatusSchema });

/** v1 Binding: the body of POST pods/{name}/binding, naming the node in `target`. */
export const bindingSchema = kindSchema({ apiVersion: "v1", kind: "Binding", extra: { target: objectReferenceSchema } });

export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: PodStatus;
}

const asPod = (obj: KubeObject) => obj as Pod;

function defaultPod(obj: KubeObject): void {
  const spec = child(obj, "spec", true);
  if (!spec) return;
  defaultPodSpec(spec);
  admitPodSpec(spec);
  // A new pod is Pending with its QoS class decided (the registry's PrepareForCreate).
  const status = child(obj, "status", true);
  if (!status) return;
  if (!status.phase) status.phase = "Pending";
  if (!status.qosClass) status.qosClass = podQOSClass(spec as PodSpec);
}

function validateStatus(status: PodStatus | undefined): FieldCause[] {
  if (!status) return [];
  const causes: FieldCause[] = [];
  if (status.nominatedNodeName) causes.push(...isDns1123Subdomain(status.nominatedNodeName).map((m) => invalid("status.nominatedNodeName", status.nominatedNodeName, m)));
  const podIPs = status.podIPs ?? [];
  if (status.podIP && podIPs.length && podIPs[0].ip !== status.podIP) causes.push(invalid("status.podIPs[0].ip", podIPs[0].ip, "must be equal to `podIP`"));
  podIPs.forEach((p, i) => isIP(p.ip) || causes.push(invalid(`status.podIPs[${i}].ip`, p.ip, "must be a valid IP address")));
  (status.hostIPs ?? []).forEach((h, i) => isIP(h.ip) || causes.push(invalid(`status.hostIPs[${i}].ip`, h.ip, "must be a valid IP address")));
  return causes;
}

function validatePod(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const pod = asPod(obj);
  const spec = pod.spec ?? {};
  const causes = [...validatePodSpec(spec, "spec"), ...validateStatus(pod.status)];
  if (old) causes.push(...validatePodSpecUpdate(spec, asPod(old).spec ?? {}, "spec"));
  else if ((spec.ephemeralContainers ?? []).length) causes.push(forbidden("spec.ephemeralContainers", "cannot be set on create"));
  return causes;
}

export const podKind: KindDef = {
  group: "",
  version: "v1",
  kind: "Pod",
  listKind: "PodList",
  plural: "pods",
  singular: "pod",
  shortNames: ["po"],
  categories: ["all"],
  namespaced: true,
  schema: podSchema,
  statusField: "status",
  subresources: ["binding", "log", "proxy"],
  defaults: defaultPod,
  validate: validatePod,
  columns: podColumns,
  selectableFields: {
    "spec.nodeName": (o) => asPod(o).spec?.nodeName ?? "",
    "spec.restartPolicy": (o) => asPod(o).spec?.restartPolicy ?? "",
    "spec.schedulerName": (o) => asPod(o).spec?.schedulerName ?? "",
    "spec.serviceAccountName": (o) => asPod(o).spec?.serviceAccountName ?? "",
    "spec.hostNetwork": (o) => String(asPod(o).spec?.hostNetwork ?? false),
    "status.phase": (o) => asPod(o).status?.phase ?? "",
    "status.podIP": (o) => asPod(o).status?.podIPs?.[0]?.ip ?? "",
    "status.nominatedNodeName": (o) => asPod(o).status?.nominatedNodeName ?? "",
  },
  // Kubernetes 1.32 does not track metadata.generation for pods.
  tracksGeneration: false,
};
