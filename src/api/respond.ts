// Output: objects and lists as JSON, YAML or meta.k8s.io Tables, as the Accept header asks.
import { stringify } from "yaml";
import type { KindDef, KubeObject } from "../apis/types";
import type { Ctx } from "./context";
import { apiVersionOf } from "./admission";
import { parseAccept, toTable, type IncludeObject } from "./table";
import { toStatus, type ApiError } from "./status";

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

function warningHeaders(c: Ctx): void {
  for (const w of c.get("warnings")) c.header("Warning", `299 - ${JSON.stringify(w)}`, { append: true });
}

function body(c: Ctx, value: unknown, code: number): Response {
  warningHeaders(c);
  const accept = parseAccept(c.req.header("accept"));
  if (accept.ok && accept.value.format === "yaml") {
    return c.body(stringify(value), code as 200, { "content-type": "application/yaml" });
  }
  return c.json(value, code as 200);
}

export function sendError(c: Ctx, err: ApiError): Response {
  warningHeaders(c);
  if (err.details?.retryAfterSeconds) c.header("Retry-After", String(err.details.retryAfterSeconds));
  return c.json(toStatus(err), err.code as 400);
}

function includeObject(c: Ctx): IncludeObject {
  const v = c.req.query("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

export function sendObject(c: Ctx, kind: KindDef, obj: KubeObject, code = 200): Response {
  const accept = parseAccept(c.req.header("accept"));
  if (!accept.ok) return sendError(c, accept.error);
  if (accept.value.format === "table") {
    return body(c, toTable(kind, [obj], { now: new Date(c.get("now")()), includeObject: includeObject(c), listMeta: { resourceVersion: obj.metadata.resourceVersion ?? "" } }), code);
  }
  return body(c, obj, code);
}

export function sendList(c: Ctx, kind: KindDef, items: KubeObject[], meta: ListMeta): Response {
  const accept = parseAccept(c.req.header("accept"));
  if (!accept.ok) return sendError(c, accept.error);
  if (accept.value.format === "table") {
    return body(c, toTable(kind, items, { now: new Date(c.get("now")()), includeObject: includeObject(c), listMeta: meta }), 200);
  }
  return body(c, { kind: kind.listKind, apiVersion: apiVersionOf(kind), metadata: meta, items }, 200);
}
