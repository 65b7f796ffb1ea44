// NodeRestriction (plugin/pkg/admission/noderestriction): what the Node authorizer lets a node
// attempt, narrowed to its own objects once the object is known: status of the pods bound to it,
// deleting them when stopped, its own Node (not its taints, not node-restriction labels) and its
// own Lease; tokens only for pods bound to it.
import type { KubeObject } from "../../apis/types";
import { forbidden, notFound, type ApiError } from "../../api/status";
import type { AdmissionRequest } from "../../api/writes";
import { deepEqual } from "../../util/json";
import { NODE_LEASE_NAMESPACE } from "./authorizer";
import { nodeNameOf, podReferences } from "./references";

const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
const RESTRICTION_LABELS = "node-restriction.kubernetes.io";

/** admission.NewForbidden: `<resource> "<name>" is forbidden: <why>`. */
function refuse(req: Pick<AdmissionRequest, "kind" | "object">, why: string): ApiError {
  return forbidden(req.kind.plural, req.kind.group, req.object.metadata.name ?? "", why);
}

function labelsOf(obj: KubeObject | undefined): Record<string, string> {
  return obj?.metadata.labels ?? {};
}

function changedLabels(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}

function restrictedLabel(key: string): boolean {
  const prefix = key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
  return prefix === RESTRICTION_LABELS || prefix.endsWith(`.${RESTRICTION_LABELS}`);
}

function mirrorPodCreate(node: string, req: AdmissionRequest): ApiError | undefined {
  const pod = req.object;
  if (!(pod.metadata.annotations ?? {})[MIRROR_ANNOTATION]) return refuse(req, `pod does not have "${MIRROR_ANNOTATION}" annotation, node "${node}" can only create mirror pods`);
  if (nodeNameOf(pod) !== node) return refuse(req, `node "${node}" can only create pods with spec.nodeName set to itself`);
  const owners = pod.metadata.ownerReferences ?? [];
  const owner = owners[0];
  if (owners.length !== 1 || owner.apiVersion !== "v1" || owner.kind !== "Node" || owner.name !== node) {
    return refuse(req, `node "${node}" can only create pods with ${owners.length > 1 ? "a single owner reference" : "an owner reference"} set to itself`);
  }
  if (!owner.controller) return refuse(req, `node "${node}" can only create pods with a controller owner reference set to itself`);
  const refs = podReferences(pod);
  const sa = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName;
  if (sa) return refuse(req, `node "${node}" can not create pods that reference a service account`);
  if (refs.secrets.size) return refuse(req, `node "${node}" can not create pods that reference secrets`);
  if (refs.configMaps.size) return refuse(req, `node "${node}" can not create pods that reference configmaps`);
  if (refs.claims.size) return refuse(req, `node "${node}" can not create pods that reference persistentvolumeclaims`);
  return undefined;
}

function pods(node: string, req: AdmissionRequest): ApiError | undefined {
  switch (req.subresource ?? "") {
    case "":
      if (req.operation === "CREATE") return mirrorPodCreate(node, req);
      if (req.operation === "DELETE") return nodeNameOf(req.object) === node ? undefined : refuse(req, `node "${node}" can only delete pods with spec.nodeName set to itself`);
      return refuse(req, `unexpected operation "${req.operation}", node "${node}" can only create and delete mirror pods`);
    case "status":
      if (req.operation !== "UPDATE") return refuse(req, `unexpected operation "${req.operation}"`);
      if (nodeNameOf(req.old ?? req.object) !== node) return refuse(req, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
      if (changedLabels(labelsOf(req.old), labelsOf(req.object)).length) return refuse(req, `node "${node}" cannot update labels through pod status`);
      return undefined;
    case "eviction":
      return nodeNameOf(req.object) === node ? undefined : refuse(req, `node ${node} can only evict pods with spec.nodeName set to itself`);
  }
  return refuse(req, `unexpected pod subresource "${req.subresource}", only 'status' and 'eviction' are allowed`);
}

function nodes(node: string, req: AdmissionRequest): ApiError | undefined {
  const name = req.object.metadata.name ?? "";
  if (name !== node) return refuse(req, `node "${node}" is not allowed to modify node "${name}"`);
  const taints = (o: KubeObject | undefined) => (o?.spec as { taints?: unknown[] } | undefined)?.taints ?? [];
  if (req.operation === "UPDATE" && !deepEqual(taints(req.object), taints(req.old))) return refuse(req, `node "${node}" is not allowed to modify taints`);
  const forbiddenLabels = changedLabels(labelsOf(req.object), req.operation === "CREATE" ? {} : labelsOf(req.old)).filter(restrictedLabel);
  if (forbiddenLabels.length === 0) return undefined;
  return refuse(req, req.operation === "CREATE" ? `node "${node}" is not allowed to set the following labels: ${forbiddenLabels.join(", ")}` : `is not allowed to modify labels: ${forbiddenLabels.join(", ")}`);
}

function leases(node: string, req: AdmissionRequest): ApiError | undefined {
  if (req.object.metadata.namespace !== NODE_LEASE_NAMESPACE) return refuse(req, `can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  if (req.object.metadata.name !== node) return refuse(req, "can only access node lease with the same name as the requesting node");
  return undefined;
}

/** NodeRestriction for a write by node `node`; undefined when it may go ahead. */
export function admitNodeWrite(node: string, req: AdmissionRequest): ApiError | undefined {
  switch (req.resource) {
    case "pods":
      return pods(node, req);
    case "nodes":
      return nodes(node, req);
    case "coordination.k8s.io/leases":
      return leases(node, req);
  }
  return undefined;
}

/** TokenRequests from a node must be bound to a pod scheduled on it (admitServiceAccount). */
export function admitNodeTokenRequest(node: string, ref: { kind?: string; apiVersion?: string; name?: string; uid?: string } | undefined, pod: KubeObject | undefined, serviceAccount: string): ApiError | undefined {
  const refuse = (why: string) => forbidden("serviceaccounts", "", serviceAccount, why);
  if (!ref || ref.apiVersion !== "v1" || ref.kind !== "Pod" || !ref.name) return refuse("node requested token not bound to a pod");
  if (!ref.uid) return refuse("node requested token with a pod binding without a uid");
  if (!pod) return notFound("pods", "", ref.name);
  if (ref.uid !== pod.metadata.uid) {
    return refuse(`the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  if (nodeNameOf(pod) !== node) return refuse("node requested token bound to a pod scheduled on a different node");
  return undefined;
}
