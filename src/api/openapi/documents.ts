// The OpenAPI documents: the v3 index (/openapi/v3), one v3 document per discovery path
// (api, apis, apis/<group>, api/v1, apis/<group>/<version>) and the whole Swagger 2.0 document
// (/openapi/v2). Each v3 document holds exactly the definitions its paths reach, as Kubernetes'
// do, so a client can read one group-version alone. Everything is computed once per kind list
// and kept: the kind list is fixed for the life of a Worker isolate.
import type { KindDef } from "../../apis/types";
import { servedGroups } from "../discovery";
import { REF } from "./builtins";
import { buildCatalog, type SchemaCatalog } from "./catalog";
import { inlineSchema, refTo, scalarDefinitions, type Dialect, type JsonObject } from "./convert";
import { fnv1a64Hex } from "./hash";
import { definitionName, operationGroupVersion, operationTag, pascal, type GroupVersionKind } from "./names";
import { discoveryPath, kindPaths, renderPaths, type PathItem } from "./operations";
import { asCore } from "./zodwalk";

interface Definitions {
  schemas: Map<string, JsonObject>;
  refs: Map<string, Set<string>>;
}

export interface V3Entry {
  doc: JsonObject;
  json: string;
  hash: string;
}

interface Built {
  kinds: readonly KindDef[];
  catalog: SchemaCatalog;
  definitions: Partial<Record<Dialect, Definitions>>;
  v3: Map<string, V3Entry>;
  root?: JsonObject;
  v2?: JsonObject;
}

const memo = new WeakMap<readonly KindDef[], Built>();

const INFO = { title: "Kubernetes", version: "unversioned" };
const BEARER = { type: "apiKey", name: "authorization", in: "header", description: "Bearer Token authentication" };

// Kubernetes' words for the fields every object has, for kinds whose schemas do not describe them.
const TYPE_META: Record<string, string> = {
  apiVersion: "APIVersion defines the versioned schema of this representation of an object.",
  kind: "Kind is a string value representing the REST resource this object represents.",
  metadata: "Standard object's metadata.",
};

export function built(kinds: readonly KindDef[]): Built {
  let b = memo.get(kinds);
  if (!b) {
    b = { kinds, catalog: buildCatalog(kinds), definitions: {}, v3: new Map() };
    memo.set(kinds, b);
  }
  return b;
}

const gvkJson = (g: GroupVersionKind): JsonObject => ({ group: g.group, kind: g.kind, version: g.version });

function listName(kind: KindDef): string {
  return definitionName({ group: kind.group, version: kind.version, kind: kind.listKind });
}

function definitions(b: Built, dialect: Dialect): Definitions {
  const cached = b.definitions[dialect];
  if (cached) return cached;
  const defs: Definitions = { schemas: new Map(), refs: new Map() };
  for (const def of b.catalog.definitions.values()) {
    const em = { dialect, catalog: b.catalog, refs: new Set<string>() };
    const schema = inlineSchema(asCore(def.node), em);
    const properties = schema.properties;
    if (def.kind && properties && typeof properties === "object" && !Array.isArray(properties)) {
      for (const [field, description] of Object.entries(TYPE_META)) {
        const property = properties[field];
        if (!property || typeof property !== "object" || Array.isArray(property) || property.description !== undefined) continue;
        // OpenAPI 3.0 ignores the siblings of a $ref: wrap it, as convert does.
        properties[field] = dialect === "v3" && property.$ref !== undefined ? { allOf: [property], description } : { ...property, description };
      }
    }
    if (def.gvks.length > 0) schema["x-kubernetes-group-version-kind"] = def.gvks.map(gvkJson);
    defs.schemas.set(def.name, schema);
    defs.refs.set(def.name, em.refs);
  }
  for (const [name, schema] of scalarDefinitions(dialect)) {
    defs.schemas.set(name, schema);
    defs.refs.set(name, new Set());
  }
  for (const kind of b.kinds) {
    const item = b.catalog.kindName(kind);
    defs.schemas.set(listName(kind), {
      description: `${kind.listKind} is a list of ${kind.kind} objects.`,
      properties: {
        apiVersion: { description: TYPE_META.apiVersion, type: "string" },
        items: { description: `The ${kind.kind} objects.`, items: refTo(item, dialect), type: "array" },
        kind: { description: TYPE_META.kind, type: "string" },
        metadata: dialect === "v3" ? { allOf: [refTo(REF.listMeta, dialect)], description: "Standard list metadata." } : { ...refTo(REF.listMeta, dialect), description: "Standard list metadata." },
      },
      required: ["items"],
      type: "object",
      "x-kubernetes-group-version-kind": [gvkJson({ group: kind.group, version: kind.version, kind: kind.listKind })],
    });
    defs.refs.set(listName(kind), new Set([item, REF.listMeta]));
  }
  b.definitions[dialect] = defs;
  return defs;
}

