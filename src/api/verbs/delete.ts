// delete and deletecollection: DeleteOptions from the body and query, then writeDelete.
import type { KubeObject } from "../../apis/types";
import { isPlainObject } from "../../util/json";
import type { Ctx } from "../context";
import type { Target } from "../paths";
import { readOptionalBody, writeOptions } from "../request";
import { sendError, sendList, sendObject } from "../respond";
import { badRequest, type Result } from "../status";
import { writeDelete, type DeleteOptions } from "../writes";
import { getObject, listObjects } from "./read";
import { writeContext } from "./write";


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

export async function remove(c: Ctx, t: Target): Promise<Response> {
  const opts = await deleteOptions(c);
  if (!opts.ok) return sendError(c, opts.error);
  const wopts = writeOptions(c);
  if (!wopts.ok) return sendError(c, wopts.error);
  const obj = await getObject(c, t);
  if (!obj.ok) return sendError(c, obj.error);
  const result = await writeDelete(writeContext(c, t, wopts.value), obj.value, opts.value);
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
    const result = await writeDelete(writeContext(c, t, wopts.value), obj, opts.value);
    if (!result.ok && result.error.reason !== "Conflict") return sendError(c, result.error);
    if (result.ok) deleted.push(result.value);
  }
  return sendList(c, t.kind, deleted, { resourceVersion: String(listed.value.rv) });
}
