// get and list. A list reads the store in pages, filters by label and field selectors, and
// hands out a continue token holding the first page's revision and the last key served.
import type { KubeObject } from "../../apis/types";
import type { Ctx } from "../context";
import type { Target } from "../paths";
import { sendError, sendList, sendObject } from "../respond";
import { selectionFrom } from "../selection";
import { continueExpired, notFound, type Result } from "../status";
import { decodeContinue, encodeContinue } from "../continue";

const PAGE = 500;

export async function getObject(c: Ctx, t: Target): Promise<Result<KubeObject>> {
  const obj = await c.get("store").get({ resource: t.resource, namespace: t.namespace ?? "", name: t.name ?? "" });
  if (!obj) return { ok: false, error: notFound(t.kind.plural, t.kind.group, t.name ?? "") };
  return { ok: true, value: obj };
}

export async function get(c: Ctx, t: Target): Promise<Response> {
  const found = await getObject(c, t);
  return found.ok ? sendObject(c, t.kind, found.value) : sendError(c, found.error);
}

export interface Listed {
  items: KubeObject[];
  rv: number;
  continue?: string;
}

/** Read up to `limit` matching objects (0: all) after the continue token's key. */
export async function listObjects(c: Ctx, t: Target, query: { labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string }): Promise<Result<Listed>> {
  const store = c.get("store");
  const selection = selectionFrom(t.kind, query.labelSelector, query.fieldSelector);
  if (!selection.ok) return selection;
  let after: { namespace: string; name: string } | undefined;
  let rv: number | undefined;
  if (query.continue) {
    const token = decodeContinue(query.continue);
    if (!token.ok) return token;
    if (token.value.rv <= (await store.compacted())) return { ok: false, error: continueExpired() };
    rv = token.value.rv;
    after = token.value.start;
  }
  const limit = query.limit && query.limit > 0 ? query.limit : Infinity;
  const items: KubeObject[] = [];
  for (;;) {
    const page = await store.list({
      resource: t.resource,
      namespace: t.namespace,
      nodeName: t.resource === "pods" ? selection.value.nodeName : undefined,
      after,
      limit: Math.min(PAGE, limit === Infinity ? PAGE : Math.max(limit - items.length, 1)),
    });
    rv ??= page.rv;
    for (const obj of page.items) {
      if (selection.value.selects(obj)) items.push(obj);
    }
    after = page.next;
    if (!after) return { ok: true, value: { items, rv } };
    if (items.length >= limit) {
      const last = items[items.length - 1];
      return { ok: true, value: { items, rv, continue: encodeContinue({ rv, start: { namespace: last.metadata.namespace ?? "", name: last.metadata.name ?? "" } }) } };
    }
  }
}

export async function list(c: Ctx, t: Target): Promise<Response> {
  const limitText = c.req.query("limit");
  const listed = await listObjects(c, t, {
    labelSelector: c.req.query("labelSelector"),
    fieldSelector: c.req.query("fieldSelector"),
    limit: limitText ? Number(limitText) : undefined,
    continue: c.req.query("continue"),
  });
  if (!listed.ok) return sendError(c, listed.error);
  const { items, rv } = listed.value;
  return sendList(c, t.kind, items, { resourceVersion: String(rv), ...(listed.value.continue ? { continue: listed.value.continue } : {}) });
}
