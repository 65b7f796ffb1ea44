// services/{name}/proxy and pods/{name}/proxy: any method, any path after "proxy", forwarded to
// the Service's ready endpoints or to the pod (src/services/traffic.ts). The backend path is
// taken from the raw URL, so its encoding, double slashes and trailing slash reach the backend
// as the client wrote them; the query is the backend's too.
import type { Ctx } from "../context";
import type { Target } from "../paths";
import { sendError } from "../respond";
import { badRequest } from "../status";
import { workerDial } from "../../services/dial";
import { splitSchemeNamePort } from "../../services/resolve";
import { proxyToPod, proxyToService } from "../../services/traffic";

/** The raw path up to and including ".../{plural}/{id}/proxy", and what follows it. */
function splitPath(pathname: string, plural: string): { mount: string; rest: string } | undefined {
  const segments = pathname.split("/");
  for (let i = 1; i + 2 < segments.length; i++) {
    if (segments[i] === plural && segments[i + 2] === "proxy") {
      const mount = segments.slice(0, i + 3).join("/");
      return { mount, rest: pathname.slice(mount.length) };
    }
  }
  return undefined;
}

export async function proxy(c: Ctx, t: Target): Promise<Response> {
  const id = splitSchemeNamePort(t.name ?? "");
  if (!id) return sendError(c, badRequest(`invalid ${t.kind.singular} request ${JSON.stringify(t.name ?? "")}`));
  const url = new URL(c.req.url);
  const split = splitPath(url.pathname, t.kind.plural);
  if (!split) return sendError(c, badRequest("the proxy path could not be read"));
  // ".../proxy" on its own: a browser is sent to ".../proxy/" so that relative links resolve under it.
  if (split.rest === "" && (c.req.method === "GET" || c.req.method === "HEAD")) return c.redirect(`${url.pathname}/${url.search}`, 301);
  const store = c.get("store");
  const ctx = { store, dial: workerDial(c.env, store), now: c.get("now")() };
  const req = { request: c.req.raw, namespace: t.namespace ?? "", id, path: split.rest || "/", search: url.search, mountPrefix: split.mount };
  return t.kind.plural === "pods" ? proxyToPod(ctx, req) : proxyToService(ctx, req);
}
