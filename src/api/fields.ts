// Field selectors: the `fieldSelector` query syntax (k8s.io/apimachinery/pkg/fields), checked
// against the fields a kind can select on, and matched against objects.
import type { KindDef, KubeObject } from "../apis/types";
import { badRequest, fail, ok, quote, type Result } from "./status";

export interface FieldRequirement {
  field: string;
  operator: "=" | "==" | "!=";
  /** Unescaped. */
  value: string;
}

/** The fields every kind selects on (runtime.DefaultMetaV1FieldSelectorConversion). */
const META_FIELDS: ReadonlySet<string> = new Set(["metadata.name", "metadata.namespace"]);

/** `!=` and `==` are tried before `=` at each position, so "a==b" is not "a" = "=b". */
const OPERATORS = ["!=", "==", "="] as const;

/**
 * Parse a `fieldSelector` query value and check its fields against the kind. Terms come back in
 * Kubernetes' order (sorted as written). Every failure is 400 BadRequest with Kubernetes' text.
 */
export function parseFieldSelector(selector: string, kind: KindDef): Result<FieldRequirement[]> {
  const parsed = parseFieldTerms(selector);
  if (!parsed.ok) return parsed;
  // Kubernetes converts the field labels after parsing the whole selector, in the same order.
  for (const r of parsed.value) {
    const unsupported = checkField(r.field, kind);
    if (unsupported) return fail(badRequest(unsupported));
  }
  return parsed;
}

/** The syntax alone, whatever the kind (authorization reads selectors before the kind is known). */
export function parseFieldTerms(selector: string): Result<FieldRequirement[]> {
  const requirements: FieldRequirement[] = [];
  const terms = splitTerms(selector).sort(compareStrings);
  for (const term of terms) {
    if (term === "") continue;
    const split = splitTerm(term);
    if (!split) return fail(badRequest(`invalid selector: '${selector}'; can't understand '${term}'`));
    const value = unescapeValue(split.rhs);
    if (!value.ok) return fail(badRequest(value.message));
    requirements.push({ field: split.lhs, operator: split.op, value: value.value });
  }
  return ok(requirements);
}

/**
 * Kinds with selectable fields answer like the kinds Kubernetes registers a field label
 * conversion for ("field label not supported: x"); the others like the default conversion.
 */
function checkField(field: string, kind: KindDef): string | undefined {
  if (META_FIELDS.has(field) || (kind.selectableFields && Object.hasOwn(kind.selectableFields, field))) return undefined;
  if (kind.selectableFields) return `field label not supported: ${field}`;
  return `${quote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`;
}

/** Split on commas that are not escaped; the backslashes stay for unescapeValue. */
function splitTerms(selector: string): string[] {
  if (selector === "") return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === "\\") escaped = true;
    else if (c === ",") {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator in the term splits it; the field name has no escaping. */
function splitTerm(term: string): { lhs: string; op: FieldRequirement["operator"]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

type Step<T> = { ok: true; value: T } | { ok: false; message: string };

/** fields.UnescapeValue: `\\`, `\,` and `\=` are the only escapes; a bare `,` or `=` is an error. */
function unescapeValue(s: string): Step<string> {
  let out = "";
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== "\\" && c !== "," && c !== "=") {
        return { ok: false, message: `invalid field selector: invalid escape sequence: \\${c}` };
      }
      out += c;
      escaped = false;
    } else if (c === "\\") {
      escaped = true;
    } else if (c === "," || c === "=") {
      // Go prints the rune with %v, that is as its number.
      return { ok: false, message: `invalid field selector: unescaped character in value: ${c.codePointAt(0)}` };
    } else {
      out += c;
    }
  }
  if (escaped) return { ok: false, message: "invalid field selector: invalid escape sequence: \\" };
  return { ok: true, value: out };
}

/** fields.EscapeValue. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.Selector.String(): "metadata.name=web,spec.nodeName!=n1". */
export function formatFieldSelector(selector: FieldRequirement[]): string {
  return selector.map((r) => `${r.field}${r.operator === "!=" ? "!=" : "="}${escapeFieldValue(r.value)}`).join(",");
}

/** The value of a selectable field; "" when the object lacks it, as Kubernetes' fields.Set does. */
export function fieldValue(obj: KubeObject, kind: KindDef, field: string): string {
  if (field === "metadata.name") return obj.metadata.name ?? "";
  if (field === "metadata.namespace") return kind.namespaced ? (obj.metadata.namespace ?? "") : "";
  const read = kind.selectableFields?.[field];
  return read ? read(obj) : "";
}

export function matchesFields(selector: FieldRequirement[], obj: KubeObject, kind: KindDef): boolean {
  return selector.every((r) => (fieldValue(obj, kind, r.field) === r.value) === (r.operator !== "!="));
}

/** The value an equality term pins a field to (fields.Selector.RequiresExactMatch), e.g. metadata.name for a single-object watch. */
export function requiredFieldValue(selector: FieldRequirement[], field: string): string | undefined {
  return selector.find((r) => r.field === field && r.operator !== "!=")?.value;
}

/** Go's sort.Strings: bytewise, which UTF-16 order matches except outside the BMP. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
