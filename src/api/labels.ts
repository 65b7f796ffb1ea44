// Label selectors: the `labelSelector` query syntax, metav1.LabelSelector objects, matching and
// printing. Behaviour and error texts follow k8s.io/apimachinery/pkg/labels (v1.32): clients
// show the server's message verbatim, and controllers compare selector strings.
import { aggregateCauses, badRequest, fail, fieldError, ok, quote, type Result } from "./status";
import type { FieldCause } from "../apis/types";

/** selection.Operator values, as Kubernetes spells them. */
export type LabelOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Empty for exists and !; one value for =, ==, !=, gt, lt; sorted and unique when parsed from a string. */
  values: string[];
}

/**
 * A selector is the AND of its requirements, sorted by key. `null` is metav1's null selector,
 * which matches nothing (an empty list matches everything).
 */
export type LabelSelector = LabelRequirement[] | null;

/** metav1.LabelSelector as it appears in specs. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

type Token =
  | "error" | "end" | ")" | "," | "!" | "==" | "=" | ">" | "id" | "in" | "<" | "!=" | "notin" | "(";

interface Item {
  tok: Token;
  lit: string;
}

const SYMBOLS: ReadonlySet<string> = new Set(["=", "!", "(", ")", ",", ">", "<"]);
const SYMBOL_TOKENS: Record<string, Token> = {
  ")": ")", ",": ",", "!": "!", "==": "==", "=": "=", ">": ">", "<": "<", "!=": "!=", "(": "(",
};
const WHITESPACE: ReadonlySet<string> = new Set([" ", "\t", "\r", "\n"]);
const BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

/** The lexer of labels.Parse: identifiers run until whitespace or a symbol; symbols take the longest known operator. */
function scan(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && WHITESPACE.has(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: "end", lit: "" });
      return items;
    }
    if (SYMBOLS.has(s[pos])) {
      let lit = s[pos];
      pos++;
      // Every single symbol is a token, so the longest match is at most two characters (!=, ==).
      if (pos < s.length && SYMBOL_TOKENS[lit + s[pos]] !== undefined) lit += s[pos++];
      items.push({ tok: SYMBOL_TOKENS[lit], lit });
      continue;
    }
    const start = pos;
    while (pos < s.length && !SYMBOLS.has(s[pos]) && !WHITESPACE.has(s[pos])) pos++;
    const lit = s.slice(start, pos);
    items.push({ tok: lit === "in" || lit === "notin" ? lit : "id", lit });
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  /** In value context the keywords in/notin are plain identifiers ("x in (in)"). */
  lookahead(values: boolean): Item {
    return asContext(this.items[this.pos], values);
  }

  consume(values: boolean): Item {
    return asContext(this.items[this.pos++], values);
  }
}

function asContext(item: Item, values: boolean): Item {
  return values && (item.tok === "in" || item.tok === "notin") ? { tok: "id", lit: item.lit } : item;
}

type Step<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parse a `labelSelector` query value; errors are 400 BadRequest with labels.Parse's message. */
export function parseLabelSelector(selector: string): Result<LabelRequirement[]> {
  const parsed = parseAll(new Parser(scan(selector)));
  if (!parsed.ok) return fail(badRequest(parsed.message));
  return ok(sortByKey(parsed.value));
}

function parseAll(p: Parser): Step<LabelRequirement[]> {
  const requirements: LabelRequirement[] = [];
  for (;;) {
    const next = p.lookahead(true);
    if (next.tok === "end") return { ok: true, value: requirements };
    if (next.tok !== "id" && next.tok !== "!") {
      return { ok: false, message: `found '${next.lit}', expected: !, identifier, or 'end of string'` };
    }
    const r = parseRequirement(p);
    if (!r.ok) return { ok: false, message: `unable to parse requirement: ${r.message}` };
    requirements.push(r.value);
    const sep = p.consume(true);
    if (sep.tok === "end") return { ok: true, value: requirements };
    if (sep.tok !== ",") return { ok: false, message: `found '${sep.lit}', expected: ',' or 'end of string'` };
    const after = p.lookahead(true);
    if (after.tok !== "id" && after.tok !== "!") {
      return { ok: false, message: `found '${after.lit}', expected: identifier after ','` };
    }
  }
}

