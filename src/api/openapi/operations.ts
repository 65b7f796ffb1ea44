// A kind's REST operations as OpenAPI paths, the way Kubernetes publishes them: one path item per
// URL with its path parameters, one operation per verb with `x-kubernetes-action` and
// `x-kubernetes-group-version-kind`. kubectl relies on two details: the PATCH operation tagged
// with a kind's GVK lists `fieldValidation` (so kubectl trusts server-side validation), and a
// GET on the resource's collection path carries the GVK (so `kubectl explain` finds the schema).
// Operations are built once in a neutral form and rendered for OpenAPI v3 and Swagger 2.0.
import type { KindDef } from "../../apis/types";
import { kindSubresources, kindVerbs } from "../discovery";
import { PATCH_CONTENT_TYPES } from "../patch";
import { REF } from "./builtins";
import { refTo, type Dialect, type JsonObject } from "./convert";
import { operationGroupVersion, operationTag, pascal, SCALE_GVK, type GroupVersionKind } from "./names";

type Method = "get" | "post" | "put" | "patch" | "delete";
type Action = "list" | "post" | "get" | "put" | "patch" | "delete" | "deletecollection";
type ParamType = "string" | "boolean" | "integer";

const QUERY_PARAMS = {
  allowWatchBookmarks: ["boolean", 'Ask for watch events of type "BOOKMARK".'],
  continue: ["string", "The continue token of the previous page of a list."],
  dryRun: ["string", '"All": run every stage of the request but persist nothing.'],
  fieldManager: ["string", "The name of the actor making the change, recorded in managedFields; required for apply patches."],
  fieldSelector: ["string", "Restrict the list of returned objects by their fields."],
  fieldValidation: ["string", "How to treat unknown or duplicate fields in the request object: Ignore, Warn or Strict."],
  force: ["boolean", 'Make an apply request take the fields other managers own; only for "application/apply-patch+yaml".'],
  gracePeriodSeconds: ["integer", "Seconds before the object is deleted; zero deletes immediately."],
  labelSelector: ["string", "Restrict the list of returned objects by their labels."],
  limit: ["integer", "The most items to return; more are available with the continue token."],
  orphanDependents: ["boolean", "Deprecated: use propagationPolicy."],
  pretty: ["string", "If 'true', then the output is pretty printed."],
  propagationPolicy: ["string", "Whether and how dependents are garbage collected: Orphan, Background or Foreground."],
  resourceVersion: ["string", "The resource version a request may be served from."],
  resourceVersionMatch: ["string", "How resourceVersion applies to a list: Exact or NotOlderThan."],
  sendInitialEvents: ["boolean", "Begin a watch with synthetic ADDED events for the current objects."],
  timeoutSeconds: ["integer", "Timeout for the list or watch call."],
  watch: ["boolean", "Watch for changes to the described resources instead of listing them."],
} as const satisfies Record<string, readonly [ParamType, string]>;

type QueryParam = keyof typeof QUERY_PARAMS;

const LIST: QueryParam[] = [
  "allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit",
  "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch",
];
const WRITE: QueryParam[] = ["dryRun", "fieldManager", "fieldValidation"];
const PATCH: QueryParam[] = [...WRITE, "force"];
const DELETE: QueryParam[] = ["dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy"];
const DELETE_COLLECTION: QueryParam[] = [...DELETE, "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds"];

const PRODUCES = ["application/json", "application/yaml"] as const;
const PRODUCES_WATCH = [...PRODUCES, "application/json;stream=watch"] as const;

interface Response {
  code: string;
  description: string;
  schema?: string;
}

export interface Operation {
  method: Method;
  operationId: string;
  description: string;
  tag: string;
  action?: Action;
  gvk?: GroupVersionKind;
  query: readonly QueryParam[];
  body?: { schema: string; contentTypes: readonly string[] };
  responses: Response[];
  produces: readonly string[];
}

export interface PathItem {
  path: string;
  /** Path parameters, named after the kind they address (`name of the Deployment`). */
  pathParams: readonly { name: "name" | "namespace"; description: string }[];
  operations: Operation[];
}

const ok = (schema: string): Response[] => [{ code: "200", description: "OK", schema }];
const written = (schema: string): Response[] => [...ok(schema), { code: "201", description: "Created", schema }];

