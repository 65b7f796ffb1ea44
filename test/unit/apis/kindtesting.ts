// Helpers for the kind tests: run an object through what the API does on a write (schema, the
// kind's defaults and its validation) and read a `kubectl get -o wide` row.
import { expect } from "vitest";
import type { FieldCause, KindDef, KubeObject } from "../../../src/apis/types";

export const NOW = new Date("2024-05-01T12:00:00Z");
export const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

/** A deep copy typed as a KubeObject, so tests can build objects as plain literals. */
export function obj(value: object): KubeObject {
  return structuredClone(value) as KubeObject;
}

/** Type-check against the schema (as the API does first), then default. */
export function admit(kind: KindDef, value: object): KubeObject {
  const o = obj(value);
  const parsed = kind.schema.safeParse(o);
  expect(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues)).toBe(true);
  kind.defaults?.(o);
  return o;
}

/** The causes as "field: message" lines, the way kubectl prints them. */
export function problems(kind: KindDef, o: KubeObject, old?: KubeObject): string[] {
  return (kind.validate?.(o, old) ?? []).map((c: FieldCause) => `${c.field}: ${c.message}`);
}

/** Column name → cell, wide columns included (the server always sends them). */
export function row(kind: KindDef, o: KubeObject, now = NOW): Record<string, unknown> {
  return Object.fromEntries(kind.columns.map((c) => [c.name, c.cell(o, now)]));
}

/** A minimal valid pod template with the given labels. */
export function template(labels: Record<string, string>, spec: Record<string, unknown> = {}) {
  return { metadata: { labels }, spec: { containers: [{ name: "web", image: "nginx:1.27" }], ...spec } };
}
