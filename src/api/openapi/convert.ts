// zod schema -> OpenAPI schema object, in the v3 (components) or v2 (definitions) dialect, with the
// Kubernetes extensions read from the schemas' metadata (patch strategy and merge key, list type
// and map keys, map type, int-or-string). zod's own toJSONSchema would copy every metadata key
// verbatim and knows nothing of these names or of our definition names, so the walk is our own.
import type { z } from "zod";
import type { PatchMeta } from "../../apis/patchmeta";
import type { SchemaCatalog } from "./catalog";
import { INT_OR_STRING, QUANTITY } from "./names";
import { isOptional, metaOf, numberFormat, stringFormat, unwrap, type Meta, type ZodCore, type ZodNode } from "./zodwalk";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Dialect = "v3" | "v2";

export interface Emitter {
  readonly dialect: Dialect;
  readonly catalog: SchemaCatalog;
  /** Every definition name the emitted schemas refer to, so documents include exactly those. */
  readonly refs: Set<string>;
}

const EXTENSIONS: readonly (readonly [keyof PatchMeta, string])[] = [
  ["patchMergeKey", "x-kubernetes-patch-merge-key"],
  ["patchStrategy", "x-kubernetes-patch-strategy"],
  ["listType", "x-kubernetes-list-type"],
  ["listMapKeys", "x-kubernetes-list-map-keys"],
  ["mapType", "x-kubernetes-map-type"],
];

const STRING_FORMATS: Record<string, string> = {
  datetime: "date-time",
  date: "date",
  uuid: "uuid",
  guid: "uuid",
  email: "email",
  url: "uri",
  base64: "byte",
};

const MAX_DEPTH = 64;

export function refTo(name: string, dialect: Dialect): JsonObject {
  return { $ref: `${dialect === "v3" ? "#/components/schemas/" : "#/definitions/"}${name}` };
}

/**
 * IntOrString and Quantity, named as Kubernetes names them. Their v3 forms have no `type`, so that
 * kubectl explain shows `<IntOrString>`/`<Quantity>`; Swagger 2.0 has no oneOf, so v2 uses the
 * string forms Kubernetes publishes there.
 */
const SCALARS: Record<string, Record<Dialect, JsonObject>> = {
  [INT_OR_STRING]: {
    v3: {
      description: "IntOrString is a type that can hold an int32 or a string.",
      format: "int-or-string",
      oneOf: [{ type: "integer" }, { type: "string" }],
      "x-kubernetes-int-or-string": true,
    },
    v2: { description: "IntOrString is a type that can hold an int32 or a string.", format: "int-or-string", type: "string" },
  },
  [QUANTITY]: {
    v3: { description: "Quantity is a fixed-point number with an optional SI or binary suffix: 100m, 1Gi, 2.", oneOf: [{ type: "string" }, { type: "number" }] },
    v2: { description: "Quantity is a fixed-point number with an optional SI or binary suffix: 100m, 1Gi, 2.", type: "string" },
  },
};

export function scalarDefinitions(dialect: Dialect): [string, JsonObject][] {
  return Object.entries(SCALARS).map(([name, forms]) => [name, forms[dialect]]);
}

/** A number-or-string union: an IntOrString when the number is an integer, else a Quantity. */
function scalarOf(core: ZodCore, meta: Meta): string | undefined {
  if (meta.intOrString === true) return INT_OR_STRING;
  if (core._zod.def.type !== "union") return undefined;
  const options = core._zod.def.options.map((o) => unwrap(o).core);
  const number = options.find((o) => o._zod.def.type === "number");
  if (options.length !== 2 || !number || !options.some((o) => o._zod.def.type === "string")) return undefined;
  return numberFormat(number)?.includes("int") ? INT_OR_STRING : QUANTITY;
}

/** Description and x-kubernetes-* extensions that a schema's metadata asks for. */
function annotations(meta: Meta): JsonObject {
  const out: JsonObject = {};
  if (typeof meta.description === "string") out.description = meta.description;
  for (const [key, extension] of EXTENSIONS) {
    const value = meta[key];
    if (typeof value === "string") out[extension] = value;
    else if (Array.isArray(value)) out[extension] = value.filter((v): v is string => typeof v === "string");
  }
  return out;
}

