// Validators shared by the kinds. Each is a pure function returning FieldCauses with Kubernetes'
// field paths and wording (apimachinery's ValidateObjectMeta, ValidateLabels, ValidateLabelSelector...).
import { duplicate, forbidden, invalid, invalidEach, notSupported, required, tooLong } from "./fielderrors";
import { NEGATIVE_ERROR, byteLength, isDns1035Label, isDns1123Label, isDns1123Subdomain, isLabelValue, isPortNumber, isQualifiedName } from "./formats";
import type { LabelSelector } from "./meta";
import type { FieldCause, ObjectMeta } from "./types";

export { validateQuantity, parseQuantity } from "./quantity";

/** Checks a name (or, with `prefix`, a generateName) and returns failed rules as messages. */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** generateName gets a random suffix, so a trailing dash is allowed: mask it as Kubernetes does. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}

function nameValidator(check: (value: string) => string[]): NameValidator {
  return (name, prefix) => check(prefix ? maskTrailingDash(name) : name);
}

export const nameIsDnsSubdomain: NameValidator = nameValidator(isDns1123Subdomain);
export const nameIsDnsLabel: NameValidator = nameValidator(isDns1123Label);
export const nameIsDns1035Label: NameValidator = nameValidator(isDns1035Label);

export function validateDns1123Label(value: string, path: string): FieldCause[] {
  return invalidEach(path, value, isDns1123Label(value));
}

export function validateDns1123Subdomain(value: string, path: string): FieldCause[] {
  return invalidEach(path, value, isDns1123Subdomain(value));
}

export function validateQualifiedName(value: string, path: string): FieldCause[] {
  return invalidEach(path, value, isQualifiedName(value));
}

export function validatePortNumber(port: number, path: string): FieldCause[] {
  return invalidEach(path, port, isPortNumber(port));
}

export function validateNonNegative(value: number | undefined, path: string): FieldCause[] {
  return value !== undefined && value < 0 ? [invalid(path, value, NEGATIVE_ERROR)] : [];
}

/** An enumerated field: Required when empty (if `requiredValue`), NotSupported when unknown. */
export function validateEnum(value: string | undefined, supported: readonly string[], path: string, requiredValue = false): FieldCause[] {
  if (value === undefined || value === "") return requiredValue ? [required(path)] : [];
  return supported.includes(value) ? [] : [notSupported(path, value, supported)];
}

export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldCause[] {
  return Object.entries(labels ?? {}).flatMap(([k, v]) => [...validateQualifiedName(k, path), ...invalidEach(path, v, isLabelValue(v))]);
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldCause[] {
  const entries = Object.entries(annotations ?? {});
  const causes = entries.flatMap(([k]) => invalidEach(path, k, isQualifiedName(k.toLowerCase())));
  const size = entries.reduce((n, [k, v]) => n + byteLength(k) + byteLength(v), 0);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) causes.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return causes;
}

