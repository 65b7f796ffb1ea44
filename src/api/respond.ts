// Output: objects and lists as JSON or YAML, or converted to the meta.k8s.io Table or
// PartialObjectMetadata the Accept header asks for.
import { stringify } from "yaml";
import type { KindDef, KubeObject } from "../apis/types";
import type { Ctx } from "./context";
import { apiVersionOf } from "./admission";
import { asPartialObjectMetadata, asPartialObjectMetadataList, parseAccept, parseIncludeObject, partialMismatch, toTable, type ListMeta, type Negotiated } from "./table";
import { toStatus, type ApiError } from "./status";

function warningHeaders(c: Ctx): void {
  for (const w of c.get("warnings")) c.header("Warning", `299 - ${JSON.stringify(w)}`, { append: true });
}

function encode(c: Ctx, value: unknown, code: number, n: Negotiated): Response {
  warningHeaders(c);
  const text = n.mediaType === "application/yaml" ? stringify(value) : JSON.stringify(value, null, n.pretty ? 2 : undefined);
  return c.body(text, code as 200, { "content-type": n.contentType });
}

export function sendError(c: Ctx, err: ApiError): Response {
  warningHeaders(c);
  if (err.details?.retryAfterSeconds) c.header("Retry-After", String(err.details.retryAfterSeconds));
  return c.json(toStatus(err), err.code as 400);
}

/** Encode an object or a list as negotiated; `items` set means a list. */
function send(c: Ctx, kind: KindDef, objects: KubeObject[], listMeta: ListMeta | undefined, code: number): Response {
  const negotiated = parseAccept(c.req.header("accept"));
  if (!negotiated.ok) return sendError(c, negotiated.error);
  const n = negotiated.value;
  const mismatch = partialMismatch(n.as, listMeta !== undefined);
  if (mismatch) return sendError(c, mismatch);
  if (n.format === "table") {
    const include = parseIncludeObject(c.req.query("includeObject"));
    if (!include.ok) return sendError(c, include.error);
    const meta = listMeta ?? { resourceVersion: objects[0]?.metadata.resourceVersion ?? "" };
    return encode(c, toTable(kind, objects, { now: new Date(c.get("now")()), includeObject: include.value, listMeta: meta, version: n.version }), code, n);
  }
  if (n.format === "partial") {
    return encode(c, listMeta ? asPartialObjectMetadataList(objects, listMeta, n.version) : asPartialObjectMetadata(objects[0], n.version), code, n);
  }
  if (!listMeta) return encode(c, objects[0], code, n);
  return encode(c, { kind: kind.listKind, apiVersion: apiVersionOf(kind), metadata: listMeta, items: objects }, code, n);
}

export function sendObject(c: Ctx, kind: KindDef, obj: KubeObject, code = 200): Response {
  return send(c, kind, [obj], undefined, code);
}

export function sendList(c: Ctx, kind: KindDef, items: KubeObject[], meta: ListMeta): Response {
  return send(c, kind, items, meta, 200);
}
