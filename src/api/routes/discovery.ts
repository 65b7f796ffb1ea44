// Discovery and OpenAPI routes: documents computed once per isolate from the kind registry.
import type { Hono } from "hono";
import { allKinds } from "../../apis/registry";
import type { AppEnv } from "../context";
import { aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions, discoveryFormat } from "../discovery";
import { openapiV2, openapiV3GroupVersion, openapiV3Root } from "../openapi";
import { notFound, toStatus } from "../status";

const pathNotFound = () => toStatus({ ...notFound("", "", ""), message: "the server could not find the requested resource" });

export function mountDiscovery(app: Hono<AppEnv>): void {
  app.get("/api", (c) => {
    const format = discoveryFormat(c.req.header("accept"));
    if (format.aggregated) return c.body(JSON.stringify(aggregatedDiscovery(allKinds, "core")), 200, { "content-type": format.contentType });
    return c.json(apiVersions());
  });
  app.get("/apis", (c) => {
    const format = discoveryFormat(c.req.header("accept"));
    if (format.aggregated) return c.body(JSON.stringify(aggregatedDiscovery(allKinds, "apis")), 200, { "content-type": format.contentType });
    return c.json(apiGroupList(allKinds));
  });
  app.get("/api/v1", (c) => c.json(apiResourceList(allKinds, "", "v1")));
  app.get("/apis/:group/:version", (c) => {
    const list = apiResourceList(allKinds, c.req.param("group"), c.req.param("version"));
    return list ? c.json(list) : c.json(pathNotFound(), 404);
  });
  app.get("/apis/:group", (c) => {
    const group = apiGroupList(allKinds).groups.find((g) => g.name === c.req.param("group"));
    return group ? c.json({ kind: "APIGroup", apiVersion: "v1", ...group }) : c.json(pathNotFound(), 404);
  });
  app.get("/openapi/v2", (c) => c.json(openapiV2(allKinds)));
  app.get("/openapi/v3", (c) => c.json(openapiV3Root(allKinds)));
  app.get("/openapi/v3/*", (c) => {
    const doc = openapiV3GroupVersion(allKinds, c.req.path.slice("/openapi/v3/".length));
    return doc ? c.json(doc) : c.json(pathNotFound(), 404);
  });
}
