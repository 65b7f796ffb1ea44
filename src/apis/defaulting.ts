// Helpers for defaulters. Defaults run on decoded JSON before schema validation, so they must
// tolerate any shape: they only touch values that already have the expected JSON type and leave
// the rest for validation to report.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The object items of a list field (nothing when the field is absent or not a list). */
export function objectsIn(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** The object under `key`, created empty when absent; undefined when the field has another type. */
export function child(o: JsonObject, key: string, create = false): JsonObject | undefined {
  if (o[key] === undefined && create) o[key] = {};
  const v = o[key];
  return isObject(v) ? v : undefined;
}

/** Set `key` unless it holds a value. As in Go, "" and (with `zeroUnset`) 0 count as unset. */
export function setDefault(o: JsonObject, key: string, value: unknown, zeroUnset = false): void {
  const cur = o[key];
  if (cur === undefined || cur === null || cur === "" || (zeroUnset && cur === 0)) o[key] = value;
}
