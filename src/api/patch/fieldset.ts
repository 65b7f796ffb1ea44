// Sets of field paths, as sigs.k8s.io/structured-merge-diff/fieldpath keeps them, and their
// FieldsV1 encoding in metadata.managedFields.
//
// A path is a list of path elements, each serialized the way FieldsV1 writes it:
//   f:<name>         a field of a map or struct            f:metadata, f:labels
//   k:<json>         a map-list item by its keys            k:{"containerPort":80,"protocol":"TCP"}
//   v:<json>         a set item by its value                v:"example.com/finalizer"
//   i:<n>            an atomic-list item by index (rare)    i:0
// A set is a trie: `members` are the paths that end here, `children` continue. In FieldsV1 a
// member with children is written as {".": {}, ...children}, a member without as {}.
import { deepEqual, isObject, sortedJson } from "./json";
import { badRequest, ok, type JsonObject, type Result } from "./types";

export interface FieldSet {
  members: Set<string>;
  children: Map<string, FieldSet>;
}

export type FieldPath = readonly string[];

export const fieldElement = (name: string) => `f:${name}`;
export const keyElement = (fields: JsonObject) => `k:${sortedJson(fields)}`;
export const valueElement = (value: unknown) => `v:${sortedJson(value)}`;
export const indexElement = (i: number) => `i:${i}`;

/** The field name of an `f:` element, else undefined. */
export function fieldName(pe: string): string | undefined {
  return pe.startsWith("f:") ? pe.slice(2) : undefined;
}

export function emptySet(): FieldSet {
  return { members: new Set(), children: new Map() };
}

/** Add `path` to `set` (mutates; the empty path names nothing and is ignored). */
export function insert(set: FieldSet, path: FieldPath): void {
  if (path.length === 0) return;
  let node = set;
  for (const pe of path.slice(0, -1)) {
    let next = node.children.get(pe);
    if (!next) node.children.set(pe, (next = emptySet()));
    node = next;
  }
  node.members.add(path[path.length - 1]);
}

export function setOf(...paths: FieldPath[]): FieldSet {
  const s = emptySet();
  for (const p of paths) insert(s, p);
  return s;
}

export function has(set: FieldSet, path: FieldPath): boolean {
  let node: FieldSet | undefined = set;
  for (const pe of path.slice(0, -1)) node = node?.children.get(pe);
  return path.length > 0 && node !== undefined && node.members.has(path[path.length - 1]);
}

export function isEmpty(set: FieldSet): boolean {
  return set.members.size === 0 && [...set.children.values()].every(isEmpty);
}

export function union(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { members: new Set([...a.members, ...b.members]), children: new Map() };
  for (const pe of new Set([...a.children.keys(), ...b.children.keys()])) {
    const x = a.children.get(pe);
    const y = b.children.get(pe);
    out.children.set(pe, x && y ? union(x, y) : copy((x ?? y) as FieldSet));
  }
  return out;
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { members: new Set([...a.members].filter((m) => b.members.has(m))), children: new Map() };
  for (const [pe, x] of a.children) {
    const y = b.children.get(pe);
    if (y) keepNonEmpty(out, pe, intersection(x, y));
  }
  return out;
}

/** Paths of `a` not in `b` (exact paths: a member of `b` does not remove `a`'s paths below it). */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { members: new Set([...a.members].filter((m) => !b.members.has(m))), children: new Map() };
  for (const [pe, x] of a.children) {
    const y = b.children.get(pe);
    keepNonEmpty(out, pe, y ? difference(x, y) : copy(x));
  }
  return out;
}

/** Paths of `a` that are neither in `b` nor below one of `b`'s paths (fieldpath's RecursiveDifference). */
export function withoutPrefixes(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { members: new Set([...a.members].filter((m) => !b.members.has(m))), children: new Map() };
  for (const [pe, x] of a.children) {
    if (b.members.has(pe)) continue;
    const y = b.children.get(pe);
    keepNonEmpty(out, pe, y ? withoutPrefixes(x, y) : copy(x));
  }
  return out;
}

function keepNonEmpty(out: FieldSet, pe: string, child: FieldSet): void {
  if (!isEmpty(child)) out.children.set(pe, child);
}

function copy(s: FieldSet): FieldSet {
  return { members: new Set(s.members), children: new Map([...s.children].map(([pe, c]) => [pe, copy(c)])) };
}

