// create (POST) and update (PUT), including the status and scale subresources.
import type { KubeObject } from "../../apis/types";
import { checkObject, type FieldValidation } from "../admission";
import type { Ctx } from "../context";
import { readBody, writeOptions, type WriteOptions } from "../request";
import type { RequestQuery } from "../decode";
import type { Target } from "../paths";
import { sendError, sendObject } from "../respond";
import { fromScale, toScale, checkScale } from "../scale";
import { badRequest, type ApiError, type Result } from "../status";
import { writeCreate, writeUpdate, type WriteContext } from "../writes";
import { getObject } from "./read";
import { allocatorFor } from "../../services/allocation";

export function writeContext(c: Ctx, t: Target, opts: WriteOptions): WriteContext {
  return {
    store: c.get("store"),
    kind: t.kind,
    resource: t.resource,
    now: c.get("now")(),
    dryRun: opts.dryRun,
    fieldManager: opts.fieldManager,
    subresource: t.subresource,
    admit: c.get("admit"),
    allocator: allocatorFor(t.resource, c.env),
  };
}

/** Type-check a decoded object and put it in the request's namespace. */
export function admit(c: Ctx, t: Target, body: unknown, fieldValidation: FieldValidation): Result<KubeObject> {
  const checked = checkObject(t.kind, body, fieldValidation);
  if (!checked.ok) return checked;
  c.get("warnings").push(...checked.value.warnings);
  const obj = checked.value.object;
  if (!t.kind.namespaced) {
    delete obj.metadata.namespace;
  } else if (!obj.metadata.namespace) {
    obj.metadata.namespace = t.namespace;
  } else if (t.namespace !== undefined && obj.metadata.namespace !== t.namespace) {
    return { ok: false, error: badRequest("the namespace of the provided object does not match the namespace sent on the request") };
  }
  return { ok: true, value: obj };
}

export async function create(c: Ctx, t: Target, q: RequestQuery): Promise<Response> {
  const opts = writeOptions(c, q);
  if (t.kind.namespaced && t.namespace === undefined) return sendError(c, badRequest("the namespace of the object must be given in the request path"));
  const body = await readBody(c, t.kind);
  if (!body.ok) return sendError(c, body.error);
  const obj = admit(c, t, body.value, opts.fieldValidation);
  if (!obj.ok) return sendError(c, obj.error);
  const created = await writeCreate(writeContext(c, t, opts), obj.value);
  return created.ok ? sendObject(c, t.kind, created.value, 201) : sendError(c, created.error);
}

/**
 * Attempts of an unconditional update. kube-apiserver retries without a bound; every round lets
 * one writer through, so this only guards against a bug looping forever.
 */
const MAX_ATTEMPTS = 100;

type Attempt = { ok: true; value: Response } | { ok: false; error: ApiError; unconditional?: boolean };

/**
 * PUT. A body without a resourceVersion is an unconditional update: a writer that got in between
 * our read and our write is not the client's conflict, so read again and retry, as
 * kube-apiserver's GuaranteedUpdate does. With a resourceVersion, a conflict is the client's.
 */
export async function update(c: Ctx, t: Target, q: RequestQuery): Promise<Response> {
  const opts = writeOptions(c, q);
  for (let attempt = 1; ; attempt++) {
    // Decoded afresh each attempt (Hono keeps the bytes): admission fills in the object it is given.
    const body = await readBody(c, t.kind);
    if (!body.ok) return sendError(c, body.error);
    const result = await updateOnce(c, t, body.value, opts);
    if (result.ok) return result.value;
    if (!(result.unconditional && result.error.reason === "Conflict" && attempt < MAX_ATTEMPTS)) return sendError(c, result.error);
  }
}

async function updateOnce(c: Ctx, t: Target, body: unknown, opts: WriteOptions): Promise<Attempt> {
  const old = await getObject(c, t);
  if (!old.ok) return old;
  if (t.subresource === "scale") return updateScale(c, t, old.value, body, opts);
  const obj = admit(c, t, body, opts.fieldValidation);
  if (!obj.ok) return obj;
  if (obj.value.metadata.name !== t.name) {
    return { ok: false, error: badRequest(`the name of the object (${obj.value.metadata.name ?? ""}) does not match the name on the URL (${t.name ?? ""})`) };
  }
  const rv = obj.value.metadata.resourceVersion;
  const updated = await writeUpdate(writeContext(c, t, opts), old.value, obj.value, { expectedRv: rv ? Number(rv) : undefined });
  return updated.ok ? { ok: true, value: sendObject(c, t.kind, updated.value) } : { ...updated, unconditional: !rv };
}

async function updateScale(c: Ctx, t: Target, old: KubeObject, body: unknown, opts: WriteOptions): Promise<Attempt> {
  const scale = checkScale(body);
  if (!scale.ok) return scale;
  const rv = scale.value.metadata.resourceVersion;
  const updated = await writeUpdate(writeContext(c, t, opts), old, fromScale(t.kind, old, scale.value), { expectedRv: rv ? Number(rv) : undefined });
  return updated.ok ? { ok: true, value: c.json(toScale(t.kind, updated.value)) } : { ...updated, unconditional: !rv };
}