function validateOwnerReferences(meta: ObjectMeta, path: string): FieldCause[] {
  const refs = meta.ownerReferences ?? [];
  const causes = refs.flatMap((ref) => {
    const version = ref.apiVersion?.split("/").pop() ?? "";
    return [
      ...(version ? [] : [invalid(`${path}.apiVersion`, ref.apiVersion ?? "", "version must not be empty")]),
      ...(["kind", "name", "uid"] as const).filter((f) => !ref[f]).map((f) => invalid(`${path}.${f}`, ref[f] ?? "", "must not be empty")),
    ];
  });
  const controllers = refs.filter((r) => r.controller);
  if (controllers.length > 1) {
    const names = controllers.map((r) => `${r.kind}/${r.name}`).join(", ");
    causes.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${names}`));
  }
  return causes;
}

function validateFinalizers(finalizers: string[] | undefined, path: string): FieldCause[] {
  const list = finalizers ?? [];
  const causes = list.flatMap((f) => validateQualifiedName(f, path));
  if (list.includes("orphan") && list.includes("foregroundDeletion")) {
    causes.push(invalid(path, list, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return causes;
}

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** Path of the metadata, "metadata" unless nested (e.g. a template). */
  path?: string;
  /** Rule for metadata.name; DNS-1123 subdomain unless the kind says otherwise. */
  nameValidator?: NameValidator;
}

/** apimachinery's ValidateObjectMeta: name or generateName, namespace iff namespaced, labels, annotations, owners, finalizers. */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaOptions): FieldCause[] {
  const path = opts.path ?? "metadata";
  const check = opts.nameValidator ?? nameIsDnsSubdomain;
  const causes: FieldCause[] = [];
  if (meta.generateName) causes.push(...invalidEach(`${path}.generateName`, meta.generateName, check(meta.generateName, true)));
  if (!meta.name) causes.push(required(`${path}.name`, "name or generateName is required"));
  else causes.push(...invalidEach(`${path}.name`, meta.name, check(meta.name, false)));
  if (opts.namespaced) {
    if (!meta.namespace) causes.push(required(`${path}.namespace`));
    else causes.push(...invalidEach(`${path}.namespace`, meta.namespace, isDns1123Label(meta.namespace)));
  } else if (meta.namespace) {
    causes.push(forbidden(`${path}.namespace`, "not allowed on this type"));
  }
  causes.push(
    ...validateNonNegative(meta.generation, `${path}.generation`),
    ...validateLabels(meta.labels, `${path}.labels`),
    ...validateAnnotations(meta.annotations, `${path}.annotations`),
    ...validateOwnerReferences(meta, `${path}.ownerReferences`),
    ...validateFinalizers(meta.finalizers, `${path}.finalizers`),
  );
  return causes;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v).length === 0;
}

/** Kubernetes' semantic equality, for which a missing list or map equals an empty one. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  return [...keys].every((k) => semanticEqual(ra[k], rb[k]));
}

export function validateImmutable(newVal: unknown, oldVal: unknown, path: string): FieldCause[] {
  return semanticEqual(newVal, oldVal) ? [] : [invalid(path, newVal, "field is immutable")];
}

/** metav1 ValidateLabelSelector. */
export function validateLabelSelector(sel: LabelSelector | undefined, path: string): FieldCause[] {
  if (!sel) return [];
  const causes = (sel.matchExpressions ?? []).flatMap((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    const out: FieldCause[] = [];
    if (req.operator === "In" || req.operator === "NotIn") {
      if (values.length === 0) out.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (req.operator === "Exists" || req.operator === "DoesNotExist") {
      if (values.length > 0) out.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      out.push(invalid(`${p}.operator`, req.operator, "not a valid selector operator"));
    }
    out.push(...validateQualifiedName(req.key, `${p}.key`));
    values.forEach((v, j) => out.push(...invalidEach(`${p}.values[${j}]`, v, isLabelValue(v))));
    return out;
  });
  return [...causes, ...validateLabels(sel.matchLabels, `${path}.matchLabels`)];
}

/** Whether labels satisfy a selector; an absent selector matches nothing, an empty one everything. */
export function labelSelectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const have = labels ?? {};
  const byLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => have[k] === v);
  return (
    byLabels &&
    (sel.matchExpressions ?? []).every((req) => {
      const present = Object.hasOwn(have, req.key);
      const values = req.values ?? [];
      switch (req.operator) {
        case "In":
          return present && values.includes(have[req.key]);
        case "NotIn":
          return !present || !values.includes(have[req.key]);
        case "Exists":
          return present;
        case "DoesNotExist":
          return !present;
        default:
          return false;
      }
    })
  );
}

/** Unique values in a list: a Duplicate cause at `pathOf(i)` for each repeat. */
export function validateUnique<T>(items: readonly T[], keyOf: (item: T) => string | undefined, pathOf: (i: number) => string): FieldCause[] {
  const seen = new Set<string>();
  return items.flatMap((item, i) => {
    const key = keyOf(item);
    if (key === undefined || key === "") return [];
    if (seen.has(key)) return [duplicate(pathOf(i), key)];
    seen.add(key);
    return [];
  });
}

/**
 * The name rule of a kind stricter than the DNS subdomain rule every object's name is held to
 * (Namespace and Node labels, Service DNS-1035 labels). Reported only when the subdomain rule
 * passed, so a bad name is not described twice.
 */
export function validateStricterName(meta: ObjectMeta, rule: NameValidator, path = "metadata"): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [field, prefix] of [["name", false], ["generateName", true]] as const) {
    const value = meta[field];
    if (value && nameIsDnsSubdomain(value, prefix).length === 0) causes.push(...invalidEach(`${path}.${field}`, value, rule(value, prefix)));
  }
  return causes;
}
