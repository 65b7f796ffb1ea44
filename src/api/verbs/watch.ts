// watch: validated here, served by the resource's watch hub Durable Object as one stream.
import type { Ctx } from "../context";
import type { Target } from "../paths";
import { sendError } from "../respond";
import { parseAccept } from "../table";
import { selectionFrom } from "../selection";
import { badRequest } from "../status";
import type { WatchSpec } from "../watchview";

export async function watch(c: Ctx, t: Target): Promise<Response> {
  const q = (name: string) => c.req.query(name);
  const selection = selectionFrom(t.kind, q("labelSelector"), q("fieldSelector"));
  if (!selection.ok) return sendError(c, selection.error);
  const accept = parseAccept(c.req.header("accept"));
  if (!accept.ok) return sendError(c, accept.error);
  const rv = q("resourceVersion");
  if (rv && rv !== "0" && !/^\d+$/.test(rv)) return sendError(c, badRequest(`invalid resource version: ${rv}`));
  const timeout = q("timeoutSeconds");
  if (timeout !== undefined && !/^\d+$/.test(timeout)) return sendError(c, badRequest(`invalid timeoutSeconds: ${timeout}`));
  const include = q("includeObject");
  const spec: WatchSpec = {
    resource: t.resource,
    group: t.kind.group,
    version: t.kind.version,
    plural: t.kind.plural,
    namespace: t.namespace,
    name: t.name,
    labelSelector: q("labelSelector"),
    fieldSelector: q("fieldSelector"),
    resourceVersion: rv,
    bookmarks: q("allowWatchBookmarks") === "true",
    sendInitialEvents: q("sendInitialEvents") === "true",
    timeoutSeconds: timeout ? Number(timeout) : undefined,
    table: accept.value.format === "table",
    includeObject: include === "None" || include === "Object" ? include : "Metadata",
  };
  const hub = c.env.WATCH_HUB.get(c.env.WATCH_HUB.idFromName(t.resource));
  return hub.fetch("https://watch-hub/watch", { headers: { "x-watch-spec": JSON.stringify(spec) } });
}
