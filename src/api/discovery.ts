// Discovery documents as pure functions of the kind list: /api (APIVersions), /apis
// (APIGroupList), /apis/<group> (APIGroup), /api/v1 and /apis/<group>/<version>
// (APIResourceList), and the aggregated form (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) that
// kubectl asks for first, with the Accept negotiation between the two forms. kubectl reads the
// form from the response's Content-Type, and uses the aggregated form only when both /api and
// /apis answer with it.
import { ALL_VERBS, type KindDef } from "../apis/types";
import { fnv1a64Base64 } from "./openapi/hash";
import { SCALE_GVK, type GroupVersionKind } from "./openapi/names";

export const DISCOVERY_V2_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
export const DISCOVERY_V2BETA1_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
export const LEGACY_DISCOVERY_CONTENT_TYPE = "application/json";

export type AggregatedVersion = "v2" | "v2beta1";

export type DiscoveryFormat =
  | { aggregated: true; version: AggregatedVersion; contentType: string }
  | { aggregated: false; contentType: string };

/** meta/v1 APIResource: one entry of /api/v1 or /apis/<group>/<version>. */
export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  /** Set on a subresource whose kind is in another group-version. */
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: "APIResourceList";
  apiVersion: "v1";
  groupVersion: string;
  resources: APIResource[];
}

