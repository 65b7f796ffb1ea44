// Server-side apply (application/apply-patch+yaml) as kube-apiserver's field manager does it
// (k8s.io/apimachinery/pkg/util/managedfields and sigs.k8s.io/structured-merge-diff/merge):
//
// 1. merge the applied configuration into the live object;
// 2. the manager now owns exactly the configuration's fields;
// 3. prune: fields the manager applied last time, no longer applies, and nobody else owns are
//    removed from the object;
// 4. fields of other managers whose values this changes are conflicts: a 409 listing them, or,
//    with force, they change hands;
// 5. as Kubernetes does for `kubectl apply --server-side` (manager "kubectl"), conflicts with
//    fields that still hold their client-side last-applied value are not conflicts, and the
//    last-applied annotation is kept in step with the applied configuration.
import type { z } from "zod";
import type { FieldCause, KubeObject, ManagedFieldsEntry } from "../../apis/types";
import { mergeApplied } from "./applymerge";
import { compare } from "./compare";
import { difference, emptySet, intersection, isEmpty, pathString, paths, union, withoutPrefixes, type FieldSet } from "./fieldset";
import { clone, deepEqual, isObject, sortedJson } from "./json";
import {
  changes,
  conflictsWith,
  decodeManagedFields,
  encodeManagedFields,
  ignoredFor,
  managerId,
  ownable,
  settle,
  updateManagedFields,
  withoutManagedFields,
  type ManagerEntry,
  type Managers,
} from "./managedfields";
import { describe, type SchemaNode } from "./schemawalk";
import { removeItems, toFieldSet, withNamedFields } from "./typed";
import { fail, type JsonObject, type PatchError, type Result } from "./types";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

export interface ApplyOptions {
  /** The stored object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (the decoded body). */
  applied: unknown;
  /** The fieldManager query parameter (required for apply). */
  manager: string;
  force: boolean;
  schema: z.ZodType | undefined;
  /** The group/version of the request, e.g. "apps/v1"; the configuration must use it. */
  apiVersion: string;
  /** The kind of the request; when given, the configuration must have it. */
  kind?: string;
  /** RFC 3339 time of the write. */
  now: string;
  /** "status" when applying to the status subresource. */
  subresource?: string;
}

export type ApplyResult = { ok: true; object: KubeObject; managedFields: ManagedFieldsEntry[] } | { ok: false; error: PatchError };

/** Apply a configuration: the merged object (managedFields included) and its managedFields, or why not. */
export function applyPatch(opts: ApplyOptions): ApplyResult {
  const config = checkConfig(opts);
  if (!config.ok) return config;
  const self: Omit<ManagerEntry, "set"> = { manager: opts.manager, operation: "Apply", apiVersion: opts.apiVersion };
  if (opts.subresource) self.subresource = opts.subresource;
  const run: Run = {
    id: managerId(self),
    self,
    node: describe(opts.schema),
    ignored: ignoredFor(opts.subresource),
    live: withoutManagedFields(opts.live),
    managers: startingManagers(opts),
  };
  const cfg = dropIgnored(config.value, run.ignored);
  let outcome = applyOnce(run, cfg, opts.force);
  if (outcome.kind === "conflict" && opts.manager === "kubectl") outcome = upgradeFromClientSide(run, cfg, outcome.conflicts);
  if (outcome.kind === "conflict") return { ok: false, error: conflictError(run.managers, outcome.conflicts) };
  if (outcome.kind === "error") return { ok: false, error: outcome.error };
  return finish(run, outcome, opts);
}

interface Run {
  id: string;
  self: Omit<ManagerEntry, "set">;
  node: SchemaNode;
  ignored: FieldSet;
  live: JsonObject;
  managers: Managers;
}

/**
 * The live object's managers. An object nobody manages yet (created before managedFields were
 * tracked, or stripped of them) first has all its fields given to "before-first-apply", as
 * Kubernetes does, so that the first applier cannot silently take them over.
 */
