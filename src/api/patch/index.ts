// The patch engines: pure functions from (object, patch, schema) to a new object or a
// PatchError, shared by the PATCH verb, server-side apply and every write that records
// managedFields. No Worker APIs here.
//
//   applyPatchByContentType(contentType, live, body, schema)   json-patch, merge-patch, strategic-merge-patch
//   applyPatch({ live, applied, manager, force, ... })          server-side apply (needs a field manager)
//   updateManagedFields({ old, updated, manager, ... })         managedFields after create/update/patch
//   fieldManagerFor(query, userAgent) / managerFromUserAgent    the manager name Kubernetes would record
//
// A PatchError's reason maps to HTTP as Kubernetes does: BadRequest 400, Invalid 422,
// Conflict 409, UnsupportedMediaType 415, RequestEntityTooLarge 413.
import type { z } from "zod";
import { applyJsonPatch } from "./jsonpatch";
import { applyMergePatch } from "./mergepatch";
import { strategicMergePatch } from "./strategic";
import { fail, type PatchResult } from "./types";

export { applyPatch, LAST_APPLIED, type ApplyOptions, type ApplyResult } from "./apply";
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from "./jsonpatch";
export { fieldManagerFor, managerFromUserAgent, updateManagedFields, type UpdateManagedFieldsOptions } from "./managedfields";
export { applyMergePatch } from "./mergepatch";
export { strategicMergePatch } from "./strategic";
export type { PatchError, PatchReason, PatchResult, Result } from "./types";

export const PATCH_CONTENT_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;

/**
 * Apply a PATCH body (already decoded from JSON) of the given media type to `live`. `schema` is
 * the kind's schema; only strategic merge patch reads it (for merge keys and strategies).
 * Server-side apply (`application/apply-patch+yaml`) is not handled here: use `applyPatch`.
 */
export function applyPatchByContentType(contentType: string, live: unknown, body: unknown, schema: z.ZodType | undefined): PatchResult {
  switch (contentType.split(";")[0].trim().toLowerCase()) {
    case "application/json-patch+json":
      return applyJsonPatch(live, body);
    case "application/merge-patch+json":
      return applyMergePatch(live, body);
    case "application/strategic-merge-patch+json":
      return strategicMergePatch(live, body, schema);
    default:
      return fail("UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${PATCH_CONTENT_TYPES.join(", ")}`);
  }
}
