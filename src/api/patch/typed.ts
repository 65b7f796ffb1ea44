// Objects seen through their schema the way server-side apply sees them (structured-merge-diff's
// "typed values"): every position is a scalar, a map (a struct or a string-keyed map, granular or
// atomic) or a list (atomic, a set of scalars, or a map-list keyed by listMapKeys). Where the
// schema says nothing (unknown, any, a union of structures), the value decides: objects are
// granular maps, arrays are atomic, anything else is a scalar.
//
// This module turns values into field sets (ToFieldSet), removes paths from values
// (RemoveItems), and names list items (the k:/v: path elements).
import { describe, elementSchema, fieldSchema, isDeclaredField, type SchemaNode } from "./schemawalk";
import { emptySet, fieldElement, fieldName, indexElement, insert, keyElement, pathString, valueElement, type FieldPath, type FieldSet } from "./fieldset";
import { isObject, own } from "./json";
import { badRequest, ok, type JsonObject, type Result } from "./types";

export type Typed =
  | { kind: "scalar" }
  | { kind: "map"; atomic: boolean; node: SchemaNode }
  | { kind: "list"; relationship: "atomic" | "set" | "map"; keys: string[]; item: SchemaNode };

/** How to treat `value` (a sample of the position; either side of a comparison) at `node`. */
export function typedAt(node: SchemaNode, value: unknown): Typed {
  const shape = node.shape.kind === "any" ? deduce(value) : node.shape.kind;
  const fits = value === undefined || value === null || (shape === "array" ? Array.isArray(value) : shape === "scalar" || isObject(value));
  if (!fits) return { kind: "scalar" };
  if (shape === "object" || shape === "record") return { kind: "map", atomic: node.meta.mapType === "atomic", node };
  if (shape !== "array") return { kind: "scalar" };
  if (node.shape.kind === "any") return { kind: "list", relationship: "atomic", keys: [], item: describe(undefined) };
  return { kind: "list", ...listRelationship(node), item: describe(elementSchema(node)) };
}

function deduce(value: unknown): "object" | "array" | "scalar" {
  if (Array.isArray(value)) return "array";
  return isObject(value) ? "object" : "scalar";
}

/** x-kubernetes-list-type, or what the patch strategy implies when a list only carries that. */
function listRelationship(node: SchemaNode): { relationship: "atomic" | "set" | "map"; keys: string[] } {
  const { listType, listMapKeys, patchMergeKey, patchStrategy } = node.meta;
  const keys = listMapKeys ?? (patchMergeKey ? [patchMergeKey] : []);
  if (listType) return { relationship: listType, keys };
  if (patchStrategy?.split(",").includes("merge")) return { relationship: patchMergeKey ? "map" : "set", keys };
  return { relationship: "atomic", keys };
}

/** The node of field `name` in a map position. */
export function fieldNode(t: Extract<Typed, { kind: "map" }>, name: string): SchemaNode {
  return describe(fieldSchema(t.node, name));
}

export interface Item {
  pe: string;
  value: unknown;
}

/**
 * Name each item of a non-atomic list. `strict` (for applied configurations) makes a missing key
 * or a duplicate an error, as structured-merge-diff does; stored objects get an index instead so
 * that an odd live object never blocks a write.
 */
export function listItems(list: unknown[], t: Extract<Typed, { kind: "list" }>, path: FieldPath, strict: boolean): Result<Item[]> {
  const items: Item[] = [];
  const seen = new Set<string>();
  for (const [i, value] of list.entries()) {
    const pe = itemElement(value, t);
    if (!pe.ok && strict) return badRequest(`${pathString(path)}: element ${i}: ${pe.error.message}`);
    const name = pe.ok ? pe.value : indexElement(i);
    if (strict && seen.has(name)) return badRequest(`${pathString(path)}: duplicate entries for key ${pathString([name])}`);
    seen.add(name);
    items.push({ pe: name, value });
  }
  return ok(items);
}

