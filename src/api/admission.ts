// What every write goes through between decoding and the store, in kube-apiserver's order:
// type check and unknown fields (400, or a warning), defaults, system metadata, validation (422).
import type { z } from "zod";
import type { FieldCause, KindDef, KubeObject } from "../apis/types";
import { validateObjectMeta } from "../apis/validation";
import { deepEqual, fieldPath, isPlainObject } from "../util/json";
import { badRequest, invalid, type ApiError, type Result } from "./status";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function apiVersionOf(kind: KindDef): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

function cannotHandle(kind: KindDef, why: string): ApiError {
  return badRequest(`${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: ${why}`);
}

type Issue = z.core.$ZodIssue;

/** Delete the unknown keys zod reported, in place, and name them as Kubernetes does. */
function dropUnknown(obj: unknown, issues: Issue[]): string[] {
  const names: string[] = [];
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    let target: unknown = obj;
    for (const part of issue.path) target = (target as Record<PropertyKey, unknown>)[part];
    for (const key of issue.keys) {
      names.push(fieldPath([...issue.path, key]));
      if (isPlainObject(target)) delete target[key];
    }
  }
  return names;
}

/** Issues a Go decoder would have failed on (wrong JSON type): those are 400, not 422. */
function isDecodeIssue(issue: Issue): boolean {
  return issue.code === "invalid_type" || issue.code === "invalid_union" || issue.code === "invalid_key";
}

function causeOf(issue: Issue): FieldCause {
  const field = fieldPath(issue.path);
  switch (issue.code) {
    case "invalid_value":
      return { reason: "FieldValueNotSupported", field, message: `Unsupported value: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` };
    case "too_big":
      return { reason: "FieldValueTooLong", field, message: `Invalid value: ${issue.message}` };
    default:
      return { reason: "FieldValueInvalid", field, message: `Invalid value: ${issue.message}` };
  }
}

export interface Decoded {
  object: KubeObject;
  warnings: string[];
}

/**
 * Check a decoded body is this kind, type-check it against the schema and handle unknown fields
 * per `fieldValidation`. The result has unknown fields removed.
 */
export function checkObject(kind: KindDef, body: unknown, fieldValidation: FieldValidation): Result<Decoded> {
  if (!isPlainObject(body)) return { ok: false, error: badRequest("the body of the request was in an unknown format") };
  const apiVersion = apiVersionOf(kind);
  // kube-apiserver decodes with the endpoint's group, version and kind as defaults.
  if (body.kind === undefined || body.kind === "") body.kind = kind.kind;
  if (body.apiVersion === undefined || body.apiVersion === "") body.apiVersion = apiVersion;
  if (body.kind !== kind.kind || body.apiVersion !== apiVersion) {
    return { ok: false, error: badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`) };
  }
  if (body.metadata === undefined || body.metadata === null) body.metadata = {};
  const parsed = kind.schema.safeParse(body);
  if (parsed.success) return { ok: true, value: { object: body as KubeObject, warnings: [] } };
  const issues = parsed.error.issues;
  const decodeIssue = issues.find(isDecodeIssue);
  if (decodeIssue) return { ok: false, error: cannotHandle(kind, `${fieldPath(decodeIssue.path)}: ${decodeIssue.message}`) };
  const unknown = dropUnknown(body, issues);
  if (unknown.length && fieldValidation === "Strict") {
    const list = unknown.map((u) => `unknown field "${u}"`).join(", ");
    return { ok: false, error: cannotHandle(kind, `strict decoding error: ${list}`) };
  }
  const semantic = issues.filter((i) => i.code !== "unrecognized_keys");
  const name = (body.metadata as { name?: string }).name ?? "";
  if (semantic.length) return { ok: false, error: invalid(kind.kind, kind.group, name, semantic.map(causeOf)) };
  const warnings = fieldValidation === "Warn" ? unknown.map((u) => `unknown field "${u}"`) : [];
  return { ok: true, value: { object: body as KubeObject, warnings } };
}

/** Object metadata plus the kind's own rules; 422 with every bad field. */
export function validate(kind: KindDef, obj: KubeObject, old?: KubeObject): Result<KubeObject> {
  const causes = [
    ...validateObjectMeta(obj.metadata, { namespaced: kind.namespaced, nameValidator: kind.validateName }),
    ...(old ? immutableMeta(obj, old) : []),
    ...(kind.validate?.(obj, old) ?? []),
  ];
  if (causes.length) return { ok: false, error: invalid(kind.kind, kind.group, obj.metadata.name ?? obj.metadata.generateName ?? "", causes) };
  return { ok: true, value: obj };
}

function immutableMeta(obj: KubeObject, old: KubeObject): FieldCause[] {
  const causes: FieldCause[] = [];
  if (old.metadata.deletionTimestamp) {
    const added = (obj.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
    if (added.length) {
      causes.push({ reason: "FieldValueForbidden", field: "metadata.finalizers", message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}` });
    }
  }
  return causes;
}

/** Everything but metadata and status: what `metadata.generation` tracks. */
export function specChanged(obj: KubeObject, old: KubeObject): boolean {
  const strip = ({ metadata: _m, status: _s, ...rest }: KubeObject) => rest;
  return !deepEqual(strip(obj), strip(old));
}