/** The schema at a use site (property, list item, map value): a $ref when the schema is named. */
export function siteSchema(node: ZodNode, em: Emitter, depth = 0): JsonObject {
  const { core, wrapperMeta, nullable, defaultValue } = unwrap(node);
  const extras: JsonObject = {};
  if (nullable) extras[em.dialect === "v3" ? "nullable" : "x-nullable"] = true;
  if (defaultValue !== undefined) extras.default = defaultValue as Json;
  const name = em.catalog.nameOf(core);
  if (!name) return { ...inlineSchema(core, em, depth, wrapperMeta), ...extras };

  em.refs.add(name);
  Object.assign(extras, annotations(wrapperMeta));
  // A clone described for this use (`podSpec.describe("...")`) keeps its own words here.
  const own = metaOf(core).description;
  const definition = em.catalog.definitions.get(name);
  if (extras.description === undefined && typeof own === "string" && definition && own !== metaOf(definition.node).description) {
    extras.description = own;
  }
  const ref = refTo(name, em.dialect);
  if (Object.keys(extras).length === 0) return ref;
  // OpenAPI 3.0 ignores siblings of $ref, so Kubernetes wraps the reference in allOf.
  return em.dialect === "v3" ? { allOf: [ref], ...extras } : { ...ref, ...extras };
}

/** A schema written out in full, with its metadata (and `outerMeta` from its wrappers, which wins). */
export function inlineSchema(core: ZodCore, em: Emitter, depth = 0, outerMeta: Meta = {}): JsonObject {
  const meta = { ...metaOf(core), ...outerMeta };
  const scalar = scalarOf(core, meta);
  if (scalar) {
    em.refs.add(scalar);
    // The field says int-or-string itself too, as custom resource schemas do.
    const extras = { ...(scalar === INT_OR_STRING ? { "x-kubernetes-int-or-string": true } : {}), ...annotations(meta) };
    return em.dialect === "v3" ? { allOf: [refTo(scalar, em.dialect)], ...extras } : { ...refTo(scalar, em.dialect), ...extras };
  }
  const body = depth > MAX_DEPTH ? {} : shapeOf(core, em, depth);
  if (typeof meta.format === "string") body.format = meta.format;
  return { ...body, ...annotations(meta) };
}

function shapeOf(core: ZodCore, em: Emitter, depth: number): JsonObject {
  const def = core._zod.def;
  const site = (node: ZodNode) => siteSchema(node, em, depth + 1);
  switch (def.type) {
    case "string": {
      const format = STRING_FORMATS[stringFormat(core) ?? ""];
      return format ? { type: "string", format } : { type: "string" };
    }
    case "template_literal":
      return { type: "string" };
    case "number":
      return numberShape(numberFormat(core));
    case "bigint":
      return { type: "integer", format: "int64" };
    case "boolean":
      return { type: "boolean" };
    case "date":
      return { type: "string", format: "date-time" };
    case "literal":
      return enumShape(def.values);
    case "enum":
      return enumShape(Object.values(def.entries));
    case "array":
      return { type: "array", items: site(def.element) };
    case "tuple":
      return { type: "array", items: {} };
    case "record":
      return { type: "object", additionalProperties: site(def.valueType) };
    case "object":
      return objectShape(def, em, site);
    case "union":
      return unionShape(def.options, em, site);
    case "intersection":
      return { allOf: [site(def.left), site(def.right)] };
    default:
      // any, unknown, custom, transform...: no shape to describe.
      return {};
  }
}

function numberShape(format: string | undefined): JsonObject {
  if (format === "int32") return { type: "integer", format: "int32" };
  if (format?.includes("int")) return { type: "integer", format: "int64" };
  if (format === "float32") return { type: "number", format: "float" };
  return { type: "number", format: "double" };
}

function enumShape(values: readonly unknown[]): JsonObject {
  const primitives = values.filter((v): v is string | number | boolean => ["string", "number", "boolean"].includes(typeof v));
  const types = new Set(primitives.map((v) => typeof v));
  const type = types.size === 1 ? [...types][0] : undefined;
  return type ? { type, enum: primitives } : { enum: primitives };
}

function objectShape(def: z.core.$ZodObjectDef, em: Emitter, site: (n: ZodNode) => JsonObject): JsonObject {
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const [field, child] of Object.entries(def.shape)) {
    properties[field] = site(child);
    if (!isOptional(child)) required.push(field);
  }
  const out: JsonObject = { type: "object" };
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (required.length > 0) out.required = required;
  const catchall = def.catchall ? unwrap(def.catchall).core._zod.def.type : "never";
  if (catchall === "unknown" || catchall === "any") {
    if (em.dialect === "v3") out["x-kubernetes-preserve-unknown-fields"] = true;
  } else if (def.catchall && catchall !== "never") {
    out.additionalProperties = site(def.catchall);
  }
  return out;
}

function unionShape(options: readonly ZodNode[], em: Emitter, site: (n: ZodNode) => JsonObject): JsonObject {
  const cores = options.map((o) => unwrap(o).core);
  const types = cores.map((c) => c._zod.def.type);
  if (types.every((t) => t === "literal" || t === "enum")) {
    return enumShape(cores.flatMap((c) => (c._zod.def.type === "literal" ? c._zod.def.values : c._zod.def.type === "enum" ? Object.values(c._zod.def.entries) : [])));
  }
  return em.dialect === "v3" ? { anyOf: options.map(site) } : {};
}