function parseRequirement(p: Parser): Step<LabelRequirement> {
  let negated = false;
  let item = p.consume(true);
  if (item.tok === "!") {
    negated = true;
    item = p.consume(true);
  }
  if (item.tok !== "id") return { ok: false, message: `found '${item.lit}', expected: identifier` };
  const key = item.lit;
  const keyErrors = labelKeyErrors(key);
  // labels.Parse validates the key with a nil field path, which Go prints as "<nil>".
  if (keyErrors.length > 0) return { ok: false, message: `<nil>: ${fieldError.invalid("<nil>", key, keyErrors.join("; ")).message}` };
  const ahead = p.lookahead(true).tok;
  if (negated) return { ok: true, value: { key, operator: "!", values: [] } };
  if (ahead === "end" || ahead === ",") return { ok: true, value: { key, operator: "exists", values: [] } };
  const op = parseOperator(p);
  if (!op.ok) return op;
  const values = op.value === "in" || op.value === "notin" ? parseValues(p) : parseExactValue(p);
  if (!values.ok) return values;
  const causes = requirementErrors({ key, operator: op.value, values: values.value });
  if (causes.length > 0) return { ok: false, message: aggregateCauses(causes) };
  return { ok: true, value: { key, operator: op.value, values: values.value } };
}

const OPERATOR_TOKENS: Partial<Record<Token, LabelOperator>> = {
  in: "in", notin: "notin", "=": "=", "==": "==", "!=": "!=", ">": "gt", "<": "lt",
};

function parseOperator(p: Parser): Step<LabelOperator> {
  const item = p.consume(false);
  const op = OPERATOR_TOKENS[item.tok];
  return op ? { ok: true, value: op } : { ok: false, message: `found '${item.lit}', expected: ${BINARY_OPERATORS}` };
}

/** "(a,b)" with Kubernetes' tolerance of empty members: "()", "(,a)", "(a,,b)" all carry "". */
function parseValues(p: Parser): Step<string[]> {
  const open = p.consume(true);
  if (open.tok !== "(") return { ok: false, message: `found '${open.lit}' expected: '('` };
  const first = p.lookahead(true);
  if (first.tok === ")") {
    p.consume(true);
    return { ok: true, value: [""] };
  }
  if (first.tok !== "id" && first.tok !== ",") {
    return { ok: false, message: `found '${first.lit}', expected: ',', ')' or identifier` };
  }
  const list = parseIdentifiers(p);
  if (!list.ok) return list;
  p.consume(true); // the ")" parseIdentifiers stopped at
  return { ok: true, value: sortedUnique(list.value) };
}

function parseIdentifiers(p: Parser): Step<string[]> {
  const values: string[] = [];
  for (;;) {
    const item = p.consume(true);
    if (item.tok === "id") {
      values.push(item.lit);
      const next = p.lookahead(true);
      if (next.tok === ")") return { ok: true, value: values };
      if (next.tok !== ",") return { ok: false, message: `found '${next.lit}', expected: ',' or ')'` };
    } else if (item.tok === ",") {
      if (values.length === 0) values.push("");
      const next = p.lookahead(true).tok;
      if (next === ")") {
        values.push("");
        return { ok: true, value: values };
      }
      if (next === ",") values.push("");
    } else {
      return { ok: false, message: `found '${item.lit}', expected: ',', or identifier` };
    }
  }
}

function parseExactValue(p: Parser): Step<string[]> {
  const next = p.lookahead(true).tok;
  if (next === "end" || next === ",") return { ok: true, value: [""] };
  const item = p.consume(true);
  return item.tok === "id" ? { ok: true, value: [item.lit] } : { ok: false, message: `found '${item.lit}', expected: identifier` };
}

