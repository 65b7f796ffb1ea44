// The patch engines' small vocabulary: every engine returns a value or a PatchError, never
// throws. The API layer turns a PatchError into a Status (reason → HTTP code) in one place.
import type { FieldCause } from "../../apis/types";

export type PatchReason = "BadRequest" | "Invalid" | "Conflict" | "UnsupportedMediaType" | "RequestEntityTooLarge";

export interface PatchError {
  reason: PatchReason;
  message: string;
  causes?: FieldCause[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: PatchError };

/** The outcome of json-patch, merge-patch and strategic-merge-patch: the patched document. */
export type PatchResult = Result<unknown>;

export type JsonObject = { [key: string]: unknown };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(reason: PatchReason, message: string, causes?: FieldCause[]): Result<T> {
  return { ok: false, error: causes ? { reason, message, causes } : { reason, message } };
}

export function badRequest<T = never>(message: string): Result<T> {
  return fail("BadRequest", message);
}
