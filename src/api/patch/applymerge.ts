// Merging an applied configuration into the live object (structured-merge-diff's
// TypedValue.Merge with "keep the right-hand side"): maps merge by key, map-lists and sets
// merge by item name, atomic lists and maps and scalars are replaced by the configuration's.
//
// Order of merged lists, as structured-merge-diff keeps it: items only on the server stay where
// they were, items of the configuration follow the configuration's order, and a new item goes
// right after the configuration item it follows.
import { clone, isObject } from "./json";
import { fieldElement, type FieldPath } from "./fieldset";
import type { SchemaNode } from "./schemawalk";
import { fieldNode, isAtomic, listItems, typedAt, type Item, type Typed } from "./typed";
import { ok, type JsonObject, type Result } from "./types";

/** `live` with `config` merged in. Duplicate or unkeyed items in `config` are errors. */
export function mergeApplied(live: unknown, config: unknown, node: SchemaNode): Result<unknown> {
  return mergeAt(live, config, node, []);
}

function mergeAt(l: unknown, r: unknown, node: SchemaNode, path: FieldPath): Result<unknown> {
  if (r === undefined) return ok(l);
  const t = typedAt(node, r);
  if (t.kind === "scalar" || isAtomic(t) || (isEmptyish(l) && isEmptyish(r))) return ok(clone(r));
  if (t.kind === "list") return Array.isArray(r) ? mergeLists(Array.isArray(l) ? l : [], r, t, path) : ok(clone(r));
  return isObject(r) ? mergeMaps(isObject(l) ? l : {}, r, t, path) : ok(clone(r));
}

function isEmptyish(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) ? Object.keys(v).length === 0 : v === undefined || v === null;
}

function mergeMaps(l: JsonObject, r: JsonObject, t: Extract<Typed, { kind: "map" }>, path: FieldPath): Result<unknown> {
  const out: JsonObject = {};
  for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
    // An explicit null in the configuration unsets the field, as decoding into Go types does.
    if (Object.hasOwn(r, k) && r[k] === null) continue;
    const merged = mergeAt(Object.hasOwn(l, k) ? l[k] : undefined, Object.hasOwn(r, k) ? r[k] : undefined, fieldNode(t, k), [...path, fieldElement(k)]);
    if (!merged.ok) return merged;
    if (merged.value !== undefined) out[k] = merged.value;
  }
  return ok(out);
}

function mergeLists(l: unknown[], r: unknown[], t: Extract<Typed, { kind: "list" }>, path: FieldPath): Result<unknown> {
  const right = listItems(r, t, path, true);
  if (!right.ok) return right;
  const left = listItems(l, t, path, false);
  if (!left.ok) return left;
  const order = mergeOrder(left.value, right.value);
  const out: unknown[] = [];
  for (const step of order) {
    const merged = mergeAt(step.live, step.config, t.item, [...path, step.pe]);
    if (!merged.ok) return merged;
    if (merged.value !== undefined) out.push(merged.value);
  }
  return ok(out);
}

interface Step {
  pe: string;
  live: unknown;
  config: unknown;
}

/**
 * The sequence of merged items. Walks both lists at once: equal names merge; a server item the
 * configuration also names waits until the configuration reaches it, unless it is the next
 * shared item; a server-only item is emitted in place; otherwise the next configuration item is.
 */
function mergeOrder(left: Item[], right: Item[]): Step[] {
  const inRight = new Map(right.map((i) => [i.pe, i.value]));
  const inLeft = firstOccurrences(left);
  const shared = right.filter((i) => inLeft.has(i.pe)).map((i) => i.pe);
  let next = shared.shift();
  const done = new Set<string>();
  const steps: Step[] = [];
  const take = (pe: string) => {
    done.add(pe);
    steps.push({ pe, live: inLeft.get(pe) ?? undefined, config: inRight.get(pe) });
  };
  let li = 0;
  let ri = 0;
  while (li < left.length || ri < right.length) {
    if (li < left.length && ri < right.length) {
      const pe = left[li].pe;
      if (pe === right[ri].pe) {
        take(pe);
        li++;
        ri++;
        next = shared.shift();
        continue;
      }
      if (inRight.has(pe) && next !== undefined && next !== pe) {
        li++;
        continue;
      }
    }
    if (li < left.length) {
      const { pe, value } = left[li];
      if (!inRight.has(pe)) {
        steps.push({ pe, live: value, config: undefined });
        li++;
        continue;
      }
      if (done.has(pe)) li++;
    }
    if (ri < right.length) {
      const pe = right[ri].pe;
      take(pe);
      ri++;
      if (next === pe) next = shared.shift();
    }
  }
  return steps;
}

/** Live items by name; a name given to several items maps to null, which the configuration's item replaces. */
function firstOccurrences(items: Item[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const { pe, value } of items) out.set(pe, out.has(pe) ? null : value);
  return out;
}
