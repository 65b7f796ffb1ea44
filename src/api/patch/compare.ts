// Which paths changed between two versions of an object (structured-merge-diff's
// TypedValue.Compare): the basis of ownership. A manager that writes a change owns the added
// and modified paths; removed paths leave every manager's set.
//
// Scalars, atomic maps and lists, and containers empty on both sides are leaves. Inside a
// granular container every child is compared, and the container itself is added or removed
// when one side lacks it entirely, which is why a new map shows up as {".": {}, ...} in
// managedFields.
import { deepEqual, isObject } from "./json";
import { emptySet, fieldElement, insert, type FieldPath, type FieldSet } from "./fieldset";
import type { SchemaNode } from "./schemawalk";
import { fieldNode, isAtomic, listItems, typedAt, type Item, type Typed } from "./typed";

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

/** Compare `lhs` (before; undefined when absent) with `rhs` (after). */
export function compare(lhs: unknown, rhs: unknown, node: SchemaNode): Comparison {
  const cmp: Comparison = { added: emptySet(), removed: emptySet(), modified: emptySet() };
  walk(lhs, rhs, node, [], cmp);
  return cmp;
}

function walk(l: unknown, r: unknown, node: SchemaNode, path: FieldPath, cmp: Comparison): void {
  const t = typedAt(node, r === undefined ? l : r);
  if (isLeaf(t, l, r)) {
    leaf(l, r, path, cmp);
    return;
  }
  if (t.kind === "list") compareLists(asList(l), asList(r), t, path, cmp);
  else if (t.kind === "map") compareMaps(l, r, t, path, cmp);
  if (l === undefined) insert(cmp.added, path);
  else if (r === undefined) insert(cmp.removed, path);
}

function isLeaf(t: Typed, l: unknown, r: unknown): boolean {
  if (t.kind === "scalar" || isAtomic(t)) return true;
  // A change of shape (a list becoming a map...) is a change of the whole value.
  if (l !== undefined && r !== undefined && l !== null && r !== null && Array.isArray(l) !== Array.isArray(r)) return true;
  return isEmptyish(l) && isEmptyish(r);
}

function isEmptyish(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) ? Object.keys(v).length === 0 : true;
}

function leaf(l: unknown, r: unknown, path: FieldPath, cmp: Comparison): void {
  if (l === undefined) insert(cmp.added, path);
  else if (r === undefined) insert(cmp.removed, path);
  else if (!deepEqual(l, r)) insert(cmp.modified, path);
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function compareMaps(l: unknown, r: unknown, t: Extract<Typed, { kind: "map" }>, path: FieldPath, cmp: Comparison): void {
  const lm = isObject(l) ? l : {};
  const rm = isObject(r) ? r : {};
  for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
    walk(Object.hasOwn(lm, k) ? lm[k] : undefined, Object.hasOwn(rm, k) ? rm[k] : undefined, fieldNode(t, k), [...path, fieldElement(k)], cmp);
  }
}

function compareLists(l: unknown[], r: unknown[], t: Extract<Typed, { kind: "list" }>, path: FieldPath, cmp: Comparison): void {
  const left = group(l, t, path);
  const right = group(r, t, path);
  for (const pe of new Set([...left.keys(), ...right.keys()])) {
    const ls = left.get(pe) ?? [];
    const rs = right.get(pe) ?? [];
    const p = [...path, pe];
    if (ls.length <= 1 && rs.length <= 1) walk(ls[0], rs[0], t.item, p, cmp);
    else if (ls.length >= 2 && rs.length >= 2) {
      // Duplicated items before and after are compared as one atomic value.
      if (!deepEqual(ls, rs)) insert(cmp.modified, p);
    } else if (ls.length >= 2) {
      if (rs.length) walk(undefined, rs[0], t.item, p, cmp);
      insert(cmp.removed, p);
    } else {
      if (ls.length) walk(ls[0], undefined, t.item, p, cmp);
      insert(cmp.added, p);
    }
  }
}

/** Items by path element, duplicates kept together. */
function group(list: unknown[], t: Extract<Typed, { kind: "list" }>, path: FieldPath): Map<string, unknown[]> {
  const items = listItems(list, t, path, false);
  const out = new Map<string, unknown[]>();
  for (const { pe, value } of items.ok ? items.value : ([] as Item[])) {
    const values = out.get(pe);
    if (values) values.push(value);
    else out.set(pe, [value]);
  }
  return out;
}
