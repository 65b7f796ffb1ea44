// Strategic merge patch, lists with the merge strategy: items matched by their merge key (or by
// value for primitive lists), `$patch: delete|replace` items, `$deleteFromPrimitiveList`, and
// the ordering rules of k8s.io/apimachinery/pkg/util/strategicpatch (mergeSlice,
// normalizeElementOrder, mergeSortedSlice): patch items keep the patch's order, items only on
// the server keep the server's, and new items go before the server items they are not known
// to follow. That is why `kubectl patch` prepends a new container.
import { isObject, jsonType } from "./json";
import { badRequest, fail, ok, type JsonObject, type Result } from "./types";

const DIRECTIVE = "$patch";

/** Merges one matched item (a map) into its original; supplied by strategic.ts. */
export type MergeItem = (original: JsonObject, patch: JsonObject) => Result<JsonObject>;

export interface ListMerge {
  mergeKey: string;
  mergeItem: MergeItem;
  /** The list came as `$deleteFromPrimitiveList/<field>`: its items are removed. */
  deleteList: boolean;
}

/** Element kind shared by every item of the given lists; errors on mixed kinds or lists of lists. */
export function elementKind(...lists: unknown[][]): Result<string | undefined> {
  let kind: string | undefined;
  for (const item of lists.flat()) {
    const k = jsonType(item);
    if (k === "array") return fail("Invalid", "lists of lists are not supported");
    if (kind !== undefined && kind !== k) return badRequest(`list element types are not identical: ${render(lists)}`);
    kind = k;
  }
  return ok(kind);
}

export function mergeSlice(original: unknown[], patch: unknown[], m: ListMerge): Result<unknown[]> {
  if (original.length === 0 && patch.length === 0) return ok(original);
  const kind = elementKind(original, patch);
  if (!kind.ok) return kind;
  if (kind.value !== "object") {
    if (m.deleteList) return ok(original.filter((v) => !patch.includes(v)));
    return order(dedupe([...original, ...patch]), patch, original, "");
  }
  if (!m.mergeKey) return badRequest("cannot merge lists without merge key for type map");
  const special = applySpecialItems(original as JsonObject[], patch as JsonObject[], m.mergeKey);
  if (!special.ok) return special;
  const [server, items] = special.value;
  const merged = mergeItems(server, items, m);
  if (!merged.ok) return merged;
  return order(merged.value, items, server, m.mergeKey);
}

/** Partition `merged` into items the patch names and server-only items, then interleave them. */
export function order(merged: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string): Result<unknown[]> {
  const inPatch = keyIndex(patchOrder, mergeKey);
  if (!inPatch.ok) return inPatch;
  const patchItems: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) {
    const k = itemKey(v, mergeKey);
    if (!k.ok) return k;
    (inPatch.value.has(k.value) ? patchItems : serverOnly).push(v);
  }
  return normalizeElementOrder(patchItems, serverOnly, patchOrder, serverOrder, mergeKey);
}

function normalizeElementOrder(patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string): Result<unknown[]> {
  const sortedPatch = sortBy(patch, patchOrder, mergeKey);
  if (!sortedPatch.ok) return sortedPatch;
  const sortedServer = sortBy(serverOnly, serverOrder, mergeKey);
  if (!sortedServer.ok) return sortedServer;
  const server = keyIndex(serverOrder, mergeKey);
  if (!server.ok) return server;
  return ok(interleave(sortedServer.value, sortedPatch.value, server.value, mergeKey));
}

/**
 * Kubernetes' mergeSortedSlice: a server item goes first only when both items are on the server
 * and it comes first there; otherwise the patch item goes first.
 */
