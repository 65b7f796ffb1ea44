// The two write paths every verb ends in: a new object, or a change to an existing one. Both run
// defaults, system metadata, validation and managed fields in kube-apiserver's order, then one
// conditional store write whose failure is mapped to the Status Kubernetes returns.
import type { KindDef, KubeObject } from "../apis/types";
import { deepEqual } from "../util/json";
import { updateManagedFields } from "./patch/managedfields";
import { keyOf, type Store, type WriteOutcome } from "../store/store";
import { dryRunAttempt, writeClaiming, type Allocator, type Assigned } from "./allocating";
import { validate } from "./admission";
import { prepareCreate, prepareUpdate, timestamp } from "./objectmeta";
import { alreadyExists, conflict, forbidden, internalError, notFound, type ApiError, type Result } from "./status";
import { projection } from "./selection";
import { admitServiceAccount } from "../auth/serviceaccount/automount";

export interface WriteContext {
  store: Store;
  kind: KindDef;
  resource: string;
  now: number;
  dryRun: boolean;
  fieldManager: string;
  subresource?: string;
  /** Admission that needs the requester (RBAC escalation checks, NodeRestriction): an error refuses the write. */
  admit?: Admit;
  /** For kinds that hold values exclusively (Services): picks them and claims them with the write. */
  allocator?: Allocator;
}

/** What admission sees of a write: the object as it would be stored and, on update and delete, the stored one. */
export interface AdmissionRequest {
  operation: "CREATE" | "UPDATE" | "DELETE";
  kind: KindDef;
  resource: string;
  subresource?: string;
  object: KubeObject;
  old?: KubeObject;
}

export type Admit = (request: AdmissionRequest) => Promise<ApiError | undefined>;

/** Runs the context's admission, if any: the error that refuses the write, or undefined. */
function admission(w: WriteContext, operation: AdmissionRequest["operation"], object: KubeObject, old?: KubeObject): Promise<ApiError | undefined> {
  return w.admit ? w.admit({ operation, kind: w.kind, resource: w.resource, subresource: w.subresource, object, old }) : Promise.resolve(undefined);
}

function outcomeError(w: WriteContext, name: string, namespace: string | undefined, outcome: Extract<WriteOutcome, { ok: false }>): ApiError {
  const { kind } = w;
  switch (outcome.why) {
    case "exists":
      return alreadyExists(kind.plural, kind.group, name);
    case "conflict":
      return conflict(kind.plural, kind.group, name);
    case "missing":
      return notFound(kind.plural, kind.group, name);
    case "namespace":
      return notFound("namespaces", "", namespace ?? "");
    case "allocated":
      // writeClaiming picks again or answers 422 before this is reached.
      return internalError(`values ${kind.plural} "${name}" claimed are held by another object`);
  }
}

async function explainNamespace(store: Store, namespace: string, err: ApiError): Promise<ApiError> {
  const ns = await store.get({ resource: "namespaces", namespace: "", name: namespace });
  if (ns?.metadata.deletionTimestamp) {
    return forbidden("", "", "", `unable to create new content in namespace ${namespace} because it is being terminated`);
  }
  return err;
}

function managed(w: WriteContext, obj: KubeObject, old: KubeObject | undefined): KubeObject {
  const apiVersion = w.kind.group ? `${w.kind.group}/${w.kind.version}` : w.kind.version;
  const result = updateManagedFields({
    old,
    updated: obj,
    manager: w.fieldManager,
    operation: "Update",
    subresource: w.subresource,
    apiVersion,
    now: new Date(w.now).toISOString().replace(/\.\d{3}Z$/, "Z"),
    schema: w.kind.schema,
  });
  return { ...obj, metadata: { ...obj.metadata, managedFields: result } };
}

/**
 * Validation sees the object with its values allocated, as kube-apiserver allocates before it
 * validates (a LoadBalancer with externalTrafficPolicy Local must have its healthCheckNodePort).
 * The values picked here only serve validation; the write picks its own (writeClaiming).
 */
function validateAssigned(kind: KindDef, allocator: Allocator | undefined, obj: KubeObject, old?: KubeObject): Result<KubeObject> {
  if (!allocator) return validate(kind, obj, old);
  const assigned = allocator.assign(obj, new Set());
  if (!assigned.ok) return assigned;
  const valid = validate(kind, assigned.value.object, old);
  return valid.ok ? { ok: true, value: obj } : valid;
}

