// The Hono application: health, version, discovery, OpenAPI and the resource routes.
import { Hono } from "hono";
import { makeStore } from "../wiring";
import { adminTokens, bearerTokens } from "./auth";
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
import { toScale } from "./scale";
import { getObject } from "./verbs/read";

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

function isWatch(c: Ctx): boolean {
  const w = c.req.query("watch");
  return w === "true" || w === "1";
}

async function subresource(c: Ctx, t: Target): Promise<Response> {
  const method = c.req.method;
  switch (t.subresource) {
    case "status":
      if (method === "GET") return get(c, t);
      if (method === "PUT") return update(c, t);
      if (method === "PATCH") return patch(c, t);
      break;
    case "scale":
      if (method === "GET") {
        const obj = await getObject(c, t);
        return obj.ok ? c.json(toScale(t.kind, obj.value)) : sendError(c, obj.error);
      }
      if (method === "PUT") return update(c, t);
      if (method === "PATCH") return patch(c, t);
      break;
    case "binding":
      if (method === "POST") return bind(c, t);
      break;
    case "log":
      if (method === "GET") return log(c, t);
      break;
  }
  return sendError(c, methodNotAllowed(`${t.kind.plural}/${t.subresource}`, t.kind.group, method));
}

async function resource(c: Ctx, group: string, version: string, segments: string[]): Promise<Response> {
  const parsed = parseTarget(group, version, segments);
  if (!parsed.ok) return sendError(c, parsed.error);
  const t = parsed.value;
  if (t.subresource) return subresource(c, t);
  const method = c.req.method;
  if (!t.name) {
    if (method === "GET") return isWatch(c) ? watch(c, t) : list(c, t);
    if (method === "POST") return create(c, t);
    if (method === "DELETE") return removeCollection(c, t);
  } else {
    if (method === "GET") return isWatch(c) ? watch(c, t) : get(c, t);
    if (method === "PUT") return update(c, t);
    if (method === "PATCH") return patch(c, t);
    if (method === "DELETE") return remove(c, t);
  }
  return sendError(c, methodNotAllowed(t.kind.plural, t.kind.group, method));
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

  app.use("*", bearerTokens({ tokens: adminTokens }));
  app.use("*", async (c, next) => {
    c.set("store", makeStore(c.env, (p) => c.executionCtx.waitUntil(p)));
    c.set("now", Date.now);
    c.set("warnings", []);
    await ensureBootstrap(c.get("store"));
    await next();
  });

  app.get("/version", (c) => c.json(VERSION_INFO));
  mountDiscovery(app);

  app.all("/api/v1/*", (c) => resource(c, "", "v1", segmentsAfter(c.req.path, "/api/v1")));
  app.all("/apis/:group/:version/*", (c) => {
    const { group, version } = c.req.param();
    return resource(c, group, version, segmentsAfter(c.req.path, `/apis/${group}/${version}`));
  });
  return app;
}
