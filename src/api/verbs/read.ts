// get and list. A list reads the store in pages, filters by label and field selectors, and
// hands out a continue token holding the first page's revision and the last key served. Every
// page after the first is read from the store's snapshot at that revision, as Kubernetes does.
import type { KubeObject } from "../../apis/types";
import type { Ctx } from "../context";
import type { Target } from "../paths";
import { sendError, sendList, sendObject } from "../respond";
import { selection } from "../selection";
import type { RequestQuery } from "../decode";
import { continueExpired, notFound, type Result } from "../status";
import { encodeContinue } from "../continue";

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
export async function listObjects(c: Ctx, t: Target, q: Pick<RequestQuery, "labelSelector" | "fieldSelector" | "limit" | "continueToken">): Promise<Result<Listed>> {
  const store = c.get("store");
  const chosen = selection(t.kind, q.labelSelector, q.fieldSelector);
  let after = q.continueToken?.start;
  let rv = q.continueToken?.rv;
  const limit = q.limit && q.limit > 0 ? q.limit : Infinity;
  const items: KubeObject[] = [];
  for (;;) {
    const query = {
      resource: t.resource,
      namespace: t.namespace,
      nodeName: t.resource === "pods" ? chosen.nodeName : undefined,
      after,
      limit: limit === Infinity ? PAGE : Math.min(PAGE, limit - items.length),
    };
    const page = rv === undefined ? await store.list(query) : await store.listAt(query, rv);
    if (!page) return { ok: false, error: continueExpired() };
    rv ??= page.rv;
    for (const obj of page.items) if (chosen.selects(obj)) items.push(obj);
    after = page.next;
    if (!after) return { ok: true, value: { items, rv } };
    if (items.length >= limit) return { ok: true, value: { items, rv, continue: encodeContinue({ rv, start: after }) } };
  }
}

export async function list(c: Ctx, t: Target, q: RequestQuery): Promise<Response> {
  const listed = await listObjects(c, t, q);
  if (!listed.ok) return sendError(c, listed.error);
  const { items, rv } = listed.value;
  return sendList(c, t.kind, items, { resourceVersion: String(rv), ...(listed.value.continue ? { continue: listed.value.continue } : {}) });
}