/** The definitions `refs` reach, sorted by name as Kubernetes sorts them. */
function closure(defs: Definitions, refs: Set<string>): JsonObject {
  const seen = new Set<string>();
  const queue = [...refs];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name) || !defs.schemas.has(name)) continue;
    seen.add(name);
    queue.push(...(defs.refs.get(name) ?? []));
  }
  const out: JsonObject = {};
  for (const name of [...seen].sort()) out[name] = defs.schemas.get(name) ?? {};
  return out;
}

function resourcePaths(b: Built, kinds: readonly KindDef[]): PathItem[] {
  return kinds.flatMap((kind) => kindPaths(kind, { object: b.catalog.kindName(kind), list: listName(kind) }));
}

/** Discovery paths and their operations' ids and tags, as Kubernetes names them. */
function discoveryPaths(key: string, group: string, version?: string): PathItem[] {
  if (key === "api") return [discoveryPath("/api/", "getCoreAPIVersions", "core", REF.apiVersions)];
  if (key === "apis") return [discoveryPath("/apis/", "getAPIVersions", "apis", REF.apiGroupList)];
  if (version === undefined) return [discoveryPath(`/apis/${group}/`, `get${pascal(operationTag(group))}APIGroup`, operationTag(group), REF.apiGroup)];
  const prefix = group === "" ? `/api/${version}/` : `/apis/${group}/${version}/`;
  return [discoveryPath(prefix, `get${operationGroupVersion(group, version)}APIResources`, operationTag(group, version), REF.apiResourceList)];
}

/** The v3 document keys: "api", "api/v1", "apis", "apis/apps", "apis/apps/v1"... */
function documentKeys(kinds: readonly KindDef[]): Map<string, { group: string; version?: string }> {
  const keys = new Map<string, { group: string; version?: string }>([
    ["api", { group: "" }],
    ["apis", { group: "" }],
  ]);
  for (const group of servedGroups(kinds)) {
    if (group.name !== "") keys.set(`apis/${group.name}`, { group: group.name });
    for (const version of group.versions) {
      keys.set(group.name === "" ? `api/${version}` : `apis/${group.name}/${version}`, { group: group.name, version });
    }
  }
  return keys;
}

function document(b: Built, dialect: Dialect, items: PathItem[]): JsonObject {
  const refs = new Set<string>();
  const paths = renderPaths([...items].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)), dialect, refs);
  const schemas = closure(definitions(b, dialect), refs);
  if (dialect === "v2") {
    return { swagger: "2.0", info: INFO, paths, definitions: schemas, securityDefinitions: { BearerToken: BEARER }, security: [{ BearerToken: [] }] };
  }
  return { openapi: "3.0.0", info: INFO, paths, components: { schemas, securitySchemes: { BearerToken: BEARER } }, security: [{ BearerToken: [] }] };
}

export function v3Entry(kinds: readonly KindDef[], key: string): V3Entry | undefined {
  const b = built(kinds);
  const cached = b.v3.get(key);
  if (cached) return cached;
  // Unknown keys are not remembered: clients choose them, and the map would grow without bound.
  const spec = documentKeys(kinds).get(key);
  if (!spec) return undefined;
  const served = spec.version === undefined ? [] : kinds.filter((k) => k.group === spec.group && k.version === spec.version);
  const doc = document(b, "v3", [...discoveryPaths(key, spec.group, spec.version), ...resourcePaths(b, served)]);
  const json = JSON.stringify(doc);
  const entry = { doc, json, hash: fnv1a64Hex(json) };
  b.v3.set(key, entry);
  return entry;
}

export function v3Root(kinds: readonly KindDef[]): JsonObject {
  const b = built(kinds);
  if (!b.root) {
    const paths: JsonObject = {};
    for (const key of [...documentKeys(kinds).keys()].sort()) {
      const entry = v3Entry(kinds, key);
      if (entry) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${entry.hash}` };
    }
    b.root = { paths };
  }
  return b.root;
}

export function v2Document(kinds: readonly KindDef[]): JsonObject {
  const b = built(kinds);
  if (!b.v2) {
    const items = [...documentKeys(kinds)].flatMap(([key, spec]) => discoveryPaths(key, spec.group, spec.version));
    b.v2 = document(b, "v2", [...items, ...resourcePaths(b, kinds)]);
  }
  return b.v2;
}