function itemElement(value: unknown, t: Extract<Typed, { kind: "list" }>): Result<string> {
  if (t.relationship !== "map") return ok(valueElement(value));
  if (!isObject(value)) return badRequest("associative list with keys has an element that is not a map type");
  const key: JsonObject = {};
  for (const [i, name] of t.keys.entries()) {
    // A key field left out takes its schema default (a port's protocol is "TCP").
    const v = own(value, name) ?? describe(fieldSchema(t.item, name)).defaultValue;
    if (v !== undefined) key[name] = v;
    else if (i === 0) return badRequest(`associative list with keys has an element that omits key field ${JSON.stringify(name)} (and doesn't have default value)`);
  }
  return ok(keyElement(key));
}

/** The set of paths `value` sets (structured-merge-diff's ToFieldSet). */
export function toFieldSet(value: unknown, node: SchemaNode, strict: boolean): Result<FieldSet> {
  const set = emptySet();
  const walked = walkSet(value, node, [], set, strict);
  return walked.ok ? ok(set) : walked;
}

function walkSet(value: unknown, node: SchemaNode, path: FieldPath, set: FieldSet, strict: boolean): Result<void> {
  const t = typedAt(node, value);
  if (t.kind === "scalar" || isAtomic(t)) {
    insert(set, path);
    return ok(undefined);
  }
  if (t.kind === "list") {
    if (!Array.isArray(value)) return ok(undefined);
    const items = listItems(value, t, path, strict);
    if (!items.ok) return items;
    const dup = duplicates(items.value);
    for (const { pe, value: item } of items.value) {
      const p = [...path, pe];
      if (!dup.has(pe)) {
        const r = walkSet(item, t.item, p, set, strict);
        if (!r.ok) return r;
      }
      insert(set, p);
    }
    return ok(undefined);
  }
  if (!isObject(value)) return ok(undefined);
  for (const [k, v] of Object.entries(value)) {
    const p = [...path, fieldElement(k)];
    const r = walkSet(v, fieldNode(t, k), p, set, strict);
    if (!r.ok) return r;
    // Maps record the entry itself when it is empty, null, or not a declared struct field.
    if (v === null || (isObject(v) && Object.keys(v).length === 0) || !isDeclaredField(t.node, k)) insert(set, p);
  }
  return ok(undefined);
}

export function isAtomic(t: Exclude<Typed, { kind: "scalar" }>): boolean {
  return t.kind === "map" ? t.atomic : t.relationship === "atomic";
}

/** Path elements that name more than one item of a list. */
export function duplicates(items: Item[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const { pe } of items) (seen.has(pe) ? dup : seen).add(pe);
  return dup;
}

/**
 * `value` without the paths in `set` (structured-merge-diff's RemoveItems). A map or list that
 * the removal empties is itself dropped (undefined), as Kubernetes then omits it.
 */
export function removeItems(value: unknown, set: FieldSet, node: SchemaNode): unknown {
  const t = typedAt(node, value);
  if (t.kind === "scalar" || isAtomic(t)) return value;
  if (t.kind === "list") {
    if (!Array.isArray(value) || value.length === 0) return value;
    const items = listItems(value, t, [], false);
    if (!items.ok) return value;
    const kept: unknown[] = [];
    for (const { pe, value: item } of items.value) {
      if (set.members.has(pe)) continue;
      const below = set.children.get(pe);
      kept.push(below ? (removeItems(item, below, t.item) ?? {}) : item);
    }
    return kept.length ? kept : undefined;
  }
  if (!isObject(value) || Object.keys(value).length === 0) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const pe = fieldElement(k);
    if (set.members.has(pe)) continue;
    const below = set.children.get(pe);
    const next = below ? removeItems(v, below, fieldNode(t, k)) : v;
    if (next !== undefined) out[k] = next;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * `set` plus, as members, every struct field that has paths below it (structured-merge-diff's
 * EnsureNamedFieldsAreMembers), so that pruning can remove a whole struct nobody owns any more.
 */
export function withNamedFields(set: FieldSet, node: SchemaNode): FieldSet {
  const out: FieldSet = { members: new Set(set.members), children: new Map() };
  for (const [pe, child] of set.children) {
    const name = fieldName(pe);
    if (name !== undefined && isDeclaredField(node, name)) out.members.add(pe);
    const childSchema = name !== undefined ? fieldSchema(node, name) : elementSchema(node);
    out.children.set(pe, withNamedFields(child, describe(childSchema)));
  }
  return out;
}
