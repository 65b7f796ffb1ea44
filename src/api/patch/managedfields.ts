// metadata.managedFields: who owns which fields (k8s.io/apimachinery/pkg/util/managedfields).
// Every write records its manager: server-side apply in apply.ts, every other write (create,
// update, patch, through a subresource or not) in updateManagedFields below.
//
// Entries are keyed by (manager, operation, apiVersion for updates, subresource): an applier has
// one entry whatever the version it applied with, an updater one per version.
import type { z } from "zod";
import type { KubeObject, ManagedFieldsEntry } from "../../apis/types";
import { compare, type Comparison } from "./compare";
import { difference, emptySet, fromFieldsV1, intersection, isEmpty, setOf, toFieldsV1, union, withoutPrefixes, type FieldSet } from "./fieldset";
import { isObject } from "./json";
import { describe, type SchemaNode } from "./schemawalk";

export interface ManagerEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Entries by identity (see managerId). */
export type Managers = Map<string, ManagerEntry>;

/** Fields no manager ever owns: type and object metadata the server controls. */
const NEVER_OWNED = setOf(
  ["f:apiVersion"],
  ["f:kind"],
  ["f:metadata"],
  ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"].map((f) => ["f:metadata", `f:${f}`]),
);

/** Older update entries beyond this many are merged into "ancient-changes" (Kubernetes' cap). */
const MAX_UPDATE_MANAGERS = 10;

export function managerId(e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion" | "subresource">): string {
  return JSON.stringify([e.manager, e.operation, e.operation === "Apply" ? "" : e.apiVersion, e.subresource ?? ""]);
}

/** Decode an object's managedFields; entries Kubernetes would reject are skipped. */
export function decodeManagedFields(entries: unknown): Managers {
  const out: Managers = new Map();
  if (!Array.isArray(entries)) return out;
  for (const raw of entries) {
    if (!isObject(raw)) continue;
    const e = raw as ManagedFieldsEntry;
    if ((e.operation !== "Apply" && e.operation !== "Update") || typeof e.apiVersion !== "string" || !e.apiVersion || e.fieldsType !== "FieldsV1") continue;
    const set = fromFieldsV1(e.fieldsV1 ?? {});
    if (!set.ok) continue;
    const entry: ManagerEntry = { manager: typeof e.manager === "string" ? e.manager : "", operation: e.operation, apiVersion: e.apiVersion, set: set.value };
    if (typeof e.subresource === "string" && e.subresource) entry.subresource = e.subresource;
    if (typeof e.time === "string" && e.time) entry.time = e.time;
    out.set(managerId(entry), entry);
  }
  return out;
}

/** Encode in Kubernetes' order: Apply before Update, then by time, manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const entries = [...managers.values()].filter((e) => !isEmpty(e.set));
  entries.sort((a, b) => cmp(a.operation, b.operation) || cmp(seconds(a.time), seconds(b.time)) || cmp(a.manager, b.manager) || cmp(a.apiVersion, b.apiVersion) || cmp(a.subresource ?? "", b.subresource ?? ""));
  return entries.map((e) => {
    const out: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) out.time = e.time;
    out.fieldsType = "FieldsV1";
    out.fieldsV1 = toFieldsV1(e.set);
    if (e.subresource) out.subresource = e.subresource;
    return out;
  });
}

const cmp = <T extends string | number>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);
const seconds = (t: string | undefined) => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);

/** `set` without the fields no manager ever owns. */
export function ownable(set: FieldSet): FieldSet {
  return difference(set, NEVER_OWNED);
}

/** What changed between `before` and `after`, `ignored` paths (status on the main resource...) left out. */
export function changes(before: unknown, after: unknown, node: SchemaNode, ignored: FieldSet): Comparison {
  const raw = compare(before, after, node);
  return {
    added: withoutPrefixes(raw.added, ignored),
    removed: withoutPrefixes(raw.removed, ignored),
    modified: withoutPrefixes(raw.modified, ignored),
  };
}

/** The fields of other managers that a change modifies or adds: conflicts, for an applier. */
export function conflictsWith(managers: Managers, self: string, change: Comparison): Map<string, FieldSet> {
  const changed = union(change.modified, change.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, e] of managers) {
    if (id === self) continue;
    const c = intersection(e.set, changed);
    if (!isEmpty(c)) conflicts.set(id, c);
  }
  return conflicts;
}

/**
 * structured-merge-diff's Updater.update once conflicts are accepted: other managers lose the
 * fields taken from them and every field removed; managers left with nothing are dropped.
 */
export function settle(managers: Managers, self: string, change: Comparison, taken: Map<string, FieldSet>): Managers {
  const out: Managers = new Map();
  for (const [id, e] of managers) {
    const set = id === self ? e.set : difference(difference(e.set, taken.get(id) ?? emptySet()), change.removed);
    if (!isEmpty(set)) out.set(id, { ...e, set });
  }
  return out;
}

/** Top-level fields a write through `subresource` does not own: status on the main resource, spec through status. */
export function ignoredFor(subresource: string | undefined): FieldSet {
  return subresource === "status" ? setOf(["f:spec"]) : setOf(["f:status"]);
}

