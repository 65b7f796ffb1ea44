// Strategic merge patch (application/strategic-merge-patch+json) as kube-apiserver applies it
// (k8s.io/apimachinery/pkg/util/strategicpatch StrategicMergeMapPatch): maps merge recursively
// and `null` deletes; lists tagged with the merge strategy merge by their merge key, others are
// replaced; and the directives kubectl's patches carry:
//   {"$patch": "replace" | "delete"}               on a map or a list item
//   "$setElementOrder/<list>": [...]                the order of the resulting list
//   "$deleteFromPrimitiveList/<list>": [...]        items to drop from a primitive merge list
//   "$retainKeys": [...]                            keys to keep in a map (clear the others)
// kubectl apply (three-way patch), edit, set, rollout restart and patch send this.
import type { z } from "zod";
import { clone, isObject, jsonType, own, setOwn } from "./json";
import { describe, elementSchema, fieldSchema, type SchemaNode } from "./schemawalk";
import { elementKind, mergeSlice, order, render } from "./strategiclist";
import { badRequest, fail, ok, type JsonObject, type PatchResult, type Result } from "./types";

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ORDER = "$setElementOrder";
const DELETE_FROM_LIST = "$deleteFromPrimitiveList";

/** Apply a strategic merge `patch` (the decoded body) to a copy of `original`, whose kind's schema is `schema`. */
export function strategicMergePatch(original: unknown, patch: unknown, schema: z.ZodType | undefined): PatchResult {
  if (!isObject(patch)) return badRequest(`json: cannot unmarshal ${jsonType(patch)} into Go value of type map[string]interface {}`);
  return mergeMap(isObject(original) ? clone(original) : {}, clone(patch), describe(schema));
}

interface Strategy {
  merge: boolean;
  replace: boolean;
  mergeKey: string;
}

function strategyOf(node: SchemaNode): Strategy {
  const parts = (node.meta.patchStrategy ?? "").split(",");
  return { merge: parts.includes("merge"), replace: parts.includes("replace"), mergeKey: node.meta.patchMergeKey ?? "" };
}

const childNode = (node: SchemaNode, key: string) => describe(fieldSchema(node, key));

/** Merge `patch` into `original` (both owned by the caller and mutated). */
function mergeMap(original: JsonObject, patch: JsonObject, node: SchemaNode): Result<JsonObject> {
  if (Object.hasOwn(patch, DIRECTIVE)) return mapDirective(patch);
  const retained = applyRetainKeys(original, patch);
  if (!retained.ok) return retained;
  const ordered = applySetElementOrder(original, patch, node);
  if (!ordered.ok) return ordered;
  for (const [rawKey, value] of Object.entries(patch)) {
    const deleteList = rawKey.startsWith(DELETE_FROM_LIST);
    const key = deleteList ? listKey(rawKey, DELETE_FROM_LIST) : rawKey;
    if (key === undefined) return badRequest("invalid patch format of primitive list");
    const merged = mergeField(own(original, key), value, childNode(node, key), deleteList);
    if (!merged.ok) return merged;
    if (merged.value === undefined) delete original[key];
    else setOwn(original, key, merged.value);
  }
  return ok(original);
}

/** A whole map replaced (`$patch: replace`) or deleted (`$patch: delete`). */
function mapDirective(patch: JsonObject): Result<JsonObject> {
  const directive = patch[DIRECTIVE];
  if (directive === "replace") {
    delete patch[DIRECTIVE];
    return ok(patch);
  }
  if (directive === "delete") return ok({});
  return badRequest(`unknown patch type: ${String(directive)} in map: ${render(patch)}`);
}

/** The merged value of one field; undefined removes it. */
function mergeField(current: unknown, value: unknown, node: SchemaNode, deleteList: boolean): Result<unknown> {
  if (value === null) return ok(undefined);
  // Deleting from a list that is not there leaves nothing to do (Kubernetes would store the
  // deletion list itself as the list's value).
  if (current === undefined && deleteList) return ok(undefined);
  // A field the original lacks takes the patch's value, with its directives applied to an empty
  // value so that none of them ends up stored.
  const base = current === undefined ? emptyLike(value) : current;
  if (jsonType(base) !== jsonType(value)) return ok(value);
  const strategy = strategyOf(node);
  if (isObject(base) && isObject(value)) return strategy.replace ? ok(value) : mergeMap(base, value, node);
  if (Array.isArray(base) && Array.isArray(value)) return mergeList(base, value, node, deleteList);
  return ok(value);
}

