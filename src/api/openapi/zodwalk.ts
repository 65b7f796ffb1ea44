// Reading zod v4 schemas as data: peel the wrappers that do not change a value's shape
// (optional, nullable, default...), find a schema's identity across `.meta()`/`.describe()`
// clones, and read the metadata the kinds attach. Both the naming pass and the converter use it.
import { z } from "zod";

export type ZodNode = z.core.$ZodType;
/** A schema seen through its def's discriminant, so a switch on `def.type` narrows it. */
export type ZodCore = z.core.$ZodTypes;
export type Meta = Record<string, unknown>;

/** What the wrappers around a core schema say. */
export interface Unwrapped {
  core: ZodCore;
  /** Metadata of the wrappers, outermost last so that it wins when spread. */
  wrapperMeta: Meta;
  nullable: boolean;
  defaultValue?: unknown;
}

/** Metadata registered for this schema (zod merges the metadata of the schemas it was cloned from). */
export function metaOf(node: ZodNode): Meta {
  return { ...(z.globalRegistry.get(node) ?? {}) };
}

/** zod drops `id` when metadata is inherited by a clone, so look for it up the clone chain. */
export function idOf(node: ZodNode): string | undefined {
  for (let n: ZodNode | undefined = node; n; n = n._zod.parent) {
    const id = z.globalRegistry.get(n)?.id;
    if (typeof id === "string" && id !== "") return id;
  }
  return undefined;
}

/**
 * The schema a clone was made from. `.meta()`, `.describe()` and `.brand()` clone a schema with the
 * same def and record the original as `_zod.parent`, so the root of that chain identifies "the same
 * schema" wherever a kind reuses it with other metadata.
 */
export function canonical(node: ZodNode): ZodNode {
  let n = node;
  while (n._zod.parent) n = n._zod.parent;
  return n;
}

export function asCore(node: ZodNode): ZodCore {
  return node as ZodCore;
}

/** The schema a wrapper wraps, or undefined when `core` is not a wrapper. */
function innerOf(core: ZodCore): ZodNode | undefined {
  const def = core._zod.def;
  switch (def.type) {
    case "optional":
    case "nonoptional":
    case "readonly":
    case "catch":
    case "prefault":
    case "nullable":
    case "default":
      return def.innerType;
    case "pipe":
      // Clients send the pipe's input, so the input side is what a schema document describes.
      return def.in;
    case "lazy":
      return (core as z.core.$ZodLazy)._zod.innerType;
  }
  return undefined;
}

const MAX_WRAPPERS = 64;

/** The schema with a shape inside any wrappers (what the naming pass needs, without metadata). */
export function coreOf(node: ZodNode): ZodCore {
  let current = asCore(node);
  for (let depth = 0; depth < MAX_WRAPPERS; depth++) {
    const inner = innerOf(current);
    if (!inner) break;
    current = asCore(inner);
  }
  return current;
}

/** Peel optional/nullable/default/readonly/catch/pipe/lazy down to the schema that has a shape. */
export function unwrap(node: ZodNode): Unwrapped {
  const metas: Meta[] = [];
  let nullable = false;
  let defaultValue: unknown;
  let current = asCore(node);
  for (let depth = 0; depth < MAX_WRAPPERS; depth++) {
    const inner = innerOf(current);
    if (!inner) break;
    const def = current._zod.def;
    if (def.type === "nullable") nullable = true;
    if (def.type === "default") defaultValue ??= jsonValue(def.defaultValue);
    metas.push(metaOf(current));
    current = asCore(inner);
  }
  return { core: current, wrapperMeta: Object.assign({}, ...metas.reverse()), nullable, defaultValue };
}

/** A property is required unless its schema accepts an absent value. */
export function isOptional(node: ZodNode): boolean {
  return node._zod.optin === "optional";
}

/** Only plain JSON makes a usable `default`; zod defaults can be functions' results of any type. */
function jsonValue(value: unknown): unknown {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value;
  if (Array.isArray(value) || (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)) {
    try {
      return JSON.parse(JSON.stringify(value));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The number format a schema carries (`z.int32()` is a format itself; `.int()` adds a check). */
export function numberFormat(core: ZodCore): string | undefined {
  const own = (core._zod.def as { format?: unknown }).format;
  if (typeof own === "string") return own;
  for (const check of core._zod.def.checks ?? []) {
    const def = check._zod.def as { check: string; format?: unknown };
    if (def.check === "number_format" && typeof def.format === "string") return def.format;
  }
  return undefined;
}

/** The string format of `z.iso.datetime()`, `z.uuid()`... (a string format schema is its own check). */
export function stringFormat(core: ZodCore): string | undefined {
  const own = (core._zod.def as { format?: unknown }).format;
  return typeof own === "string" ? own : undefined;
}
