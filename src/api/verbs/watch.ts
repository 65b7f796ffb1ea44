// watch: validated here, served by the resource's watch hub Durable Object as one stream.
import type { Ctx } from "../context";
import type { Target } from "../paths";
import { sendError } from "../respond";
import { parseAccept, parseIncludeObject } from "../table";
import type { RequestQuery } from "../decode";
import type { WatchSpec } from "../watchview";

export async function watch(c: Ctx, t: Target, query: RequestQuery): Promise<Response> {
  const q = (name: string) => c.req.query(name);
  const accept = parseAccept(c.req.header("accept"));
  if (!accept.ok) return sendError(c, accept.error);
  const include = parseIncludeObject(query.includeObject);
  if (!include.ok) return sendError(c, include.error);
  const spec: WatchSpec = {
    resource: t.resource,
    group: t.kind.group,
    version: t.kind.version,
    plural: t.kind.plural,
    namespace: t.namespace,
    name: t.name,
    labelSelector: q("labelSelector"),
    fieldSelector: q("fieldSelector"),
    resourceVersion: query.resourceVersion,
    bookmarks: query.allowWatchBookmarks,
    sendInitialEvents: query.sendInitialEvents ?? false,
    timeoutSeconds: query.timeoutSeconds,
    table: accept.value.format === "table",
    includeObject: include.value,
  };
  const hub = c.env.WATCH_HUB.get(c.env.WATCH_HUB.idFromName(t.resource));
  return hub.fetch("https://watch-hub/watch", { headers: { "x-watch-spec": JSON.stringify(spec) } });
}
