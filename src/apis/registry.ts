// The kind registry as data: every KindDef the server serves, in the order Kubernetes lists their
// groups, and O(1) lookups built once. Adding a kind is adding it to its group's list.
import { appsV1Kinds } from "./apps/v1";
import { authenticationV1Kinds } from "./authentication/v1";
import { authorizationV1Kinds } from "./authorization/v1";
import { autoscalingV2Kinds } from "./autoscaling/v2";
import { batchV1Kinds } from "./batch/v1";
import { coordinationV1Kinds } from "./coordination/v1";
import { coreV1Kinds } from "./core/v1";
import { discoveryV1Kinds } from "./discovery/v1";
import { edgeplaneV1Kinds } from "./edgeplane/v1";
import { eventsV1Kinds } from "./events/v1";
import { rbacV1Kinds } from "./rbac/v1";
import type { KindDef } from "./types";

/**
 * kube-apiserver's group priorities (the APIServices' groupPriorityMinimum): discovery lists
 * groups from the highest, ties by name. Groups it does not know, like a CRD's, get 1000.
 */
const GROUP_PRIORITY: Record<string, number> = {
  "": 18000,
  "apiregistration.k8s.io": 18000,
  apps: 17800,
  "events.k8s.io": 17750,
  "authentication.k8s.io": 17700,
  "authorization.k8s.io": 17600,
  autoscaling: 17500,
  batch: 17400,
  "certificates.k8s.io": 17300,
  "networking.k8s.io": 17200,
  policy: 17100,
  "rbac.authorization.k8s.io": 17000,
  "storage.k8s.io": 16800,
  "admissionregistration.k8s.io": 16700,
  "apiextensions.k8s.io": 16700,
  "scheduling.k8s.io": 16600,
  "coordination.k8s.io": 16500,
  "node.k8s.io": 16300,
  "discovery.k8s.io": 16200,
  "flowcontrol.apiserver.k8s.io": 16100,
};
const UNKNOWN_GROUP_PRIORITY = 1000;

function groupPriority(group: string): number {
  return GROUP_PRIORITY[group] ?? UNKNOWN_GROUP_PRIORITY;
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes' version order (version.CompareKubeAwareVersionStrings): GA before beta before
 * alpha, higher numbers first, then other strings alphabetically. Negative when `a` comes first.
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const m = KUBE_VERSION.exec(v);
    return m && [m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a.localeCompare(b);
  const i = ra.findIndex((x, j) => x !== rb[j]);
  return i < 0 ? 0 : rb[i] - ra[i];
}

function compareGroups(a: string, b: string): number {
  return groupPriority(b) - groupPriority(a) || (a < b ? -1 : a > b ? 1 : 0);
}

/** "v1" for the core group, "apps/v1" otherwise. */
export function apiVersionOf(kind: Pick<KindDef, "group" | "version">): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/** The group-qualified resource Kubernetes names in messages and RBAC: "pods", "deployments.apps". */
export function resourceNameFor(kind: Pick<KindDef, "group" | "plural">): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}

function byGroupThenVersion(a: KindDef, b: KindDef): number {
  return compareGroups(a.group, b.group) || compareKubeVersions(a.version, b.version);
}

/** Every served kind: groups in discovery order, preferred version first; a group's own order within. */
export const allKinds: readonly KindDef[] = [
  ...coreV1Kinds,
  ...appsV1Kinds,
  ...eventsV1Kinds,
  ...authenticationV1Kinds,
  ...authorizationV1Kinds,
  ...autoscalingV2Kinds,
  ...batchV1Kinds,
  ...rbacV1Kinds,
  ...coordinationV1Kinds,
  ...discoveryV1Kinds,
  ...edgeplaneV1Kinds,
].sort(byGroupThenVersion);

const key = (...parts: string[]) => parts.join("\u0000");
const byResource = new Map(allKinds.map((k) => [key(k.group, k.version, k.plural), k]));
const byKind = new Map(allKinds.map((k) => [key(k.group, k.version, k.kind), k]));
const versionsByGroup = new Map<string, string[]>();
for (const k of allKinds) {
  const versions = versionsByGroup.get(k.group) ?? [];
  if (!versions.includes(k.version)) versions.push(k.version);
  versionsByGroup.set(k.group, versions);
}
const orderedGroupVersions = [...versionsByGroup].flatMap(([group, versions]) => versions.map((version) => apiVersionOf({ group, version })));

export function kindByResource(group: string, version: string, plural: string): KindDef | undefined {
  return byResource.get(key(group, version, plural));
}

export function kindByKind(group: string, version: string, kind: string): KindDef | undefined {
  return byKind.get(key(group, version, kind));
}

/** The kind an object's apiVersion ("v1", "apps/v1") and kind name. */
export function kindByApiVersion(apiVersion: string, kind: string): KindDef | undefined {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? kindByKind("", apiVersion, kind) : kindByKind(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind);
}

/** Every served group-version ("v1", "apps/v1", ...) in discovery order. */
export function groupVersions(): readonly string[] {
  return orderedGroupVersions;
}

/** The versions served for a group, preferred first (empty for a group not served). */
export function versionsOf(group: string): readonly string[] {
  return versionsByGroup.get(group) ?? [];
}

/** The version clients should use for a group, or undefined when the group is not served. */
export function preferredVersion(group: string): string | undefined {
  return versionsOf(group)[0];
}