function startingManagers(opts: ApplyOptions): Managers {
  const managers = decodeManagedFields(opts.live?.metadata.managedFields);
  if (!opts.live || managers.size > 0) return managers;
  const owned = updateManagedFields({
    old: undefined,
    updated: opts.live,
    manager: "before-first-apply",
    operation: "Update",
    subresource: opts.subresource,
    apiVersion: opts.apiVersion,
    now: opts.now,
    schema: opts.schema,
  });
  return decodeManagedFields(owned);
}

type Outcome =
  | { kind: "applied"; object: JsonObject; managers: Managers; changed: boolean }
  | { kind: "conflict"; conflicts: Map<string, FieldSet> }
  | { kind: "error"; error: PatchError };

function checkConfig(opts: ApplyOptions): Result<JsonObject> {
  if (!opts.manager) {
    return fail("Invalid", `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`, [
      { reason: "FieldValueRequired", field: "fieldManager", message: "Required value: is required for apply patch" },
    ]);
  }
  const applied = opts.applied;
  if (!isObject(applied)) return fail("BadRequest", "error decoding YAML: the applied configuration is not an object");
  const kind = opts.kind ?? opts.live?.kind;
  if (applied.apiVersion !== opts.apiVersion || (kind !== undefined && applied.kind !== kind)) {
    return fail("BadRequest", `invalid object type: ${gvkString(applied.apiVersion, applied.kind)}`);
  }
  if (isObject(applied.metadata) && applied.metadata.managedFields != null) return fail("BadRequest", "metadata.managedFields must be nil");
  return { ok: true, value: clone(applied) };
}

/** Go's GroupVersionKind.String(): "apps/v1, Kind=Deployment", "/v1, Kind=Pod". */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const gv = typeof apiVersion === "string" ? apiVersion : "";
  const [group, version] = gv.includes("/") ? gv.split("/", 2) : ["", gv];
  return `${group}/${version}, Kind=${typeof kind === "string" ? kind : ""}`;
}

function applyOnce(run: Run, config: JsonObject, force: boolean): Outcome {
  const merged = mergeApplied(run.live, config, run.node);
  if (!merged.ok) return { kind: "error", error: merged.error };
  const set = toFieldSet(config, run.node, true);
  if (!set.ok) return { kind: "error", error: set.error };
  const last = run.managers.get(run.id)?.set;
  const managers: Managers = new Map(run.managers);
  managers.set(run.id, { ...run.self, time: run.managers.get(run.id)?.time, set: withoutPrefixes(set.value, run.ignored) });
  const object = last ? prune(merged.value as JsonObject, managers, last, run.node) : (merged.value as JsonObject);
  const change = changes(run.live, object, run.node, run.ignored);
  const conflicts = conflictsWith(managers, run.id, change);
  if (!force && conflicts.size > 0) return { kind: "conflict", conflicts };
  return { kind: "applied", object, managers: settle(managers, run.id, change, conflicts), changed: !deepEqual(run.live, object) };
}

/**
 * Remove what the manager applied last time and no longer does, unless someone (this
 * configuration included) still owns it. Struct fields count as owned when anything below them
 * is, so a struct nobody owns any part of goes as a whole.
 */
function prune(merged: JsonObject, managers: Managers, last: FieldSet, node: SchemaNode): JsonObject {
  const everyone = withNamedFields([...managers.values()].reduce((acc, e) => union(acc, e.set), emptySet()), node);
  const present = toFieldSet(merged, node, false);
  if (!present.ok) return merged;
  const removable = difference(intersection(withNamedFields(present.value, node), withNamedFields(last, node)), everyone);
  if (isEmpty(removable)) return merged;
  return (removeItems(merged, removable, node) ?? {}) as JsonObject;
}

/** The configuration without the fields this apply may not set (status on the main resource...). */
function dropIgnored(config: JsonObject, ignored: FieldSet): JsonObject {
  const out = { ...config };
  for (const pe of ignored.members) delete out[pe.slice(2)];
  return out;
}

/**
 * Kubernetes' lastAppliedManager: for `kubectl apply --server-side`, conflicts with fields whose
 * live value still equals the client-side last-applied configuration are taken over silently.
 */
