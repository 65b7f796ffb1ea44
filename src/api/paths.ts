// Kubernetes REST paths to a target: which kind, which namespace, which object, which subresource.
//   /api/v1/pods                                   all namespaces
//   /api/v1/namespaces/{ns}/pods[/{name}[/{sub}[/{rest...}]]]
//   /apis/{group}/{version}/nodes[/{name}[/{sub}]]  cluster-scoped
//   /api/v1/namespaces/{name}[/status|/finalize]    the Namespace object itself
import type { KindDef } from "../apis/types";
import { kindByResource } from "../apis/registry";
import { notFound, type Result } from "./status";

export interface Target {
  kind: KindDef;
  /** Store key: "<group>/<plural>" or "<plural>". */
  resource: string;
  /** Set for namespaced requests; undefined means all namespaces (or a cluster-scoped kind). */
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Anything after the subresource, e.g. the path of a proxy request. */
  rest?: string;
}

export function resourceKey(kind: KindDef): string {
  return kind.group ? `${kind.group}/${kind.plural}` : kind.plural;
}

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

function pathNotFound(path: string): Result<Target> {
  return { ok: false, error: { ...notFound("", "", ""), message: `the server could not find the requested resource`, details: { causes: [{ reason: "UnexpectedServerResponse", field: "", message: `404 page not found: ${path}` }] } } };
}

/** `segments` are the path parts after the group-version prefix (`/api/v1` or `/apis/g/v`). */
export function parseTarget(group: string, version: string, segments: string[]): Result<Target> {
  const path = segments.join("/");
  let namespace: string | undefined;
  let rest = segments;
  const namespaceItself = group === "" && segments.length === 3 && NAMESPACE_SUBRESOURCES.has(segments[2]);
  if (segments[0] === "namespaces" && segments.length >= 3 && !namespaceItself) {
    namespace = segments[1];
    rest = segments.slice(2);
  }
  const [plural, name, subresource, ...tail] = rest;
  const kind = plural ? kindByResource(group, version, plural) : undefined;
  if (!kind) return pathNotFound(path);
  if (namespace !== undefined && !kind.namespaced) return pathNotFound(path);
  if (subresource && !allowsSubresource(kind, subresource)) return pathNotFound(path);
  if (name === "") return pathNotFound(path);
  return {
    ok: true,
    value: { kind, resource: resourceKey(kind), namespace, name, subresource, rest: tail.length ? tail.join("/") : undefined },
  };
}

export function allowsSubresource(kind: KindDef, sub: string): boolean {
  if (sub === "status") return kind.statusField !== undefined;
  if (sub === "scale") return kind.scale !== undefined;
  return kind.subresources?.includes(sub) ?? false;
}