/** Create `obj` (already type-checked, namespace set). `managedFieldsSet` when the caller (apply) computed them. */
export async function writeCreate(w: WriteContext, obj: KubeObject, opts: { managedFieldsSet?: boolean } = {}): Promise<Result<KubeObject>> {
  prepareCreate(w.kind, obj, w.now);
  w.kind.onCreate?.(obj);
  w.kind.defaults?.(obj);
  // Mutating admission that reads the store, for every creator (API clients and controllers alike).
  if (w.resource === "pods") await admitServiceAccount(w.store, obj);
  const valid = validateAssigned(w.kind, w.allocator, obj);
  if (!valid.ok) return valid;
  const refused = await admission(w, "CREATE", obj);
  if (refused) return { ok: false, error: refused };
  const final = opts.managedFieldsSet ? obj : managed(w, obj, undefined);
  if (w.allocator) return createClaiming(w, w.allocator, final);
  if (w.dryRun) return { ok: true, value: final };
  return created(w, final, await w.store.create(w.resource, final));
}

/** Create with the values the object needs, picked after managed fields as kube-apiserver allocates them in storage. */
async function createClaiming(w: WriteContext, allocator: Allocator, obj: KubeObject): Promise<Result<KubeObject>> {
  const key = keyOf(w.resource, obj);
  const attempt = w.dryRun ? dryRunAttempt(w.store, key, (a) => a.object) : (a: Assigned) => w.store.create(w.resource, a.object, a.claims);
  const written = await writeClaiming(w.store, key, allocator, obj, attempt);
  return written.ok ? created(w, obj, written.value) : written;
}

async function created(w: WriteContext, final: KubeObject, outcome: WriteOutcome): Promise<Result<KubeObject>> {
  if (outcome.ok) return { ok: true, value: outcome.object };
  const err = outcomeError(w, final.metadata.name ?? "", final.metadata.namespace, outcome);
  return { ok: false, error: outcome.why === "namespace" ? await explainNamespace(w.store, final.metadata.namespace ?? "", err) : err };
}

export type Propagation = "Orphan" | "Background" | "Foreground";

export interface DeleteOptions {
  propagationPolicy: Propagation;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export const ORPHAN_FINALIZER = "orphan";
export const FOREGROUND_FINALIZER = "foregroundDeletion";

export interface UpdateOptions {
  /** The resourceVersion the client based its change on; undefined for an unconditional write. */
  expectedRv?: number;
  managedFieldsSet?: boolean;
  /** Internal writes that change only server-owned fields (binding) skip the kind's update rules. */
  trusted?: boolean;
  /** The delete path: the candidate's deletionTimestamp and grace period are the new ones. */
  deletion?: boolean;
}

/**
 * Replace `old` with `candidate`. A deleting object whose last finalizer goes is removed, as
 * Kubernetes does. Returns the stored object (or the deleted one).
 */
export async function writeUpdate(w: WriteContext, old: KubeObject, candidate: KubeObject, opts: UpdateOptions = {}): Promise<Result<KubeObject>> {
  const name = old.metadata.name ?? "";
  const oldRv = Number(old.metadata.resourceVersion);
  if (opts.expectedRv !== undefined && opts.expectedRv !== oldRv) return { ok: false, error: conflict(w.kind.plural, w.kind.group, name) };
  const prepared = prepareUpdate(w.kind, candidate, old, w.subresource, opts.deletion ?? false);
  if (!prepared.ok) return prepared;
  const obj = prepared.value;
  if (opts.deletion && !old.metadata.deletionTimestamp) w.kind.beginDelete?.(obj);
  // Allocated values change with the spec only: status and deletion writes keep what is held.
  const allocator = opts.deletion || w.subresource ? undefined : w.allocator;
  allocator?.carryOver(obj, old);
  w.kind.defaults?.(obj);
  if (!opts.trusted) {
    const valid = validateAssigned(w.kind, allocator, obj, old);
    if (!valid.ok) return valid;
  }
  // A deletion's update was admitted as the DELETE it is part of.
  const refused = opts.deletion ? undefined : await admission(w, "UPDATE", obj, old);
  if (refused) return { ok: false, error: refused };
  const final = opts.managedFieldsSet ? obj : managed(w, obj, old);
  // A write that changes nothing is not a write: no new resourceVersion, no watch event
  // (kubectl then says "patched (no change)"), as in Kubernetes.
  if (!isFinished(w, final) && unchanged(final, old)) return { ok: true, value: old };
  const atOldRevision = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: old.metadata.resourceVersion } });
  if (allocator && !isFinished(w, final)) {
    const key = keyOf(w.resource, old);
    const attempt = w.dryRun ? dryRunAttempt(w.store, key, (a) => atOldRevision(a.object)) : (a: Assigned) => w.store.update(w.resource, a.object, oldRv, projection(w.kind, old), a.claims);
    const written = await writeClaiming(w.store, key, allocator, final, attempt);
    if (!written.ok) return written;
    const outcome = written.value;
    return outcome.ok ? { ok: true, value: outcome.object } : { ok: false, error: outcomeError(w, name, old.metadata.namespace, outcome) };
  }
  if (w.dryRun) return { ok: true, value: atOldRevision(final) };
  // Once the last finalizer of a deleting object goes, so does the object (unless a pod's agent still has to stop it).
  const outcome = isFinished(w, final) ? await w.store.delete(w.resource, final, oldRv) : await w.store.update(w.resource, final, oldRv, projection(w.kind, old));
  if (outcome.ok) return { ok: true, value: outcome.object };
  return { ok: false, error: outcomeError(w, name, old.metadata.namespace, outcome) };
}