export interface UpdateManagedFieldsOptions {
  /** The stored object; undefined on create. */
  old: KubeObject | undefined;
  /** The object about to be stored (its managedFields, if the client sent some, are honoured). */
  updated: KubeObject;
  /** The field manager (see fieldManagerFor); "" is recorded as "unknown", as Kubernetes does. */
  manager: string;
  operation: "Update";
  subresource?: string;
  /** The group/version the request used, e.g. "apps/v1". */
  apiVersion: string;
  /** RFC 3339 time of the write, e.g. "2025-01-01T00:00:00Z". */
  now: string;
  schema: z.ZodType | undefined;
}

/**
 * managedFields after a non-apply write: the fields this write added or changed become the
 * manager's (and stop being anyone else's); removed fields leave every set; entries left empty
 * are dropped. Returns undefined when no entry remains.
 */
export function updateManagedFields(opts: UpdateManagedFieldsOptions): ManagedFieldsEntry[] | undefined {
  const self = { manager: opts.manager || "unknown", operation: "Update" as const, apiVersion: opts.apiVersion, subresource: opts.subresource || undefined };
  const id = managerId(self);
  const before = startingManagers(opts);
  const change = changes(withoutManagedFields(opts.old), withoutManagedFields(opts.updated), describe(opts.schema), ignoredFor(self.subresource));
  // The write's own changes are set aside first, so that an entry whose write changed nothing
  // keeps its time (Kubernetes' "current-operation" manager).
  const managers = settle(before, "", change, conflictsWith(before, "", change));
  const written = ownable(union(change.modified, change.added));
  if (!isEmpty(written)) {
    const previous = managers.get(id);
    managers.set(id, { ...self, time: opts.now, set: previous ? union(written, previous.set) : written });
  }
  capUpdateManagers(managers);
  return encodeOrUndefined(managers);
}

function encodeOrUndefined(managers: Managers): ManagedFieldsEntry[] | undefined {
  const encoded = encodeManagedFields(managers);
  return encoded.length ? encoded : undefined;
}

/**
 * Whose fields to start from (Kubernetes' decodeLiveOrNew): through a subresource always the
 * stored object's; otherwise the request's, unless it carries none (clients unaware of
 * managedFields must not erase them). `[{}]` resets them.
 */
function startingManagers(opts: UpdateManagedFieldsOptions): Managers {
  const stored = () => decodeManagedFields(opts.old?.metadata.managedFields);
  if (opts.subresource) return stored();
  const sent = opts.updated.metadata.managedFields;
  if (Array.isArray(sent) && sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0) return new Map();
  const decoded = decodeManagedFields(sent);
  return decoded.size > 0 ? decoded : stored();
}

/** A copy of `obj` without metadata.managedFields, as the object is compared ({} when absent). */
export function withoutManagedFields(obj: KubeObject | undefined): KubeObject | Record<string, never> {
  if (!obj) return {};
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

/** Merge the oldest update entries into one "ancient-changes" entry per apiVersion beyond the cap. */
function capUpdateManagers(managers: Managers): void {
  const updaters = [...managers.entries()].filter(([, e]) => e.operation === "Update");
  updaters.sort(([ia, a], [ib, b]) => cmp(seconds(a.time), seconds(b.time)) || cmp(ia, ib));
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, e] of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    const first = firstOfVersion.get(e.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(e.apiVersion, id);
      continue;
    }
    const bucket = managerId({ manager: "ancient-changes", operation: "Update", apiVersion: e.apiVersion });
    // The first entry of a version becomes the bucket when there is none yet.
    if (!managers.has(bucket)) {
      const moved = managers.get(first);
      managers.delete(first);
      if (moved) managers.set(bucket, { ...moved, manager: "ancient-changes", subresource: undefined });
    }
    const held = managers.get(bucket)?.set ?? emptySet();
    managers.set(bucket, { manager: "ancient-changes", operation: "Update", apiVersion: e.apiVersion, time: e.time, set: union(e.set, held) });
    managers.delete(id);
    count--;
  }
}

const utf8 = new TextEncoder();

/**
 * The manager Kubernetes records when a request has no fieldManager: the user agent up to the
 * first "/", printable characters only, at most 128 bytes ("kubectl/v1.32.4 (linux/amd64)" →
 * "kubectl"). kubectl itself sends fieldManager for most commands: kubectl-client-side-apply,
 * kubectl-edit, kubectl-label, kubectl-annotate, kubectl-set, kubectl-rollout, kubectl-patch,
 * kubectl-create...; `kubectl scale` does not.
 */
export function managerFromUserAgent(userAgent: string): string {
  let out = "";
  let bytes = 0;
  for (const ch of userAgent.split("/")[0]) {
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) continue;
    const size = utf8.encode(ch).length;
    if (bytes + size > 128) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** The fieldManager query parameter if set, else the user agent's prefix. */
export function fieldManagerFor(fieldManager: string | undefined | null, userAgent: string | undefined | null): string {
  return fieldManager ? fieldManager : managerFromUserAgent(userAgent ?? "");
}
