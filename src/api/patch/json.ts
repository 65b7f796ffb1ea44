// Plain-JSON helpers shared by the engines. Documents are what JSON.parse returns: objects,
// arrays, strings, numbers, booleans and null; `undefined` means "absent".
import type { JsonObject } from "./types";

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export { clone } from "../../util/json";

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** JSON with object keys sorted, as Go's encoding/json writes maps (last-applied annotations, keys in field sets). */
export function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(",")}]`;
  if (isObject(v)) {
    const entries = Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${sortedJson(v[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/** The broad JSON type of a value, used where Go compares reflect types (SMP replaces on a type change). */
export function jsonType(v: unknown): "object" | "array" | "null" | "string" | "number" | "boolean" | "absent" {
  if (v === undefined) return "absent";
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  return t === "string" || t === "number" || t === "boolean" ? t : "object";
}

/** `obj[key]` if it is the object's own property: patches may carry keys like "__proto__". */
export function own(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Set an own, enumerable property even for keys like "__proto__", which plain assignment would treat as the prototype. */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}
