// The OpenAPI documents kubectl and client libraries read, as pure functions of the kind list:
// GET /openapi/v3 (the index of documents with their content hashes), GET /openapi/v3/<path>
// (one group-version, or the api/apis/group documents) and GET /openapi/v2 (Swagger 2.0, JSON).
// Results are memoised per kinds array, so pass the registry's one list, not a fresh copy.
// The modules under ./openapi/ hold the parts: naming (catalog, names), zod conversion
// (convert, zodwalk), the apimachinery types (builtins), operations, and the documents.
import type { KindDef } from "../apis/types";
import type { JsonObject } from "./openapi/convert";
import { v2Document, v3Entry, v3Root } from "./openapi/documents";

export type { Json, JsonObject } from "./openapi/convert";

/** GET /openapi/v3: `{ paths: { "apis/apps/v1": { serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=..." } } }`. */
export function openapiV3Root(kinds: readonly KindDef[]): JsonObject {
  return v3Root(kinds);
}

/** The document behind one key of the v3 index ("api/v1", "apis/apps/v1", "apis/apps", "apis", "api"); a leading "/" is ignored. */
export function openapiV3GroupVersion(kinds: readonly KindDef[], path: string): JsonObject | undefined {
  return v3Entry(kinds, path.replace(/^\/+/, ""))?.doc;
}

/**
 * The same document already serialised, with the hash the index advertises for it, so a route
 * can answer without stringifying again and compare `?hash=` or an ETag.
 */
export function openapiV3GroupVersionJson(kinds: readonly KindDef[], path: string): { json: string; hash: string } | undefined {
  const entry = v3Entry(kinds, path.replace(/^\/+/, ""));
  return entry && { json: entry.json, hash: entry.hash };
}

/**
 * GET /openapi/v2 as JSON. kubectl itself asks for v2 only as protobuf, which we do not serve (it
 * reads v3); other clients (python, older tools) read this JSON.
 */
export function openapiV2(kinds: readonly KindDef[]): JsonObject {
  return v2Document(kinds);
}