function interleave(left: unknown[], right: unknown[], serverPos: Map<unknown, number>, mergeKey: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = serverPos.get(keyOf(left[i], mergeKey));
      const ri = serverPos.get(keyOf(right[j], mergeKey));
      if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Kubernetes' normalizeSliceOrder: stable sort by position in `order`; `$patch: delete` items last. */
function sortBy(items: unknown[], orderList: unknown[], mergeKey: string): Result<unknown[]> {
  if (mergeKey) {
    const valid = [...items, ...orderList].every((v) => isObject(v) && Object.hasOwn(v, mergeKey));
    if (!valid) return badRequest(`map does not contain declared merge key: ${mergeKey}`);
  }
  const deletes = mergeKey ? items.filter(isDeleteItem) : [];
  const rest = mergeKey ? items.filter((v) => !isDeleteItem(v)) : [...items];
  const pos = keyIndex(orderList, mergeKey);
  if (!pos.ok) return pos;
  const at = (v: unknown) => pos.value.get(keyOf(v, mergeKey));
  if (rest.every((v) => at(v) !== undefined)) {
    rest.sort((a, b) => (at(a) ?? 0) - (at(b) ?? 0));
    return ok([...rest, ...deletes]);
  }
  // Go's SliceStable is an insertion sort for short lists, and its comparator says "less" whenever
  // an item is not in the order list; follow it step by step so such items land where Go puts them.
  for (let i = 1; i < rest.length; i++) {
    for (let j = i; j > 0; j--) {
      const a = at(rest[j]);
      const b = at(rest[j - 1]);
      if (a !== undefined && b !== undefined && a >= b) break;
      [rest[j], rest[j - 1]] = [rest[j - 1], rest[j]];
    }
  }
  return ok([...rest, ...deletes]);
}

function isDeleteItem(v: unknown): boolean {
  return isObject(v) && v[DIRECTIVE] === "delete";
}

/** Kubernetes' mergeSliceWithSpecialElements: apply `$patch: delete` and `$patch: replace` items. */
function applySpecialItems(original: JsonObject[], patch: JsonObject[], mergeKey: string): Result<[JsonObject[], JsonObject[]]> {
  let server = original;
  const plain: JsonObject[] = [];
  let replace = false;
  for (const item of patch) {
    if (!Object.hasOwn(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === "delete") {
      if (!Object.hasOwn(item, mergeKey)) return badRequest(`map: ${render(item)} does not contain declared merge key: ${mergeKey}`);
      server = server.filter((v) => v[mergeKey] !== item[mergeKey]);
    } else if (directive === "replace") {
      replace = true;
    } else if (directive === "merge") {
      return badRequest("merging lists cannot yet be specified in the patch");
    } else {
      return badRequest(`unknown patch type: ${String(directive)} in map: ${render(item)}`);
    }
  }
  return ok(replace ? [plain, []] : [server, plain]);
}

function mergeItems(server: JsonObject[], items: JsonObject[], m: ListMerge): Result<unknown[]> {
  const merged: unknown[] = [...server];
  for (const item of items) {
    if (!Object.hasOwn(item, m.mergeKey)) return badRequest(`map: ${render(item)} does not contain declared merge key: ${m.mergeKey}`);
    const at = merged.findIndex((v) => isObject(v) && v[m.mergeKey] === item[m.mergeKey]);
    const next = m.mergeItem(at >= 0 ? (merged[at] as JsonObject) : {}, item);
    if (!next.ok) return next;
    if (at >= 0) merged[at] = next.value;
    else merged.push(next.value);
  }
  return ok(merged);
}

function dedupe(items: unknown[]): unknown[] {
  return items.filter((v, i) => items.indexOf(v) === i);
}

/** The identity of a list item: its merge key value for maps, itself for primitives. */
function keyOf(v: unknown, mergeKey: string): unknown {
  return mergeKey && isObject(v) ? v[mergeKey] : v;
}

function itemKey(v: unknown, mergeKey: string): Result<unknown> {
  if (!mergeKey) return ok(v);
  if (!isObject(v)) return badRequest(`expected a map[string]interface {}, but received a ${jsonType(v)}`);
  if (!Object.hasOwn(v, mergeKey)) return badRequest(`map: ${render(v)} does not contain declared merge key: ${mergeKey}`);
  return ok(v[mergeKey]);
}

/** Position of each item's key in `list` (first occurrence). */
function keyIndex(list: unknown[], mergeKey: string): Result<Map<unknown, number>> {
  const pos = new Map<unknown, number>();
  for (const [i, v] of list.entries()) {
    if (mergeKey && !isObject(v)) return badRequest(`value for key ${i} is not a map.`);
    const k = keyOf(v, mergeKey);
    if (!pos.has(k)) pos.set(k, i);
  }
  return ok(pos);
}

export function render(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}
