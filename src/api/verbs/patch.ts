// patch: JSON patch, merge patch, strategic merge patch, and server-side apply. A patch is
// applied to the latest object and retried on a conflict unless it carried a resourceVersion,
// as kube-apiserver's patcher does.
import type { KubeObject } from "../../apis/types";
import type { Ctx } from "../context";
import { applyPatch } from "../patch/apply";
import { applyPatchByContentType } from "../patch";
import type { PatchError } from "../patch/types";
import { apiVersionOf } from "../admission";
import type { Target } from "../paths";
import { readBody, writeOptions, type WriteOptions } from "../request";
import { SECRET_BODY, type RequestQuery } from "../decode";
import { sendError, sendObject } from "../respond";
import { checkScale, fromScale, toScale } from "../scale";
import { badRequest, unsupportedMediaType, type ApiError, type Result } from "../status";
import { writeCreate, writeUpdate } from "../writes";
import { timestamp } from "../objectmeta";
import { getObject } from "./read";
import { admit, writeContext } from "./write";

const PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];
const MAX_ATTEMPTS = 5;

export async function patch(c: Ctx, t: Target, q: RequestQuery): Promise<Response> {
  const contentType = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (!PATCH_TYPES.includes(contentType)) return sendError(c, unsupportedMediaType(PATCH_TYPES));
  const opts = writeOptions(c, q);
  const apply = contentType === "application/apply-patch+yaml";
  const body = await readPatchBody(c, t, apply);
  if (!body.ok) return sendError(c, body.error);
  for (let attempt = 1; ; attempt++) {
    const result = apply ? await serverSideApply(c, t, body.value, opts) : await patchOnce(c, t, contentType, body.value, opts);
    if (result.ok) return result.value;
    const retriable = result.error.reason === "Conflict" && !result.preconditioned && attempt < MAX_ATTEMPTS;
    if (!retriable) return sendError(c, result.error);
  }
}

/** Patch bodies are JSON (a JSON patch is an array); apply configurations may be YAML. */
async function readPatchBody(c: Ctx, t: Target, apply: boolean): Promise<Result<unknown>> {
  if (apply) return readBody(c, t.kind, "application/yaml");
  const text = await c.req.text();
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    // JSON.parse reports malformed input only by throwing.
    // The parser's message quotes the input: never a Secret's.
    return { ok: false, error: badRequest(`error decoding patch: ${t.kind.kind === "Secret" ? SECRET_BODY : (err as Error).message}`) };
  }
}

const PATCH_ERROR_CODES: Record<PatchError["reason"], number> = {
  BadRequest: 400,
  Conflict: 409,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
};

function patchError(e: PatchError): ApiError {
  return { code: PATCH_ERROR_CODES[e.reason], reason: e.reason, message: e.message, ...(e.causes ? { details: { causes: e.causes } } : {}) };
}

type Attempt = { ok: true; value: Response } | { ok: false; error: ApiError; preconditioned?: boolean };

async function patchOnce(c: Ctx, t: Target, contentType: string, body: unknown, opts: WriteOptions): Promise<Attempt> {
  const old = await getObject(c, t);
  if (!old.ok) return old;
  const scale = t.subresource === "scale";
  const base: unknown = scale ? toScale(t.kind, old.value) : old.value;
  const patched = applyPatchByContentType(contentType, base, body, t.kind.schema);
  if (!patched.ok) return { ok: false, error: patchError(patched.error) };
  const candidate = scale ? scaleCandidate(t, old.value, patched.value) : admit(c, t, patched.value, opts.fieldValidation);
  if (!candidate.ok) return candidate;
  const rv = candidate.value.metadata.resourceVersion;
  const preconditioned = rv !== undefined && rv !== old.value.metadata.resourceVersion;
  const written = await writeUpdate(writeContext(c, t, opts), old.value, candidate.value, { expectedRv: rv ? Number(rv) : undefined });
  if (!written.ok) return { ...written, preconditioned };
  return { ok: true, value: scale ? c.json(toScale(t.kind, written.value)) : sendObject(c, t.kind, written.value) };
}

function scaleCandidate(t: Target, old: KubeObject, patched: unknown): Result<KubeObject> {
  const scale = checkScale(patched);
  if (!scale.ok) return scale;
  const next = fromScale(t.kind, old, scale.value);
  next.metadata.resourceVersion = scale.value.metadata.resourceVersion;
  return { ok: true, value: next };
}

/** Server-side apply: merge the applied configuration under the manager's ownership; create if absent. */
async function serverSideApply(c: Ctx, t: Target, body: unknown, opts: WriteOptions): Promise<Attempt> {
  const applied = admit(c, t, body, opts.fieldValidation);
  if (!applied.ok) return applied;
  if (applied.value.metadata.name !== t.name) {
    return { ok: false, error: badRequest(`the name of the object (${applied.value.metadata.name ?? ""}) does not match the name on the URL (${t.name ?? ""})`) };
  }
  const existing = await getObject(c, t);
  const live = existing.ok ? existing.value : undefined;
  const w = writeContext(c, t, opts);
  const merged = applyPatch({
    live,
    applied: applied.value,
    manager: opts.fieldManager,
    force: opts.force,
    schema: t.kind.schema,
    apiVersion: apiVersionOf(t.kind),
    kind: t.kind.kind,
    subresource: t.subresource,
    now: timestamp(w.now),
  });
  // A conflict between managers is final: retrying would meet the same owners.
  if (!merged.ok) return { ok: false, error: patchError(merged.error), preconditioned: true };
  const obj = { ...merged.object, metadata: { ...merged.object.metadata, managedFields: merged.managedFields } } as KubeObject;
  const written = live
    ? await writeUpdate(w, live, obj, { expectedRv: Number(live.metadata.resourceVersion), managedFieldsSet: true })
    : await writeCreate(w, obj, { managedFieldsSet: true });
  if (!written.ok) return written;
  return { ok: true, value: sendObject(c, t.kind, written.value, live ? 200 : 201) };
}
