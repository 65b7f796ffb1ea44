// RFC 7386 JSON merge patch (application/merge-patch+json): objects merge key by key, `null`
// deletes, anything else (arrays included) replaces. What kubectl label/annotate/scale send.
import { clone, isObject, own, setOwn } from "./json";
import { badRequest, ok, type PatchResult } from "./types";

/**
 * Apply `patch` to a copy of `doc`. Like kube-apiserver (evanphx/json-patch), a patch that is not
 * a JSON object is refused with "Invalid JSON Patch": it could only replace the whole object.
 */
export function applyMergePatch(doc: unknown, patch: unknown): PatchResult {
  if (!isObject(patch)) return badRequest("Invalid JSON Patch");
  return ok(mergeValue(clone(doc), patch));
}

function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else setOwn(out, key, mergeValue(own(out, key), value));
  }
  return out;
}