/** Every path, in fieldpath's iteration order: at each level members first, then children, both sorted. */
export function paths(set: FieldSet, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [...set.members].sort(comparePathElements).map((pe) => [...prefix, pe]);
  for (const pe of [...set.children.keys()].sort(comparePathElements)) out.push(...paths(set.children.get(pe) as FieldSet, [...prefix, pe]));
  return out;
}

/** Path elements in fieldpath's order: fields, then keys, then values, then indexes. */
export function comparePathElements(a: string, b: string): number {
  const rank = (pe: string) => "fkvi".indexOf(pe[0]);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const x = a.slice(2);
  const y = b.slice(2);
  if (a[0] === "f") return x < y ? -1 : x > y ? 1 : 0;
  if (a[0] === "i") return Number(x) - Number(y);
  return compareValues(JSON.parse(x), JSON.parse(y));
}

/** structured-merge-diff's total order on values: numbers < strings < booleans < lists < maps < null. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (typeof v === "number" ? 0 : typeof v === "string" ? 1 : typeof v === "boolean" ? 2 : Array.isArray(v) ? 3 : isObject(v) ? 4 : 5);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (deepEqual(a, b)) return 0;
  if (typeof a === "number" || typeof a === "string" || typeof a === "boolean") return a < (b as typeof a) ? -1 : 1;
  if (Array.isArray(a) && Array.isArray(b)) return compareLists(a, b);
  if (isObject(a) && isObject(b)) return compareLists(Object.entries(a).sort(), Object.entries(b).sort());
  return 0;
}

function compareLists(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** FieldsV1 JSON for a set (the value of managedFields[].fieldsV1). */
export function toFieldsV1(set: FieldSet): JsonObject {
  const out: JsonObject = {};
  const elements = [...new Set([...set.members, ...set.children.keys()])].sort(comparePathElements);
  for (const pe of elements) {
    const child = set.children.get(pe);
    if (!child || isEmpty(child)) out[pe] = {};
    else out[pe] = set.members.has(pe) ? { ".": {}, ...toFieldsV1(child) } : toFieldsV1(child);
  }
  return out;
}

/** Parse FieldsV1 JSON. Unknown element types are dropped, as structured-merge-diff does. */
export function fromFieldsV1(fields: unknown): Result<FieldSet> {
  const parsed = readNode(fields);
  return parsed.ok ? ok(parsed.value.set) : parsed;
}

function readNode(node: unknown): Result<{ set: FieldSet; member: boolean }> {
  if (!isObject(node)) return badRequest(`FieldsV1: expected an object, got ${sortedJson(node)}`);
  const set = emptySet();
  let member = false;
  let children = 0;
  for (const [key, value] of Object.entries(node)) {
    if (key === ".") {
      member = true;
      continue;
    }
    const pe = canonicalElement(key);
    if (!pe.ok) return pe;
    if (pe.value === undefined) continue;
    const child = readNode(value);
    if (!child.ok) return child;
    children++;
    if (child.value.member) set.members.add(pe.value);
    if (!isEmpty(child.value.set)) set.children.set(pe.value, child.value.set);
  }
  return ok({ set, member: member || children === 0 });
}

/** A FieldsV1 key rewritten canonically (JSON with sorted keys), undefined for unknown types. */
function canonicalElement(key: string): Result<string | undefined> {
  if (key.length < 2 || key[1] !== ":") return badRequest(`FieldsV1: invalid path element ${JSON.stringify(key)}`);
  const body = key.slice(2);
  switch (key[0]) {
    case "f":
      return ok(key);
    case "i":
      return /^-?\d+$/.test(body) ? ok(indexElement(Number(body))) : badRequest(`FieldsV1: invalid index ${JSON.stringify(key)}`);
    case "k":
    case "v": {
      const value = parseJson(body);
      if (value === undefined || (key[0] === "k" && !isObject(value))) return badRequest(`FieldsV1: invalid path element ${JSON.stringify(key)}`);
      return ok(key[0] === "k" ? keyElement(value as JsonObject) : valueElement(value));
    }
    default:
      return ok(undefined);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A path as Kubernetes prints it in conflicts: .spec.containers[name="nginx"].image */
export function pathString(path: FieldPath): string {
  return path.map(elementString).join("");
}

function elementString(pe: string): string {
  const body = pe.slice(2);
  switch (pe[0]) {
    case "f":
      return `.${body}`;
    case "k":
      return `[${Object.entries(JSON.parse(body) as JsonObject)
        .map(([k, v]) => `${k}=${valueString(v)}`)
        .join(",")}]`;
    case "v":
      return `[=${valueString(JSON.parse(body))}]`;
    default:
      return `[${body}]`;
  }
}

function valueString(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : sortedJson(v);
}
