// Navigating a kind's zod schema the way the patch engines need it: from an object to one of its
// fields, from a list or map to its elements, collecting the patch metadata (`.meta()`, see
// apis/patchmeta.ts) on the way. Wrappers (optional, nullable, default, lazy, pipe, readonly...)
// are looked through, and their metadata merged, because `.meta()` sits on whichever layer the
// schema author put it and zod does not carry it across `.optional()`.
import { z } from "zod";
import { readPatchMeta, type PatchMeta } from "../../apis/patchmeta";

/** What a schema position holds once the wrappers are removed. */
export type SchemaShape =
  | { kind: "object"; schema: z.ZodObject }
  | { kind: "record"; schema: z.ZodRecord }
  | { kind: "array"; schema: z.ZodArray }
  | { kind: "scalar" }
  /** No usable type information (absent, unknown, any, a union of structures...): follow the value. */
  | { kind: "any" };

export interface SchemaNode {
  shape: SchemaShape;
  meta: PatchMeta;
  /** A default from `.default(v)` or `.meta({ default: v })` (as OpenAPI carries it). */
  defaultValue?: unknown;
}

const SCALARS = new Set(["string", "number", "int", "boolean", "bigint", "enum", "literal", "null", "date", "template_literal", "nan"]);

const UNTYPED: SchemaNode = { shape: { kind: "any" }, meta: {} };
const described = new WeakMap<z.ZodType, SchemaNode>();

/** Describe `schema` (which may be undefined: untyped). Results are cached per schema object. */
export function describe(schema: z.ZodType | undefined): SchemaNode {
  if (!schema) return UNTYPED;
  let node = described.get(schema);
  if (!node) described.set(schema, (node = describeUncached(schema)));
  return node;
}

function describeUncached(schema: z.ZodType): SchemaNode {
  let meta: PatchMeta = {};
  let defaultValue: unknown;
  for (let s = schema, depth = 0; s && depth < 32; depth++) {
    meta = { ...patchMetaOf(s), ...meta };
    const d = directDefault(s);
    if (defaultValue === undefined) defaultValue = d;
    const inner = unwrapOnce(s);
    if (!inner) return { shape: shapeOf(s), meta, defaultValue };
    s = inner;
  }
  return { shape: { kind: "any" }, meta, defaultValue };
}

/** The schema of field `name` of an object or record position; undefined when unknown. */
export function fieldSchema(node: SchemaNode, name: string): z.ZodType | undefined {
  if (node.shape.kind === "object") return node.shape.schema.shape[name] as z.ZodType | undefined;
  if (node.shape.kind === "record") return node.shape.schema.valueType as z.ZodType;
  return undefined;
}

/** True when `name` is a declared field of an object (a struct field, not a map entry). */
export function isDeclaredField(node: SchemaNode, name: string): boolean {
  return node.shape.kind === "object" && Object.hasOwn(node.shape.schema.shape, name);
}

/** The element schema of an array position. */
export function elementSchema(node: SchemaNode): z.ZodType | undefined {
  return node.shape.kind === "array" ? (node.shape.schema.element as z.ZodType) : undefined;
}

/** Metadata keys that matter to patching, read from one layer (others, like description, are dropped). */
function patchMetaOf(s: z.ZodType): PatchMeta {
  const m = readPatchMeta(s);
  if (!m) return {};
  const out: PatchMeta = {};
  if (m.patchStrategy) out.patchStrategy = m.patchStrategy;
  if (m.patchMergeKey) out.patchMergeKey = m.patchMergeKey;
  if (m.listType) out.listType = m.listType;
  if (m.listMapKeys) out.listMapKeys = m.listMapKeys;
  if (m.mapType) out.mapType = m.mapType;
  return out;
}

function directDefault(s: z.ZodType): unknown {
  if (s instanceof z.ZodDefault) return s._zod.def.defaultValue;
  const m = z.globalRegistry.get(s);
  return m && "default" in m ? m.default : undefined;
}

function unwrapOnce(s: z.ZodType): z.ZodType | undefined {
  if (
    s instanceof z.ZodOptional ||
    s instanceof z.ZodNullable ||
    s instanceof z.ZodDefault ||
    s instanceof z.ZodPrefault ||
    s instanceof z.ZodNonOptional ||
    s instanceof z.ZodReadonly ||
    s instanceof z.ZodCatch ||
    s instanceof z.ZodLazy
  ) {
    return s.unwrap() as z.ZodType;
  }
  // A pipe's input is the JSON the client sends, except after a preprocess/transform step.
  if (s instanceof z.ZodPipe) return (s.in instanceof z.ZodTransform ? s.out : s.in) as z.ZodType;
  return undefined;
}

function shapeOf(s: z.ZodType): SchemaShape {
  if (s instanceof z.ZodObject) return { kind: "object", schema: s };
  if (s instanceof z.ZodRecord) return { kind: "record", schema: s };
  if (s instanceof z.ZodArray) return { kind: "array", schema: s };
  if (s instanceof z.ZodUnion && s.options.every((o) => shapeOf(unwrapAll(o as z.ZodType)).kind === "scalar")) return { kind: "scalar" };
  return SCALARS.has(s._zod.def.type) ? { kind: "scalar" } : { kind: "any" };
}

function unwrapAll(s: z.ZodType): z.ZodType {
  let cur = s;
  for (let next = unwrapOnce(cur), depth = 0; next && depth < 32; next = unwrapOnce(cur), depth++) cur = next;
  return cur;
}
