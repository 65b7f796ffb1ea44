// Discovery and OpenAPI routes, computed from the kind registry.
import type { Hono } from "hono";
import { allKinds } from "../../apis/registry";
import type { AppEnv, Ctx } from "../context";
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery } from "../discovery";
import { openapiV2, openapiV3GroupVersion, openapiV3Root } from "../openapi";
import { notFound, toStatus } from "../status";

const pathNotFound = () => toStatus({ ...notFound("", "", ""), message: "the server could not find the requested resource" });

function found(c: Ctx, doc: unknown): Response {
  return doc ? c.json(doc) : c.json(pathNotFound(), 404);
}

function discovery(c: Ctx, scope: "core" | "apis", legacy: () => unknown): Response {
  const format = negotiateDiscovery(c.req.header("accept"));
  if (!format.aggregated) return c.json(legacy());
  return c.body(JSON.stringify(aggregatedDiscovery(allKinds, scope, format.version)), 200, { "content-type": format.contentType });
}

export function mountDiscovery(app: Hono<AppEnv>): void {
  app.get("/api", (c) => discovery(c, "core", () => apiVersions(allKinds, new URL(c.req.url).host)));
  app.get("/apis", (c) => discovery(c, "apis", () => apiGroupList(allKinds)));
  app.get("/api/v1", (c) => found(c, apiResourceList(allKinds, "", "v1")));
  app.get("/apis/:group/:version", (c) => found(c, apiResourceList(allKinds, c.req.param("group"), c.req.param("version"))));
  app.get("/apis/:group", (c) => found(c, apiGroup(allKinds, c.req.param("group"))));
  app.get("/openapi/v2", (c) => c.json(openapiV2(allKinds)));
  app.get("/openapi/v3", (c) => c.json(openapiV3Root(allKinds)));
  app.get("/openapi/v3/*", (c) => found(c, openapiV3GroupVersion(allKinds, c.req.path.slice("/openapi/v3/".length))));
}