function emptyLike(value: unknown): unknown {
  if (isObject(value)) return {};
  return Array.isArray(value) ? [] : value;
}

function mergeList(original: unknown[], patch: unknown[], node: SchemaNode, deleteList: boolean): Result<unknown[]> {
  const strategy = strategyOf(node);
  if (!strategy.merge) return ok(patch);
  const itemNode = describe(elementSchema(node));
  return mergeSlice(original, patch, {
    mergeKey: strategy.mergeKey,
    deleteList,
    mergeItem: (o, p) => mergeMap(o, p, itemNode),
  });
}

/** `$retainKeys`: clear the original's keys that are not listed; the patch may only set listed keys. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): Result<void> {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return ok(undefined);
  const keep = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keep)) return badRequest("invalid patch format of retainKeys");
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_LIST) || k.startsWith(SET_ORDER)) continue;
    if (!keep.includes(k)) return badRequest("invalid patch format of retainKeys");
  }
  for (const k of Object.keys(original)) if (!keep.includes(k)) delete original[k];
  return ok(undefined);
}

/**
 * `$setElementOrder/<list>`: merge the list (if the patch carries it) and put the result in the
 * given order; items the order does not name (server-only items) keep their place relative to it.
 */
function applySetElementOrder(original: JsonObject, patch: JsonObject, node: SchemaNode): Result<void> {
  for (const rawKey of Object.keys(patch).filter((k) => k.startsWith(SET_ORDER))) {
    const setOrder = patch[rawKey];
    delete patch[rawKey];
    const key = listKey(rawKey, SET_ORDER);
    if (key === undefined || !Array.isArray(setOrder)) return badRequest("invalid patch format of setElementOrder list");
    const current = own(original, key);
    const listPatch = own(patch, key);
    if (current === undefined && listPatch === undefined) continue;
    if ((current !== undefined && !Array.isArray(current)) || (listPatch !== undefined && !Array.isArray(listPatch))) {
      return badRequest(`expected a []interface {}, but received a ${jsonType(current === undefined ? listPatch : current)}`);
    }
    const ordered = orderList(current ?? [], listPatch, setOrder, childNode(node, key));
    if (!ordered.ok) return ordered;
    setOwn(original, key, ordered.value);
    delete patch[key];
  }
  return ok(undefined);
}

function orderList(current: unknown[], listPatch: unknown[] | undefined, setOrder: unknown[], node: SchemaNode): Result<unknown[]> {
  const { mergeKey } = strategyOf(node);
  const valid = validateSetOrder(listPatch ?? [], setOrder, mergeKey);
  if (!valid.ok) return valid;
  const merged = listPatch === undefined ? ok(current) : mergeField(current, listPatch, node, false);
  if (!merged.ok) return merged;
  const items = merged.value as unknown[];
  const kind = elementKind(current, listPatch ?? []);
  if (!kind.ok) return kind;
  return order(items, setOrder, current, kind.value === "object" ? mergeKey : "");
}

/** The patch's items (deletions aside) must appear in the `$setElementOrder` list, in its order. */
function validateSetOrder(listPatch: unknown[], setOrder: unknown[], mergeKey: string): Result<void> {
  const items = mergeKey ? listPatch.filter((v) => !(isObject(v) && v[DIRECTIVE] === "delete")) : listPatch;
  let p = 0;
  for (let s = 0; p < items.length && s < setOrder.length; s++) {
    while (p < items.length && isObject(items[p]) && Object.hasOwn(items[p] as JsonObject, DIRECTIVE)) p++;
    if (p < items.length && sameItem(items[p], setOrder[s], mergeKey)) p++;
  }
  if (p < items.length) {
    return fail("BadRequest", `The order in patch list:\n${render(listPatch)}\n doesn't match ${SET_ORDER} list:\n${render(setOrder)}\n`);
  }
  return ok(undefined);
}

function sameItem(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  return isObject(a) && isObject(b) && a[mergeKey] === b[mergeKey];
}

/** `<prefix>/<field>` → field, or undefined when malformed. */
function listKey(rawKey: string, prefix: string): string | undefined {
  const slash = rawKey.indexOf("/");
  return slash < 0 || rawKey.slice(0, slash) !== prefix ? undefined : rawKey.slice(slash + 1);
}