/** Definition names a kind's operations use. */
export interface KindSchemas {
  object: string;
  list: string;
}

/** Every path of a kind: collection, item, all-namespaces list, status and scale. */
export function kindPaths(kind: KindDef, schemas: KindSchemas): PathItem[] {
  const gv = operationGroupVersion(kind.group, kind.version);
  const tag = operationTag(kind.group, kind.version);
  const gvk: GroupVersionKind = { group: kind.group, version: kind.version, kind: kind.kind };
  const scope = kind.namespaced ? "Namespaced" : "";
  const prefix = kind.group === "" ? `/api/${kind.version}` : `/apis/${kind.group}/${kind.version}`;
  const collection = kind.namespaced ? `${prefix}/namespaces/{namespace}/${kind.plural}` : `${prefix}/${kind.plural}`;
  const verbs = new Set(kindVerbs(kind));
  const namespace = { name: "namespace", description: "object name and auth scope, such as for teams and projects" } as const;
  const name = (of: string) => ({ name: "name", description: `name of the ${of}` }) as const;
  const nsParams = kind.namespaced ? [namespace] : [];
  const op = (verb: string, o: Omit<Operation, "tag" | "gvk">, opGvk = gvk): Operation[] =>
    verbs.has(verb) ? [{ ...o, tag, gvk: opGvk }] : [];

  const items: PathItem[] = [
    {
      path: collection,
      pathParams: nsParams,
      operations: [
        ...op("list", { method: "get", action: "list", operationId: `list${gv}${scope}${kind.kind}`, description: `list or watch objects of kind ${kind.kind}`, query: LIST, responses: ok(schemas.list), produces: PRODUCES_WATCH }),
        ...op("create", { method: "post", action: "post", operationId: `create${gv}${scope}${kind.kind}`, description: `create a ${kind.kind}`, query: WRITE, body: { schema: schemas.object, contentTypes: ["*/*"] }, responses: [...written(schemas.object), { code: "202", description: "Accepted", schema: schemas.object }], produces: PRODUCES }),
        ...op("deletecollection", { method: "delete", action: "deletecollection", operationId: `delete${gv}Collection${scope}${kind.kind}`, description: `delete collection of ${kind.kind}`, query: DELETE_COLLECTION, body: { schema: REF.deleteOptions, contentTypes: ["*/*"] }, responses: ok(REF.status), produces: PRODUCES }),
      ],
    },
    {
      path: `${collection}/{name}`,
      pathParams: [name(kind.kind), ...nsParams],
      operations: [
        ...op("get", { method: "get", action: "get", operationId: `read${gv}${scope}${kind.kind}`, description: `read the specified ${kind.kind}`, query: [], responses: ok(schemas.object), produces: PRODUCES }),
        ...op("update", { method: "put", action: "put", operationId: `replace${gv}${scope}${kind.kind}`, description: `replace the specified ${kind.kind}`, query: WRITE, body: { schema: schemas.object, contentTypes: ["*/*"] }, responses: written(schemas.object), produces: PRODUCES }),
        ...op("patch", { method: "patch", action: "patch", operationId: `patch${gv}${scope}${kind.kind}`, description: `partially update the specified ${kind.kind}`, query: PATCH, body: { schema: REF.patch, contentTypes: PATCH_CONTENT_TYPES }, responses: written(schemas.object), produces: PRODUCES }),
        ...op("delete", { method: "delete", action: "delete", operationId: `delete${gv}${scope}${kind.kind}`, description: `delete a ${kind.kind}`, query: DELETE, body: { schema: REF.deleteOptions, contentTypes: ["*/*"] }, responses: [...ok(REF.status), { code: "202", description: "Accepted", schema: REF.status }], produces: PRODUCES }),
      ],
    },
  ];
  if (kind.namespaced && verbs.has("list")) {
    items.push({
      path: `${prefix}/${kind.plural}`,
      pathParams: [],
      operations: op("list", { method: "get", action: "list", operationId: `list${gv}${kind.kind}ForAllNamespaces`, description: `list or watch objects of kind ${kind.kind}`, query: LIST, responses: ok(schemas.list), produces: PRODUCES_WATCH }),
    });
  }
  for (const sub of kindSubresources(kind)) {
    if (sub.name !== "status" && sub.name !== "scale") continue;
    const schema = sub.name === "scale" ? REF.scale : schemas.object;
    const subGvk = sub.name === "scale" ? SCALE_GVK : gvk;
    const id = `${gv}${scope}${kind.kind}${pascal(sub.name)}`;
    const subVerbs = new Set(sub.verbs);
    const subOp = (verb: string, o: Omit<Operation, "tag" | "gvk">): Operation[] => (subVerbs.has(verb) ? [{ ...o, tag, gvk: subGvk }] : []);
    items.push({
      path: `${collection}/{name}/${sub.name}`,
      pathParams: [name(sub.name === "scale" ? "Scale" : kind.kind), ...nsParams],
      operations: [
        ...subOp("get", { method: "get", action: "get", operationId: `read${id}`, description: `read ${sub.name} of the specified ${kind.kind}`, query: [], responses: ok(schema), produces: PRODUCES }),
        ...subOp("update", { method: "put", action: "put", operationId: `replace${id}`, description: `replace ${sub.name} of the specified ${kind.kind}`, query: WRITE, body: { schema, contentTypes: ["*/*"] }, responses: written(schema), produces: PRODUCES }),
        ...subOp("patch", { method: "patch", action: "patch", operationId: `patch${id}`, description: `partially update ${sub.name} of the specified ${kind.kind}`, query: PATCH, body: { schema: REF.patch, contentTypes: PATCH_CONTENT_TYPES }, responses: written(schema), produces: PRODUCES }),
      ],
    });
  }
  return items.filter((item) => item.operations.length > 0);
}