/** A deleting object whose last finalizer went: the write removes it. */
function isFinished(w: WriteContext, obj: KubeObject): boolean {
  const m = obj.metadata;
  return Boolean(m.deletionTimestamp) && (m.finalizers ?? []).length === 0 && !((m.deletionGracePeriodSeconds ?? 0) > 0) && !w.kind.blocksDeletion?.(obj);
}

function preconditionFailure(obj: KubeObject, p: DeleteOptions["preconditions"]): string | undefined {
  if (p?.uid && p.uid !== obj.metadata.uid) return `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid}`;
  if (p?.resourceVersion && p.resourceVersion !== obj.metadata.resourceVersion) {
    return `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`;
  }
  return undefined;
}

/** A pod that runs on a node stops gracefully: its agent kills it and then removes the object. */
function gracefulSeconds(obj: KubeObject, opts: DeleteOptions): number {
  if (obj.kind !== "Pod" || obj.apiVersion !== "v1") return 0;
  const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const status = obj.status as { phase?: string } | undefined;
  if (!spec.nodeName || status?.phase === "Succeeded" || status?.phase === "Failed") return 0;
  return opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}

/** The object as it is after the request: updated with a deletionTimestamp, or gone. */
/**
 * Delete: finalizers (the object's own, plus orphan/foregroundDeletion from the propagation
 * policy) turn it into setting deletionTimestamp; a pod on a node is stopped gracefully by its
 * agent first. Anything else is removed at once; the garbage collector sees dependents follow.
 */
export async function writeDelete(w: WriteContext, obj: KubeObject, opts: DeleteOptions): Promise<Result<KubeObject>> {
  const refused = await admission(w, "DELETE", obj, obj);
  if (refused) return { ok: false, error: refused };
  const failed = preconditionFailure(obj, opts.preconditions);
  if (failed) return { ok: false, error: conflict(w.kind.plural, w.kind.group, obj.metadata.name ?? "", failed) };
  const finalizers = [...(obj.metadata.finalizers ?? [])];
  const policyFinalizer = opts.propagationPolicy === "Orphan" ? ORPHAN_FINALIZER : opts.propagationPolicy === "Foreground" ? FOREGROUND_FINALIZER : undefined;
  if (policyFinalizer && !finalizers.includes(policyFinalizer) && !obj.metadata.deletionTimestamp) finalizers.push(policyFinalizer);
  const grace = gracefulSeconds(obj, opts);
  const now = w.now;
  if (finalizers.length || grace > 0 || w.kind.blocksDeletion?.(obj)) {
    const meta = { ...obj.metadata, finalizers: finalizers.length ? finalizers : undefined };
    const currentGrace = obj.metadata.deletionGracePeriodSeconds;
    if (!obj.metadata.deletionTimestamp || (grace > 0 && (currentGrace === undefined || grace < currentGrace))) {
      meta.deletionTimestamp = timestamp(now + grace * 1000);
      meta.deletionGracePeriodSeconds = grace;
    }
    if (!meta.finalizers) delete meta.finalizers;
    if (meta.deletionTimestamp === obj.metadata.deletionTimestamp && meta.finalizers === obj.metadata.finalizers) return { ok: true, value: obj };
    return writeUpdate(w, obj, { ...obj, metadata: meta }, { trusted: true, deletion: true, expectedRv: Number(obj.metadata.resourceVersion) });
  }
  if (w.dryRun) return { ok: true, value: obj };
  const outcome = await w.store.delete(w.resource, obj, Number(obj.metadata.resourceVersion));
  if (outcome.ok) return { ok: true, value: outcome.object };
  return { ok: false, error: outcomeError(w, obj.metadata.name ?? "", obj.metadata.namespace, outcome) };
}

/** Equal but for bookkeeping: the resourceVersion and the times of managed-field entries. */
function unchanged(next: KubeObject, old: KubeObject): boolean {
  const plain = (o: KubeObject) => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: undefined, managedFields: o.metadata.managedFields?.map(({ time: _time, ...entry }) => entry) },
  });
  return deepEqual(plain(next), plain(old));
}
