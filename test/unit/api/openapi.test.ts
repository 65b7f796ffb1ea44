import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openapiV2, openapiV3GroupVersion, openapiV3GroupVersionJson, openapiV3Root, type Json, type JsonObject } from "../../../src/api/openapi";
import { fnv1a64Hex } from "../../../src/api/openapi/hash";
import { intOrStringSchema, kindSchema, labelSelectorSchema, listOf } from "../../../src/apis/meta";
import { mergeList } from "../../../src/apis/patchmeta";
import type { KindDef } from "../../../src/apis/types";

const containerPort = z.strictObject({ containerPort: z.int32(), protocol: z.enum(["TCP", "UDP", "SCTP"]).default("TCP") });
const container = z
  .strictObject({
    name: z.string().describe("Name of the container."),
    image: z.string().optional(),
    ports: listOf(containerPort, mergeList("containerPort", ["protocol"])),
  })
  .describe("A single application container.");
const podSpec = z.strictObject({
  containers: listOf(container, mergeList("name")),
  initContainers: listOf(container, mergeList("name")),
});
const deploymentSpec = z.strictObject({
  replicas: z.int32().optional(),
  selector: labelSelectorSchema,
  template: z.strictObject({ spec: podSpec.optional() }),
  strategy: z.strictObject({ rollingUpdate: z.strictObject({ maxSurge: intOrStringSchema.optional() }).optional() }).optional(),
});

const base = { shortNames: [], categories: [], columns: [] };
const pod: KindDef = {
  ...base,
  group: "",
  version: "v1",
  kind: "Pod",
  listKind: "PodList",
  plural: "pods",
  singular: "pod",
  namespaced: true,
  statusField: "status",
  schema: kindSchema({ apiVersion: "v1", kind: "Pod", spec: podSpec, status: z.strictObject({ phase: z.string().optional() }) }),
};
const deployment: KindDef = {
  ...base,
  group: "apps",
  version: "v1",
  kind: "Deployment",
  listKind: "DeploymentList",
  plural: "deployments",
  singular: "deployment",
  namespaced: true,
  statusField: "status",
  scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas", labelSelectorPath: "status.selector" },
  schema: kindSchema({ apiVersion: "apps/v1", kind: "Deployment", spec: deploymentSpec }).describe("Deployment enables declarative updates for Pods."),
};
const node: KindDef = {
  ...base,
  group: "",
  version: "v1",
  kind: "Node",
  listKind: "NodeList",
  plural: "nodes",
  singular: "node",
  namespaced: false,
  verbs: ["get", "list", "watch"],
  schema: kindSchema({ apiVersion: "v1", kind: "Node" }),
};
const kinds: readonly KindDef[] = [pod, node, deployment];

function obj(value: Json | undefined): JsonObject {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`not an object: ${JSON.stringify(value)}`);
  return value;
}

function doc(path: string): JsonObject {
  const d = openapiV3GroupVersion(kinds, path);
  if (!d) throw new Error(`no document ${path}`);
  return d;
}

const schemasOf = (d: JsonObject) => obj(obj(d.components).schemas);
const operation = (d: JsonObject, path: string, method: string) => obj(obj(obj(d.paths)[path])[method]);

/** The schema a $ref (or a single allOf around one) points at, as kubectl explain resolves it. */
function resolve(d: JsonObject, schema: JsonObject): JsonObject {
  const ref = schema.$ref ?? (Array.isArray(schema.allOf) && schema.allOf.length === 1 ? obj(schema.allOf[0]).$ref : undefined);
  if (typeof ref !== "string") return schema;
  const name = ref.replace("#/components/schemas/", "");
  return obj(schemasOf(d)[name]);
}

/** Follow a dotted field path from a kind's schema the way kubectl explain does (through $refs and list items). */
function explain(d: JsonObject, gvk: JsonObject, fields: string[]): JsonObject {
  const root = Object.values(schemasOf(d))
    .map(obj)
    .find((s) => Array.isArray(s["x-kubernetes-group-version-kind"]) && s["x-kubernetes-group-version-kind"].some((g) => JSON.stringify(g) === JSON.stringify(gvk)));
  let schema = obj(root);
  for (const field of fields) {
    let resolved = resolve(d, schema);
    while (resolved.items) resolved = resolve(d, obj(resolved.items));
    schema = obj(obj(resolved.properties)[field]);
  }
  return schema;
}

function allRefs(value: Json, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => allRefs(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else allRefs(v, out);
    }
  }
  return out;
}