function upgradeFromClientSide(run: Run, config: JsonObject, conflicts: Map<string, FieldSet>): Outcome {
  const allowed = fromLastApplied(run);
  const all = [...conflicts.values()].reduce(union, emptySet());
  if (allowed && isEmpty(difference(all, allowed))) return applyOnce(run, config, true);
  const remaining = new Map<string, FieldSet>();
  for (const [id, set] of conflicts) {
    const left = allowed ? difference(set, allowed) : set;
    if (!isEmpty(left)) remaining.set(id, left);
  }
  return { kind: "conflict", conflicts: remaining };
}

function fromLastApplied(run: Run): FieldSet | undefined {
  const annotations = isObject(run.live.metadata) ? run.live.metadata.annotations : undefined;
  const text = isObject(annotations) ? annotations[LAST_APPLIED] : undefined;
  if (typeof text !== "string" || !text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(last) || last.apiVersion !== run.self.apiVersion) return undefined;
  const set = toFieldSet(last, run.node, false);
  if (!set.ok) return undefined;
  const cmp = compare(last, run.live, run.node);
  return difference(difference(difference(set.value, cmp.modified), cmp.added), cmp.removed);
}

function finish(run: Run, outcome: Extract<Outcome, { kind: "applied" }>, opts: ApplyOptions): ApplyResult {
  const managers = outcome.managers;
  const mine = managers.get(run.id);
  if (mine) {
    const set = ownable(mine.set);
    if (isEmpty(set)) managers.delete(run.id);
    else managers.set(run.id, { ...mine, set, time: outcome.changed ? opts.now : mine.time });
  }
  const object = outcome.object as KubeObject;
  if (opts.manager === "kubectl") keepLastAppliedInStep(object, opts.applied as JsonObject);
  const managedFields = encodeManagedFields(managers);
  const metadata = { ...(isObject(object.metadata) ? object.metadata : {}) };
  if (managedFields.length) metadata.managedFields = managedFields;
  else delete metadata.managedFields;
  return { ok: true, object: { ...object, metadata }, managedFields };
}

/** Kubernetes' lastAppliedUpdater: an existing client-side annotation follows the applied configuration. */
function keepLastAppliedInStep(object: KubeObject, applied: JsonObject): void {
  const annotations = object.metadata?.annotations;
  if (!annotations?.[LAST_APPLIED]) return;
  const copy = clone(applied);
  if (isObject(copy.metadata) && isObject(copy.metadata.annotations)) delete copy.metadata.annotations[LAST_APPLIED];
  object.metadata = { ...object.metadata, annotations: { ...annotations, [LAST_APPLIED]: sortedJson(copy) + "\n" } };
}

/** 409 with one cause per conflicting field, worded as kube-apiserver words them. */
function conflictError(managers: Managers, conflicts: Map<string, FieldSet>): PatchError {
  const list: { who: string; manager: string; field: string }[] = [];
  for (const [id, set] of [...conflicts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const who = describeManager(managers.get(id));
    for (const p of paths(set)) list.push({ who, manager: managers.get(id)?.manager ?? "", field: pathString(p) });
  }
  const causes: FieldCause[] = list.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${c.who}`, field: c.field }));
  if (list.length === 1) return { reason: "Conflict", message: `Apply failed with 1 conflict: conflict with ${list[0].who}: ${list[0].field}`, causes };
  const lines: string[] = [];
  for (const who of [...new Set(list.map((c) => c.who))]) {
    lines.push(`conflicts with ${who}:`, ...list.filter((c) => c.who === who).map((c) => `- ${c.field}`));
  }
  return { reason: "Conflict", message: `Apply failed with ${list.length} conflicts: ${lines.join("\n")}`, causes };
}

/** `"kubectl-client-side-apply" using apps/v1`, `"kubectl"`, `"x" with subresource "status" using v1`. */
function describeManager(e: ManagerEntry | undefined): string {
  if (!e) return `""`;
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === "Update" ? `${s} using ${e.apiVersion}` : s;
}
