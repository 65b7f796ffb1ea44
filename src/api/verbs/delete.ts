// delete and deletecollection: DeleteOptions from the body and query, then writeDelete.
import type { KubeObject } from "../../apis/types";
import { isPlainObject } from "../../util/json";
import type { Ctx } from "../context";
import type { Target } from "../paths";
import { readOptionalBody, writeOptions } from "../request";
import { sendError, sendList, sendObject } from "../respond";
import { badRequest, invalid, type Result } from "../status";
import { deleteOptionErrors, type RequestQuery } from "../decode";
import { writeDelete, type DeleteOptions } from "../writes";
import { getObject, listObjects } from "./read";
import { writeContext } from "./write";


/** DeleteOptions: a body, where given, takes precedence over the query, as in Kubernetes. */
async function deleteOptions(c: Ctx, q: RequestQuery): Promise<Result<DeleteOptions & { dryRun: boolean }>> {
  const body = await readOptionalBody(c);
  if (!body.ok) return body;
  const b = isPlainObject(body.value) ? body.value : {};
  const orphanDependents = typeof b.orphanDependents === "boolean" ? b.orphanDependents : q.orphanDependents;
  const policy = (b.propagationPolicy as string | undefined) ?? q.propagationPolicy;
  const dryRun = Array.isArray(b.dryRun) ? (b.dryRun as string[]) : q.dryRun ? ["All"] : [];
  const causes = deleteOptionErrors({ orphanDependents: b.orphanDependents === undefined ? undefined : orphanDependents, propagationPolicy: policy, dryRun });
  if (causes.length) return { ok: false, error: invalid("DeleteOptions", "meta.k8s.io", "", causes) };
  const grace = typeof b.gracePeriodSeconds === "number" ? b.gracePeriodSeconds : q.gracePeriodSeconds;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) return { ok: false, error: badRequest("gracePeriodSeconds must be a non-negative integer") };
  const preconditions = isPlainObject(b.preconditions) ? (b.preconditions as DeleteOptions["preconditions"]) : undefined;
  const propagationPolicy = (policy ?? (orphanDependents ? "Orphan" : "Background")) as DeleteOptions["propagationPolicy"];
  return { ok: true, value: { propagationPolicy, gracePeriodSeconds: grace, preconditions, dryRun: dryRun.length > 0 } };
}

function deleteContext(c: Ctx, t: Target, q: RequestQuery, dryRun: boolean) {
  return writeContext(c, t, { ...writeOptions(c, q), dryRun });
}

export async function remove(c: Ctx, t: Target, q: RequestQuery): Promise<Response> {
  const opts = await deleteOptions(c, q);
  if (!opts.ok) return sendError(c, opts.error);
  const obj = await getObject(c, t);
  if (!obj.ok) return sendError(c, obj.error);
  const result = await writeDelete(deleteContext(c, t, q, opts.value.dryRun), obj.value, opts.value);
  return result.ok ? sendObject(c, t.kind, result.value) : sendError(c, result.error);
}

export async function removeCollection(c: Ctx, t: Target, q: RequestQuery): Promise<Response> {
  const opts = await deleteOptions(c, q);
  if (!opts.ok) return sendError(c, opts.error);
  const listed = await listObjects(c, t, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector });
  if (!listed.ok) return sendError(c, listed.error);
  const deleted: KubeObject[] = [];
  const w = deleteContext(c, t, q, opts.value.dryRun);
  for (const obj of listed.value.items) {
    const result = await writeDelete(w, obj, opts.value);
    if (!result.ok && result.error.reason !== "Conflict") return sendError(c, result.error);
    if (result.ok) deleted.push(result.value);
  }
  return sendList(c, t.kind, deleted, { resourceVersion: String(listed.value.rv) });
}