describe("OpenAPI v3 index", () => {
  it("lists every discovery path with a hash of its document", () => {
    const root = openapiV3Root(kinds);
    const paths = obj(root.paths);
    expect(Object.keys(paths)).toEqual(["api", "api/v1", "apis", "apis/apps", "apis/apps/v1"]);
    expect(obj(paths["apis/apps/v1"]).serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{16}$/);
    const served = openapiV3GroupVersionJson(kinds, "apis/apps/v1");
    expect(obj(paths["apis/apps/v1"]).serverRelativeURL).toBe(`/openapi/v3/apis/apps/v1?hash=${served?.hash}`);
    expect(served?.hash).toBe(fnv1a64Hex(served?.json ?? ""));
  });

  it("is memoised per kind list and stable across equal lists", () => {
    expect(openapiV3Root(kinds)).toBe(openapiV3Root(kinds));
    expect(openapiV3Root([...kinds])).toEqual(openapiV3Root(kinds));
    expect(openapiV3Root([pod, deployment])).not.toEqual(openapiV3Root(kinds));
  });

  it("has no document for paths it does not list", () => {
    expect(openapiV3GroupVersion(kinds, "apis/batch/v1")).toBeUndefined();
    expect(openapiV3GroupVersion(kinds, "/apis/apps/v1")).toBe(doc("apis/apps/v1"));
  });
});

