// The root CA publisher (pkg/controller/certificates/rootcacertpublisher): every active namespace
// has a ConfigMap kube-root-ca.crt whose ca.crt is what pods verify the API with; the token
// volume of every pod projects it (serviceaccount/automount.ts). The CA is CLUSTER_CA_CERT:
// `edgeplane dev` sets its self-signed certificate; a Worker behind Cloudflare's publicly
// trusted certificate leaves it empty, which client-go reads as "trust the system roots".
import type { KubeObject } from "../../apis/types";
import { ROOT_CA_CONFIGMAP } from "../../auth/serviceaccount/automount";
import type { Decision } from "../types";

const DESCRIPTION_ANNOTATION = "kubernetes.io/description";
const DESCRIPTION =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

export function decideRootCA(namespace: KubeObject, existing: KubeObject | undefined, caCert: string): Decision {
  const name = namespace.metadata.name ?? "";
  const active = !namespace.metadata.deletionTimestamp && (namespace.status as { phase?: string } | undefined)?.phase !== "Terminating";
  if (!active) return { actions: [] };
  const data = { "ca.crt": caCert };
  if (!existing) {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: ROOT_CA_CONFIGMAP, namespace: name, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data };
    return { actions: [{ type: "create", resource: "configmaps", object: cm }] };
  }
  // Someone's edit is put back: the data and the description, the rest of the object kept.
  const current = (existing.data ?? {}) as Record<string, string>;
  const annotations = existing.metadata.annotations ?? {};
  const same = Object.keys(current).length === 1 && current["ca.crt"] === caCert;
  if (same && annotations[DESCRIPTION_ANNOTATION]) return { actions: [] };
  const updated: KubeObject = { ...existing, metadata: { ...existing.metadata, annotations: { ...annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data };
  return { actions: [{ type: "update", resource: "configmaps", object: updated }] };
}
