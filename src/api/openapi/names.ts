// The names Kubernetes gives things in its OpenAPI documents: definition names
// (io.k8s.api.apps.v1.Deployment), operation ids (listAppsV1NamespacedDeployment), tags
// (apps_v1). Clients key caches and generated code on them, so they follow Kubernetes exactly.

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

const K8S_SUFFIX = ".k8s.io";

/**
 * The package a group's definitions live in: built-in groups are `io.k8s.api.<group>.<version>`
 * with `.k8s.io` groups shortened to their first label (rbac.authorization.k8s.io -> rbac); other
 * groups are named as Kubernetes names custom resources, by the reversed domain (edgeplane.dev ->
 * dev.edgeplane).
 */
export function apiPackage(group: string, version: string): string {
  if (group === "") return `io.k8s.api.core.${version}`;
  if (!group.includes(".")) return `io.k8s.api.${group}.${version}`;
  if (group.endsWith(K8S_SUFFIX)) return `io.k8s.api.${group.split(".")[0]}.${version}`;
  return `${group.split(".").reverse().join(".")}.${version}`;
}

export function definitionName(gvk: GroupVersionKind): string {
  return `${apiPackage(gvk.group, gvk.version)}.${gvk.kind}`;
}

export const META_V1 = "io.k8s.apimachinery.pkg.apis.meta.v1";

export const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
export const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/** The kind every scale subresource speaks, whatever the group of its resource. */
export const SCALE_GVK: GroupVersionKind = { group: "autoscaling", version: "v1", kind: "Scale" };

/** Group words as operation ids spell them: "" -> [core], rbac.authorization.k8s.io -> [rbac, authorization]. */
function groupWords(group: string): string[] {
  if (group === "") return ["core"];
  const trimmed = group.endsWith(K8S_SUFFIX) ? group.slice(0, -K8S_SUFFIX.length) : group;
  return trimmed.split(/[.-]/).filter((w) => w !== "");
}

export function pascal(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** "AppsV1", "CoreV1", "RbacAuthorizationV1": the group-version part of operation ids. */
export function operationGroupVersion(group: string, version: string): string {
  return groupWords(group).map(pascal).join("") + pascal(version);
}

/** "apps_v1", "core_v1", "rbacAuthorization_v1": the tag of a group-version's operations. */
export function operationTag(group: string, version?: string): string {
  const [first, ...rest] = groupWords(group);
  const word = first + rest.map(pascal).join("");
  return version === undefined ? word : `${word}_${version}`;
}

/** "containers" -> "container", "policies" -> "policy", "addresses" -> "address", "env" -> "env". */
export function singular(word: string): string {
  if (/ies$/.test(word)) return word.slice(0, -3) + "y";
  if (/(ss|x|ch|sh|us)es$/.test(word)) return word.slice(0, -2);
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return word;
}