describe("OpenAPI v3 group-version documents", () => {
  const apps = doc("apis/apps/v1");
  const gvk = { group: "apps", kind: "Deployment", version: "v1" };

  it("list fieldValidation on the kind's PATCH, so kubectl trusts server-side validation", () => {
    const patch = operation(apps, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch");
    expect(patch["x-kubernetes-action"]).toBe("patch");
    expect(patch["x-kubernetes-group-version-kind"]).toEqual(gvk);
    const params = (patch.parameters as JsonObject[]).map((p) => [p.name, p.in]);
    expect(params).toEqual(expect.arrayContaining([["fieldValidation", "query"], ["dryRun", "query"], ["fieldManager", "query"], ["force", "query"]]));
    expect(Object.keys(obj(obj(patch.requestBody).content)).sort()).toEqual([
      "application/apply-patch+yaml",
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/strategic-merge-patch+json",
    ]);
  });

  it("tag every resource operation with its action and GVK", () => {
    const actions: string[] = [];
    for (const [path, item] of Object.entries(obj(apps.paths))) {
      if (path === "/apis/apps/v1/") continue;
      for (const [method, op] of Object.entries(obj(item))) {
        if (method === "parameters") continue;
        actions.push(`${method} ${String(obj(op)["x-kubernetes-action"])}`);
        expect(obj(op)["x-kubernetes-group-version-kind"]).toBeDefined();
      }
    }
    expect(actions.sort()).toEqual(
      ["delete delete", "delete deletecollection", "get get", "get get", "get get", "get list", "get list", "patch patch", "patch patch", "patch patch", "post post", "put put", "put put", "put put"].sort(),
    );
    const scale = operation(apps, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "patch");
    expect(scale["x-kubernetes-group-version-kind"]).toEqual({ group: "autoscaling", kind: "Scale", version: "v1" });
    expect(schemasOf(apps)["io.k8s.api.autoscaling.v1.Scale"]).toBeDefined();
  });

  it("leave out operations for verbs a kind does not serve", () => {
    const core = doc("api/v1");
    expect(Object.keys(obj(obj(core.paths)["/api/v1/nodes/{name}"])).sort()).toEqual(["get", "parameters"]);
    expect(Object.keys(obj(core.paths))).not.toContain("/api/v1/nodes/{name}/status");
  });

  it("carry the GVK on the kind's root schema and on the list path kubectl explain searches", () => {
    const root = obj(schemasOf(apps)["io.k8s.api.apps.v1.Deployment"]);
    expect(root["x-kubernetes-group-version-kind"]).toEqual([gvk]);
    expect(root.description).toBe("Deployment enables declarative updates for Pods.");
    expect(operation(apps, "/apis/apps/v1/deployments", "get")["x-kubernetes-group-version-kind"]).toEqual(gvk);
    expect(obj(schemasOf(apps)["io.k8s.api.apps.v1.DeploymentList"])["x-kubernetes-group-version-kind"]).toEqual([{ ...gvk, kind: "DeploymentList" }]);
  });

  it("mark keyed lists with their patch merge key and list type", () => {
    const containers = explain(apps, gvk, ["spec", "template", "spec", "containers"]);
    expect(containers).toMatchObject({
      type: "array",
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
    });
    expect(explain(apps, gvk, ["spec", "template", "spec", "containers", "ports"])["x-kubernetes-list-map-keys"]).toEqual(["containerPort", "protocol"]);
  });

  it("let kubectl explain reach deployment.spec.template.spec.containers and its fields", () => {
    const name = explain(apps, gvk, ["spec", "template", "spec", "containers", "name"]);
    expect(name).toEqual({ type: "string", description: "Name of the container." });
    const item = resolve(apps, obj(explain(apps, gvk, ["spec", "template", "spec", "containers"]).items));
    expect(item.required).toEqual(["name"]);
    expect(item.description).toBe("A single application container.");
    expect(explain(apps, gvk, ["spec", "template", "spec", "containers", "ports", "protocol"])).toEqual({ type: "string", enum: ["TCP", "UDP", "SCTP"], default: "TCP" });
  });

  it("share one definition for a schema used in several kinds, in the package of its shallowest use", () => {
    const names = Object.keys(schemasOf(apps));
    expect(names).toContain("io.k8s.api.core.v1.Container");
    expect(names).toContain("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    expect(names).toContain("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector");
    expect(explain(apps, gvk, ["spec", "template", "spec"])).toEqual({ $ref: "#/components/schemas/io.k8s.api.core.v1.PodSpec" });
    expect(obj(schemasOf(apps)["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"])["x-kubernetes-map-type"]).toBe("atomic");
  });

  it("describe int-or-string fields as Kubernetes does", () => {
    const maxSurge = explain(apps, gvk, ["spec", "strategy", "rollingUpdate", "maxSurge"]);
    expect(maxSurge).toEqual({ allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString" }], "x-kubernetes-int-or-string": true });
    expect(obj(schemasOf(apps)["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]).format).toBe("int-or-string");
  });

  it("resolve every $ref inside the document it appears in", () => {
    for (const key of Object.keys(obj(openapiV3Root(kinds).paths))) {
      const d = doc(key);
      const names = new Set(Object.keys(schemasOf(d)));
      for (const ref of allRefs(d)) expect(names).toContain(ref.replace("#/components/schemas/", ""));
    }
  });

  it("describe the discovery endpoints of the api, apis and group documents", () => {
    expect(operation(doc("api"), "/api/", "get").operationId).toBe("getCoreAPIVersions");
    expect(operation(doc("apis"), "/apis/", "get").operationId).toBe("getAPIVersions");
    expect(operation(doc("apis/apps"), "/apis/apps/", "get").operationId).toBe("getAppsAPIGroup");
    expect(operation(apps, "/apis/apps/v1/", "get").operationId).toBe("getAppsV1APIResources");
  });
});

describe("definition names", () => {
  const widgetSpec = z.strictObject({ size: z.int32().optional() });
  const target = z.strictObject({ name: z.string() }).meta({ id: "io.example.v1.TargetRef" });
  const widgetSchema = kindSchema({ apiVersion: "example.io/v1", kind: "Widget", spec: z.strictObject({ target, backup: target.optional(), spec: widgetSpec }) });
  const widget = (version: string): KindDef => ({
    ...base,
    group: "example.io",
    version,
    kind: "Widget",
    listKind: "WidgetList",
    plural: "widgets",
    singular: "widget",
    namespaced: false,
    schema: widgetSchema,
  });
  const widgets: readonly KindDef[] = [widget("v1"), widget("v1beta1")];

  it("name custom groups by their reversed domain and keep ids given with .meta({ id })", () => {
    const schemas = schemasOf(openapiV3GroupVersion(widgets, "apis/example.io/v1") ?? {});
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(["io.example.v1.Widget", "io.example.v1.WidgetSpec", "io.example.v1.TargetRef"]));
  });

  it("give a schema served in two versions one definition carrying both GVKs", () => {
    const beta = openapiV3GroupVersion(widgets, "apis/example.io/v1beta1") ?? {};
    const root = obj(schemasOf(beta)["io.example.v1.Widget"]);
    expect(root["x-kubernetes-group-version-kind"]).toEqual([
      { group: "example.io", kind: "Widget", version: "v1" },
      { group: "example.io", kind: "Widget", version: "v1beta1" },
    ]);
    expect(schemasOf(beta)["io.example.v1beta1.WidgetList"]).toBeDefined();
    expect(operation(beta, "/apis/example.io/v1beta1/widgets/{name}", "patch")["x-kubernetes-group-version-kind"]).toEqual({ group: "example.io", kind: "Widget", version: "v1beta1" });
  });
});

describe("OpenAPI v2", () => {
  const v2 = openapiV2(kinds);

  it("is a Swagger 2.0 document with every path and definition", () => {
    expect(v2.swagger).toBe("2.0");
    const definitions = obj(v2.definitions);
    expect(Object.keys(definitions)).toEqual(expect.arrayContaining(["io.k8s.api.apps.v1.Deployment", "io.k8s.api.core.v1.Pod", "io.k8s.api.core.v1.Node"]));
    for (const ref of allRefs(v2)) expect(definitions[ref.replace("#/definitions/", "")]).toBeDefined();
  });

  it("has the same PATCH parameters and content types, in Swagger's form", () => {
    const patch = obj(obj(obj(v2.paths)["/api/v1/namespaces/{namespace}/pods/{name}"]).patch);
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({ group: "", kind: "Pod", version: "v1" });
    expect(patch.consumes).toContain("application/strategic-merge-patch+json");
    expect(patch.parameters).toEqual(expect.arrayContaining([{ description: expect.any(String), in: "query", name: "fieldValidation", type: "string" }]));
    const spec = obj(obj(obj(v2.definitions)["io.k8s.api.core.v1.Pod"]).properties).spec;
    expect(spec).toEqual({ $ref: "#/definitions/io.k8s.api.core.v1.PodSpec" });
  });
});

describe("document hash", () => {
  it("is FNV-1a 64 over UTF-8", () => {
    expect(fnv1a64Hex("")).toBe("CBF29CE484222325");
    expect(fnv1a64Hex("a")).toBe("AF63DC4C8601EC8C");
    expect(fnv1a64Hex("foobar")).toBe("85944171F73967E8");
  });
});