export interface Subresource {
  name: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

/** The verbs of a kind's main resource: all of them unless the kind lists its own. */
export function kindVerbs(kind: KindDef): string[] {
  return [...(kind.verbs ?? ALL_VERBS)];
}

const READ_WRITE = ["get", "patch", "update"];
const core = (kind: string): GroupVersionKind => ({ group: "", version: "v1", kind });

/** Response kinds and verbs of the subresources Kubernetes defines; any other is read-only. */
const KNOWN_SUBRESOURCES: Record<string, (parent: GroupVersionKind) => { kind: GroupVersionKind; verbs: string[] }> = {
  status: (parent) => ({ kind: parent, verbs: READ_WRITE }),
  scale: () => ({ kind: SCALE_GVK, verbs: READ_WRITE }),
  binding: () => ({ kind: core("Binding"), verbs: ["create"] }),
  eviction: () => ({ kind: { group: "policy", version: "v1", kind: "Eviction" }, verbs: ["create"] }),
  log: (parent) => ({ kind: parent, verbs: ["get"] }),
  exec: () => ({ kind: core("PodExecOptions"), verbs: ["create", "get"] }),
  attach: () => ({ kind: core("PodAttachOptions"), verbs: ["create", "get"] }),
  portforward: () => ({ kind: core("PodPortForwardOptions"), verbs: ["create", "get"] }),
  proxy: (parent) => ({ kind: core(`${parent.kind}ProxyOptions`), verbs: ["create", "delete", "get", "patch", "update"] }),
  ephemeralcontainers: (parent) => ({ kind: parent, verbs: READ_WRITE }),
  resize: (parent) => ({ kind: parent, verbs: READ_WRITE }),
  token: () => ({ kind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" }, verbs: ["create"] }),
  finalize: (parent) => ({ kind: parent, verbs: ["update"] }),
  approval: (parent) => ({ kind: parent, verbs: READ_WRITE }),
};

/** A kind's subresources (status and scale from its definition, then its own list), by name. */
export function kindSubresources(kind: KindDef): Subresource[] {
  const parent: GroupVersionKind = { group: kind.group, version: kind.version, kind: kind.kind };
  const names = new Set([...(kind.statusField ? ["status"] : []), ...(kind.scale ? ["scale"] : []), ...(kind.subresources ?? [])]);
  return [...names].sort().map((name) => {
    const known = KNOWN_SUBRESOURCES[name]?.(parent) ?? { kind: parent, verbs: ["get"] };
    return { name, responseKind: known.kind, verbs: [...known.verbs] };
  });
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes' version priority: GA before beta before alpha, higher numbers first, then versions
 * that do not look like Kubernetes versions in lexical order. Negative when `a` is preferred.
 */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const m = KUBE_VERSION.exec(v);
    return m ? [m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0, Number(m[1]), Number(m[3] ?? 0)] : undefined;
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return 0;
}

export interface ServedGroup {
  name: string;
  /** Preferred version first. */
  versions: string[];
}

/** Groups in the order their first kind appears in the list (core group included, as ""). */
export function servedGroups(kinds: readonly KindDef[]): ServedGroup[] {
  const groups = new Map<string, Set<string>>();
  for (const kind of kinds) {
    const versions = groups.get(kind.group) ?? new Set<string>();
    versions.add(kind.version);
    groups.set(kind.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions: [...versions].sort(compareVersions) }));
}

function groupVersion(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

function kindsOf(kinds: readonly KindDef[], group: string, version: string): KindDef[] {
  return kinds.filter((k) => k.group === group && k.version === version).sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
}

/** GET /api. `serverAddress` is the host:port clients reached us at. */
export function apiVersions(kinds: readonly KindDef[], serverAddress: string) {
  const coreGroup = servedGroups(kinds).find((g) => g.name === "");
  return {
    kind: "APIVersions",
    versions: coreGroup?.versions ?? ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupEntry(group: ServedGroup) {
  const versions = group.versions.map((version) => ({ groupVersion: groupVersion(group.name, version), version }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}

/** GET /apis: every named group (the core group is served under /api only). */
export function apiGroupList(kinds: readonly KindDef[]) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: servedGroups(kinds)
      .filter((g) => g.name !== "")
      .map(groupEntry),
  };
}

/** GET /apis/<group>, or undefined when no kind is in the group. */
export function apiGroup(kinds: readonly KindDef[], group: string) {
  const served = servedGroups(kinds).find((g) => g.name === group && group !== "");
  return served ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(served) } : undefined;
}

/** GET /api/v1 or /apis/<group>/<version>, or undefined when the group-version is not served. */
export function apiResourceList(kinds: readonly KindDef[], group: string, version: string): APIResourceList | undefined {
  const served = kindsOf(kinds, group, version);
  if (served.length === 0) return undefined;
  const resources = served.flatMap((kind): APIResource[] => [
    {
      name: kind.plural,
      singularName: kind.singular,
      namespaced: kind.namespaced,
      kind: kind.kind,
      verbs: kindVerbs(kind),
      ...(kind.shortNames.length > 0 ? { shortNames: [...kind.shortNames] } : {}),
      ...(kind.categories.length > 0 ? { categories: [...kind.categories] } : {}),
      storageVersionHash: fnv1a64Base64(`${group}/${version}/${kind.kind}`),
    },
    ...kindSubresources(kind).map((sub) => ({
      name: `${kind.plural}/${sub.name}`,
      singularName: "",
      namespaced: kind.namespaced,
      // Only a subresource whose kind lives in another group-version (deployments/scale is
      // autoscaling/v1 Scale) names it: clients default to the list's own group-version.
      ...(sub.responseKind.group !== group || sub.responseKind.version !== version
        ? { group: sub.responseKind.group, version: sub.responseKind.version }
        : {}),
      kind: sub.responseKind.kind,
      verbs: sub.verbs,
    })),
  ]);
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion(group, version), resources };
}

function resourceDiscovery(kind: KindDef) {
  const subresources = kindSubresources(kind);
  return {
    resource: kind.plural,
    responseKind: { group: kind.group, version: kind.version, kind: kind.kind },
    scope: kind.namespaced ? "Namespaced" : "Cluster",
    singularResource: kind.singular,
    verbs: kindVerbs(kind),
    ...(kind.shortNames.length > 0 ? { shortNames: [...kind.shortNames] } : {}),
    ...(kind.categories.length > 0 ? { categories: [...kind.categories] } : {}),
    ...(subresources.length > 0
      ? { subresources: subresources.map((s) => ({ subresource: s.name, responseKind: s.responseKind, verbs: s.verbs })) }
      : {}),
  };
}

/**
 * The aggregated discovery document of /api ("core": the core group only) or /apis ("apis": every
 * named group), in apidiscovery.k8s.io/v2 or the identical v2beta1 that older clients ask for.
 */
export function aggregatedDiscovery(kinds: readonly KindDef[], scope: "core" | "apis", version: AggregatedVersion = "v2") {
  const groups = servedGroups(kinds).filter((g) => (scope === "core") === (g.name === ""));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((group) => ({
      metadata: group.name === "" ? {} : { name: group.name },
      versions: group.versions.map((v) => ({
        version: v,
        resources: kindsOf(kinds, group.name, v).map(resourceDiscovery),
        freshness: "Current",
      })),
    })),
  };
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
  index: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges = header.split(",").map((part, index) => {
    const [type = "", ...rest] = part.split(";").map((s) => s.trim());
    const params = new Map<string, string>();
    for (const param of rest) {
      const eq = param.indexOf("=");
      if (eq > 0) params.set(param.slice(0, eq).trim().toLowerCase(), param.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1"));
    }
    const q = params.has("q") ? Number(params.get("q")) : 1;
    return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0, index };
  });
  return ranges.filter((r) => r.type !== "" && r.q > 0).sort((a, b) => b.q - a.q || a.index - b.index);
}

const JSON_RANGES = new Set(["application/json", "application/*", "*/*"]);

/**
 * Which form of /api and /apis to serve for a request's Accept header: the first acceptable range
 * in the client's order of preference wins. kubectl sends
 * `<v2 aggregated>,<v2beta1 aggregated>,application/json`; newer clients add `profile=nopeer`,
 * which asks to leave out peer servers' resources (we have none). Protobuf ranges are skipped
 * (we only speak JSON); no acceptable range at all gets the legacy form.
 */
export function negotiateDiscovery(accept: string | null | undefined): DiscoveryFormat {
  for (const range of parseAccept(accept ?? "")) {
    if (!JSON_RANGES.has(range.type)) continue;
    const g = range.params.get("g");
    const v = range.params.get("v");
    const as = range.params.get("as");
    if (g === undefined && v === undefined && as === undefined) break;
    if (g === "apidiscovery.k8s.io" && as === "APIGroupDiscoveryList" && (v === "v2" || v === "v2beta1")) {
      return { aggregated: true, version: v, contentType: v === "v2" ? DISCOVERY_V2_CONTENT_TYPE : DISCOVERY_V2BETA1_CONTENT_TYPE };
    }
  }
  return { aggregated: false, contentType: LEGACY_DISCOVERY_CONTENT_TYPE };
}
