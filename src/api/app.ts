// The Hono application: health, version, discovery, OpenAPI and the resource routes.
import { Hono } from "hono";
import { makeStore } from "../wiring";
import { mountAdmin } from "../auth/admin";
import { authMiddleware } from "../auth/middleware";
import { answerTokenRequest, answerVirtual } from "../auth/virtual";
import type { AppEnv, Ctx } from "./context";
import { mountDiscovery } from "./routes/discovery";
import { parseTarget, type Target } from "./paths";
import { ensureBootstrap } from "./bootstrap";
import { sendError } from "./respond";
import { internalError, isApiError, methodNotAllowed, StatusError, toStatus, notFound } from "./status";
import { get, list } from "./verbs/read";
import { create, update } from "./verbs/write";
import { patch } from "./verbs/patch";
import { remove, removeCollection } from "./verbs/delete";
import { watch } from "./verbs/watch";
import { bind, log } from "./verbs/pods";
import { proxy } from "./verbs/proxy";
import { toScale } from "./scale";
import { getObject } from "./verbs/read";
import { parseQuery, type RequestQuery, type Verb } from "./decode";

export const VERSION_INFO = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0-edgeplane",
  gitCommit: "edgeplane",
  gitTreeState: "clean",
  buildDate: "2026-11-27T00:00:00Z",
  goVersion: "n/a",
  compiler: "workerd",
  platform: "cloudflare/workers",
};


function verbOf(method: string, t: Target, watching: boolean): Verb | undefined {
  switch (method) {
    case "GET":
      return watching ? "watch" : t.name ? "get" : "list";
    case "POST":
      return t.name ? (t.subresource ? "create" : undefined) : "create";
    case "PUT":
      return t.name ? "update" : undefined;
    case "PATCH":
      return t.name ? "patch" : undefined;
    case "DELETE":
      return t.name ? "delete" : "deletecollection";
  }
  return undefined;
}

async function subresource(c: Ctx, t: Target, verb: Verb, q: RequestQuery): Promise<Response | undefined> {
  switch (`${t.subresource}:${verb}`) {
    case "status:get":
      return get(c, t);
    case "status:update":
    case "scale:update":
      return update(c, t, q);
    case "status:patch":
    case "scale:patch":
      return patch(c, t, q);
    case "scale:get": {
      const obj = await getObject(c, t);
      return obj.ok ? c.json(toScale(t.kind, obj.value)) : sendError(c, obj.error);
    }
    case "binding:create":
      return bind(c, t);
    case "log:get":
      return log(c, t);
    case "token:create":
      return answerTokenRequest(c, t, q);
  }
  return undefined;
}

async function resource(c: Ctx, group: string, version: string, segments: string[]): Promise<Response> {
  const parsed = parseTarget(group, version, segments);
  if (!parsed.ok) return sendError(c, parsed.error);
  const t = parsed.value;
  // Proxied requests take any method, and their query belongs to the backend.
  if (t.subresource === "proxy") return proxy(c, t);
  const watching = c.req.method === "GET" && !t.subresource && ["true", "1"].includes(c.req.query("watch") ?? "");
  const verb = verbOf(c.req.method, t, watching);
  const notAllowed = () => sendError(c, methodNotAllowed(t.subresource ? `${t.kind.plural}/${t.subresource}` : t.kind.plural, t.kind.group, c.req.method));
  if (!verb) return notAllowed();
  const q = parseQuery(new URL(c.req.url).searchParams, { verb, kind: t.kind, patchType: c.req.header("content-type") });
  if (!q.ok) return sendError(c, q.error);
  if (t.kind.virtual) return answerVirtual(c, t, verb, q.value);
  if (t.subresource) return (await subresource(c, t, verb, q.value)) ?? notAllowed();
  switch (verb) {
    case "get":
      return get(c, t);
    case "list":
      return list(c, t, q.value);
    case "watch":
      return watch(c, t, q.value);
    case "create":
      return create(c, t, q.value);
    case "update":
      return update(c, t, q.value);
    case "patch":
      return patch(c, t, q.value);
    case "delete":
      return remove(c, t, q.value);
    case "deletecollection":
      return removeCollection(c, t, q.value);
  }
}

function segmentsAfter(path: string, prefix: string): string[] {
  return path
    .slice(prefix.length)
    .split("/")
    .filter((s) => s !== "")
    .map(decodeURIComponent);
}

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.onError((err, c) => {
    if (err instanceof StatusError) return c.json(toStatus(err.error), err.error.code as 400);
    if (isApiError(err)) return c.json(toStatus(err), err.code as 400);
    console.error("unhandled error", err);
    return c.json(toStatus(internalError(err instanceof Error ? err.message : String(err))), 500);
  });
  app.notFound((c) => c.json(toStatus({ ...notFound("", "", ""), message: "the server could not find the requested resource" }), 404));

  for (const path of ["/healthz", "/livez", "/readyz"]) app.get(path, (c) => c.text("ok"));

  app.use("*", async (c, next) => {
    c.set("store", makeStore(c.env, (p) => c.executionCtx.waitUntil(p)));
    c.set("now", Date.now);
    c.set("warnings", []);
    await ensureBootstrap(c.get("store"), c.env);
    await next();
  });
  // Authentication, rate limiting, authorization and audit (src/auth), before any route.
  app.use("*", ...authMiddleware());

  app.get("/version", (c) => c.json(VERSION_INFO));
  mountAdmin(app);
  mountDiscovery(app);

  app.all("/api/v1/*", (c) => resource(c, "", "v1", segmentsAfter(c.req.path, "/api/v1")));
  app.all("/apis/:group/:version/*", (c) => {
    const { group, version } = c.req.param();
    return resource(c, group, version, segmentsAfter(c.req.path, `/apis/${group}/${version}`));
  });
  return app;
}