/** The discovery endpoint a document describes alongside its resources (`/apis/apps/v1/`). */
export function discoveryPath(path: string, operationId: string, tag: string, schema: string): PathItem {
  return {
    path,
    pathParams: [],
    operations: [{ method: "get", operationId, description: "get available resources", tag, query: [], responses: ok(schema), produces: PRODUCES }],
  };
}

/** Render path items for one dialect, adding every definition they refer to to `refs`. */
export function renderPaths(items: readonly PathItem[], dialect: Dialect, refs: Set<string>): JsonObject {
  const ref = (name: string) => {
    refs.add(name);
    return refTo(name, dialect);
  };
  const param = (name: string, location: "path" | "query", type: ParamType, description: string): JsonObject => {
    const base: JsonObject = { description, in: location, name, ...(location === "path" ? { required: true } : {}) };
    return dialect === "v3" ? { ...base, schema: { type } } : { ...base, type };
  };
  const query = (name: QueryParam) => {
    const [type, description]: readonly [ParamType, string] = QUERY_PARAMS[name];
    return param(name, "query", type, description);
  };
  const out: JsonObject = {};
  for (const item of items) {
    const pathItem: JsonObject = {};
    for (const o of item.operations) {
      const responses: JsonObject = {};
      const all: Response[] = [...o.responses, { code: "401", description: "Unauthorized" }];
      for (const r of all) {
        const schema = r.schema ? ref(r.schema) : undefined;
        if (!schema) responses[r.code] = { description: r.description };
        else if (dialect === "v3") responses[r.code] = { content: Object.fromEntries(o.produces.map((t) => [t, { schema }])), description: r.description };
        else responses[r.code] = { description: r.description, schema };
      }
      const operation: JsonObject = { description: o.description, operationId: o.operationId };
      const params = o.query.map(query);
      const body = o.body;
      if (dialect === "v3") {
        if (params.length > 0) operation.parameters = params;
        if (body) operation.requestBody = { content: Object.fromEntries(body.contentTypes.map((t) => [t, { schema: ref(body.schema) }])), required: true };
      } else {
        operation.consumes = [...(body?.contentTypes ?? ["*/*"])];
        operation.produces = [...o.produces];
        const bodyParam = body ? [{ in: "body", name: "body", required: true, schema: ref(body.schema) }] : [];
        if (bodyParam.length + params.length > 0) operation.parameters = [...bodyParam, ...params];
        operation.schemes = ["https"];
      }
      operation.responses = responses;
      operation.tags = [o.tag];
      if (o.action) operation["x-kubernetes-action"] = o.action;
      if (o.gvk) operation["x-kubernetes-group-version-kind"] = { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version };
      pathItem[o.method] = operation;
    }
    pathItem.parameters = [...item.pathParams.map((p) => param(p.name, "path", "string", p.description)), query("pretty")];
    out[item.path] = pathItem;
  }
  return out;
}
