// delete and deletecollection: DeleteOptions from the body and query, then writeDelete.
import type { KubeObject } from "../../apis/types";
import { isPlainObject } from "../../util/json";
import type { Ctx } from "../context";
import type { Target } from "../paths";
import { readOptionalBody, writeOptions } from "../request";
import { sendError, sendList, sendObject } from "../respond";
import { badRequest, invalid, notFound, type Result } from "../status";
import { deleteOptionErrors, type RequestQuery } from "../decode";
import { writeDelete, type DeleteOptions, type WriteContext } from "../writes";
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
  const w = deleteContext(c, t, q, opts.value.dryRun);
  const result = await deleteLatest(w, obj.value, opts.value, () => getObject(c, t));
  return result.ok ? sendObject(c, t.kind, result.value) : sendError(c, result.error);
}

const MAX_ATTEMPTS = 5;

/**
 * A delete meets the latest object: when another writer got in between the read and the write,
 * it reads again and retries, as kube-apiserver's store does. A conflict with the object as it
 * is (a failed precondition) is final.
 */
async function deleteLatest(w: WriteContext, obj: KubeObject, opts: DeleteOptions, reread: () => Promise<Result<KubeObject>>): Promise<Result<KubeObject>> {
  for (let attempt = 1; ; attempt++) {
    const result = await writeDelete(w, obj, opts);
    if (result.ok || result.error.reason !== "Conflict" || attempt >= MAX_ATTEMPTS) return result;
    const latest = await reread();
    if (!latest.ok || latest.value.metadata.resourceVersion === obj.metadata.resourceVersion) return latest.ok ? result : latest;
    obj = latest.value;
  }
}

export async function removeCollection(c: Ctx, t: Target, q: RequestQuery): Promise<Response> {
  const opts = await deleteOptions(c, q);
  if (!opts.ok) return sendError(c, opts.error);
  const listed = await listObjects(c, t, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector });
  if (!listed.ok) return sendError(c, listed.error);
  const deleted: KubeObject[] = [];
  const w = deleteContext(c, t, q, opts.value.dryRun);
  for (const obj of listed.value.items) {
    const key = { resource: t.resource, namespace: obj.metadata.namespace ?? "", name: obj.metadata.name ?? "" };
    const reread = async (): Promise<Result<KubeObject>> => {
      const latest = await c.get("store").get(key);
      return latest ? { ok: true, value: latest } : { ok: false, error: notFound(t.kind.plural, t.kind.group, key.name) };
    };
    const result = await deleteLatest(w, obj, opts.value, reread);
    // What went meanwhile is not an error of the collection's delete.
    if (!result.ok && result.error.reason !== "NotFound") return sendError(c, result.error);
    if (result.ok) deleted.push(result.value);
  }
  return sendList(c, t.kind, deleted, { resourceVersion: String(listed.value.rv) });
}
