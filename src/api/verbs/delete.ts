// delete and deletecollection. Finalizers (the object's own, plus orphan/foregroundDeletion from
// the propagation policy) turn a delete into setting deletionTimestamp; a pod on a node is
// deleted gracefully by its agent. Everything else is removed at once, and the garbage
// collector is told so that dependents follow.
import type { KubeObject } from "../../apis/types";
import { isPlainObject } from "../../util/json";
import type { Ctx } from "../context";
import { timestamp } from "../objectmeta";
import type { Target } from "../paths";
import { readOptionalBody, writeOptions } from "../request";
import { sendError, sendList, sendObject } from "../respond";
import { badRequest, conflict, type Result } from "../status";
import { writeUpdate } from "../writes";
import { getObject, listObjects } from "./read";
import { writeContext } from "./write";

export type Propagation = "Orphan" | "Background" | "Foreground";

export interface DeleteOptions {
  propagationPolicy: Propagation;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

const ORPHAN = "orphan";
const FOREGROUND = "foregroundDeletion";

async function deleteOptions(c: Ctx): Promise<Result<DeleteOptions>> {
  const body = await readOptionalBody(c);
  if (!body.ok) return body;
  const b = isPlainObject(body.value) ? body.value : {};
  const policy = c.req.query("propagationPolicy") ?? (b.propagationPolicy as string | undefined) ?? (b.orphanDependents === true ? "Orphan" : "Background");
  if (policy !== "Orphan" && policy !== "Background" && policy !== "Foreground") {
    return { ok: false, error: badRequest(`Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`) };
  }
  const graceText = c.req.query("gracePeriodSeconds");
  const grace = graceText !== undefined ? Number(graceText) : (b.gracePeriodSeconds as number | undefined);
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) return { ok: false, error: badRequest("gracePeriodSeconds must be a non-negative integer") };
  const preconditions = isPlainObject(b.preconditions) ? (b.preconditions as DeleteOptions["preconditions"]) : undefined;
  return { ok: true, value: { propagationPolicy: policy, gracePeriodSeconds: grace, preconditions } };
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
export async function deleteOne(c: Ctx, t: Target, obj: KubeObject, opts: DeleteOptions, dryRun: boolean): Promise<Result<KubeObject>> {
  const failed = preconditionFailure(obj, opts.preconditions);
  if (failed) return { ok: false, error: conflict(t.kind.plural, t.kind.group, obj.metadata.name ?? "", failed) };
  const w = { ...writeContext(c, t, { dryRun, fieldManager: "", fieldValidation: "Ignore", force: false }), subresource: undefined };
  const finalizers = [...(obj.metadata.finalizers ?? [])];
  const policyFinalizer = opts.propagationPolicy === "Orphan" ? ORPHAN : opts.propagationPolicy === "Foreground" ? FOREGROUND : undefined;
  if (policyFinalizer && !finalizers.includes(policyFinalizer) && !obj.metadata.deletionTimestamp) finalizers.push(policyFinalizer);
  const grace = gracefulSeconds(obj, opts);
  const now = w.now;
  if (finalizers.length || grace > 0) {
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
  if (dryRun) return { ok: true, value: obj };
  const outcome = await w.store.delete(t.resource, obj, Number(obj.metadata.resourceVersion));
  if (outcome.ok) return { ok: true, value: outcome.object };
  return { ok: false, error: conflict(t.kind.plural, t.kind.group, obj.metadata.name ?? "") };
}

export async function remove(c: Ctx, t: Target): Promise<Response> {
  const opts = await deleteOptions(c);
  if (!opts.ok) return sendError(c, opts.error);
  const wopts = writeOptions(c);
  if (!wopts.ok) return sendError(c, wopts.error);
  const obj = await getObject(c, t);
  if (!obj.ok) return sendError(c, obj.error);
  const result = await deleteOne(c, t, obj.value, opts.value, wopts.value.dryRun);
  return result.ok ? sendObject(c, t.kind, result.value) : sendError(c, result.error);
}

export async function removeCollection(c: Ctx, t: Target): Promise<Response> {
  const opts = await deleteOptions(c);
  if (!opts.ok) return sendError(c, opts.error);
  const wopts = writeOptions(c);
  if (!wopts.ok) return sendError(c, wopts.error);
  const listed = await listObjects(c, t, { labelSelector: c.req.query("labelSelector"), fieldSelector: c.req.query("fieldSelector") });
  if (!listed.ok) return sendError(c, listed.error);
  const deleted: KubeObject[] = [];
  for (const obj of listed.value.items) {
    const result = await deleteOne(c, t, obj, opts.value, wopts.value.dryRun);
    if (!result.ok && result.error.reason !== "Conflict") return sendError(c, result.error);
    if (result.ok) deleted.push(result.value);
  }
  return sendList(c, t.kind, deleted, { resourceVersion: String(listed.value.rv) });
}