/** labels.NewRequirement's checks, with its field paths ("key", "values[0]", "values[0][app]"). */
function requirementErrors(r: LabelRequirement): FieldCause[] {
  const causes: FieldCause[] = [];
  const keyErrors = labelKeyErrors(r.key);
  if (keyErrors.length > 0) causes.push(fieldError.invalid("key", r.key, keyErrors.join("; ")));
  switch (r.operator) {
    case "in":
    case "notin":
      if (r.values.length === 0) causes.push(fieldError.invalid("values", r.values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (r.values.length !== 1) causes.push(fieldError.invalid("values", r.values, "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (r.values.length !== 0) causes.push(fieldError.invalid("values", r.values, "values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (r.values.length !== 1) causes.push(fieldError.invalid("values", r.values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      r.values.forEach((v, i) => {
        if (parseInt64(v) === undefined) causes.push(fieldError.invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  r.values.forEach((v, i) => {
    const errors = labelValueErrors(v);
    if (errors.length > 0) causes.push(fieldError.invalid(`values[${i}][${r.key}]`, v, errors.join("; ")));
  });
  return causes;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** Go compares strings bytewise; for UTF-16 this differs only outside the BMP, which label syntax excludes. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  return [...requirements].sort((a, b) => compareStrings(a.key, b.key));
}

const SPEC_OPERATORS: Record<string, LabelOperator> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

/**
 * metav1.LabelSelectorAsSelector: null/undefined is the selector that matches nothing; an empty
 * one matches everything. Errors (an unknown operator, a bad key or value) are 400 BadRequest.
 */
export function fromLabelSelector(spec: LabelSelectorSpec | null | undefined): Result<LabelSelector> {
  if (spec === null || spec === undefined) return ok(null);
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(spec.matchLabels ?? {})) {
    requirements.push({ key, operator: "=", values: [value] });
  }
  for (const expr of spec.matchExpressions ?? []) {
    const operator = SPEC_OPERATORS[expr.operator];
    if (!operator) return fail(badRequest(`${quote(expr.operator)} is not a valid label selector operator`));
    requirements.push({ key: expr.key, operator, values: [...(expr.values ?? [])] });
  }
  for (const r of requirements) {
    const causes = requirementErrors(r);
    if (causes.length > 0) return fail(badRequest(aggregateCauses(causes)));
  }
  return ok(sortByKey(requirements));
}

/** Whether labels satisfy every requirement (labels.Requirement.Matches). */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (selector === null) return false;
  const set = labels ?? {};
  return selector.every((r) => matchesRequirement(r, set));
}

function matchesRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case "=":
    case "==":
    case "in":
      return has && r.values.includes(value);
    case "!=":
    case "notin":
      return !has || !r.values.includes(value);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt":
      return has && compareInt(value, r) === true;
  }
}

function compareInt(value: string, r: LabelRequirement): boolean | undefined {
  const actual = parseInt64(value);
  const bound = r.values.length === 1 ? parseInt64(r.values[0]) : undefined;
  if (actual === undefined || bound === undefined) return undefined;
  return r.operator === "gt" ? actual > bound : actual < bound;
}

/** labels.Selector.String(): "app=web,tier in (a,b),!canary"; "" for nothing and for everything. */
export function formatSelector(selector: LabelSelector): string {
  return (selector ?? []).map(formatRequirement).join(",");
}

function formatRequirement(r: LabelRequirement): string {
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort(compareStrings).join(",");
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
    case "in":
    case "notin":
      return `${r.key} ${r.operator} (${values})`;
    case "gt":
      return `${r.key}>${values}`;
    case "lt":
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

/** metav1.FormatLabelSelector, as kubectl's wide columns show a spec selector: "<none>" when empty, "<error>" when invalid. */
export function describeLabelSelector(spec: LabelSelectorSpec | null | undefined): string {
  const selector = fromLabelSelector(spec);
  if (!selector.ok) return "<error>";
  const text = formatSelector(selector.value);
  return text === "" ? "<none>" : text;
}

/** The value a selector pins a label to (`app=web` or `app in (web)`), for indexes; labels.Selector.RequiresExactMatch. */
export function requiredLabelValue(selector: LabelSelector, key: string): string | undefined {
  const r = (selector ?? []).find((req) => req.key === key);
  if (!r || !["=", "==", "in"].includes(r.operator) || r.values.length !== 1) return undefined;
  return r.values[0];
}

// Label syntax checks (k8s.io/apimachinery/pkg/util/validation, v1.32 wording).

const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/** validation.RegexError, including its doubled spaces before "or". */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  const shown = examples.map((e) => `'${e}', `).join(" or ");
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}

/** Go measures lengths in bytes. */
function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 253) errors.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errors.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
  return errors;
}

/** validation.IsQualifiedName: an optional DNS subdomain prefix and "/", then a name of at most 63 characters. */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split("/");
  if (parts.length > 2) {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const errors: string[] = [];
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length === 2) {
    if (parts[0] === "") errors.push("prefix part must be non-empty");
    else errors.push(...dns1123SubdomainErrors(parts[0]).map((m) => `prefix part ${m}`));
  }
  if (name === "") errors.push("name part must be non-empty");
  else if (byteLength(name) > 63) errors.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME_RE.test(name)) errors.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}`);
  return errors;
}

/** validation.IsValidLabelValue: empty, or at most 63 characters of the qualified-name alphabet. */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) errors.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
  return errors;
}
