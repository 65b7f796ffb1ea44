// Request decoding: bodies (JSON or YAML, size-limited) and the query parameters of each verb,
// checked the way kube-apiserver's handlers check them (handlers/create.go, rest.go, the
// generated url.Values conversions and meta/v1 validation).
import { parseAllDocuments, type Tags } from "yaml";
import type { KindDef } from "../apis/types";
import { decodeContinue, type ContinueToken } from "./continue";
import { parseFieldSelector, type FieldRequirement } from "./fields";
import { parseLabelSelector, type LabelRequirement } from "./labels";
import { decodeProtobuf, PROTOBUF_MEDIA_TYPE } from "./protobuf/decode";
import {
  badRequest, fail, fieldError, invalid, ok, quote, tooLarge, unsupportedMediaType, type ApiError, type Result,
} from "./status";
import type { FieldCause } from "../apis/types";

/** kube-apiserver's --max-request-body-bytes default (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** What decode errors show of a Secret's body instead of its start. */
export const SECRET_BODY = "<secret contents redacted>";

/** Body media types for create and update, in the order a 415 lists them. */
export const INPUT_MEDIA_TYPES = ["application/json", "application/yaml"] as const;

export interface DecodeOptions {
  /** The endpoint's kind, named in decode errors ("must be of type Deployment"). */
  kind: string;
  maxBytes?: number;
}

/** mime.ParseMediaType's essence: "application/json; charset=utf-8" is "application/json". */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(";")[0].trim().toLowerCase();
}

/**
 * Decode a request body into a JSON object. No Content-Type means JSON (as in Kubernetes);
 * Kubernetes protobuf (client-go's typed clients) becomes the same JSON; an unknown type is 415,
 * an oversized body 413, anything unparseable 400.
 */
export function decodeBody(body: Uint8Array | string, contentType: string | undefined, options: DecodeOptions): Result<Record<string, unknown>> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const max = options.maxBytes ?? MAX_BODY_BYTES;
  if (bytes.length > max) return fail(tooLarge(max));
  const mediaType = contentType === undefined || contentType.trim() === "" ? "application/json" : mediaTypeOf(contentType);
  if (mediaType === PROTOBUF_MEDIA_TYPE) return decodeProtobuf(bytes, options.kind);
  if (mediaType !== "application/json" && mediaType !== "application/yaml") return fail(unsupportedMediaType([...INPUT_MEDIA_TYPES]));
  return decodeDocument(bytes, mediaType === "application/yaml" ? "yaml" : "json", options.kind);
}

/** Decode one JSON or YAML document (YAML is a superset, so apply-patch+yaml bodies use "yaml"). */
export function decodeDocument(bytes: Uint8Array, format: "json" | "yaml", kind: string): Result<Record<string, unknown>> {
  const text = new TextDecoder().decode(bytes);
  const parsed = format === "yaml" ? parseYaml(text) : parseJson(text);
  const object = parsed.ok ? asObject(parsed.value) : parsed;
  if (object.ok) return ok(object.value);
  // A Secret's body is never echoed back: the summary and parsers' messages quote the input.
  if (kind === "Secret") return fail(badRequest(`the object provided is unrecognized (must be of type ${kind}): ${SECRET_BODY}`));
  // handlers.transformDecodeError: no kind could be read, so name the expected type and show the start of the body.
  return fail(badRequest(`the object provided is unrecognized (must be of type ${kind}): ${object.message} (${summarize(bytes)})`));
}

type Step<T> = { ok: true; value: T } | { ok: false; message: string };

function parseJson(text: string): Step<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    // JSON.parse reports malformed input only by throwing; its message is the reason.
    return { ok: false, message: `couldn't get version/kind; json parse error: ${(e as Error).message}` };
  }
}

const TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp";
const DROPPED_TAG_IDS: ReadonlySet<string> = new Set(["timestamp", "intTime", "floatTime"]);

/**
 * YAML as Kubernetes reads it (go-yaml v2, YAML 1.1 booleans and octals) minus the timestamp and
 * sexagesimal types, which Kubernetes leaves as strings.
 */
const YAML_OPTIONS = {
  version: "1.1" as const,
  customTags: (tags: Tags) => tags.filter((t) => (typeof t === "string" ? !DROPPED_TAG_IDS.has(t) : t.tag !== TIMESTAMP_TAG && t.format !== "TIME")),
};

/** One object per request: a second non-empty document is refused instead of silently dropped. */
function parseYaml(text: string): Step<unknown> {
  const values: unknown[] = [];
  for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
    const error = doc.errors[0];
    if (error) return { ok: false, message: `error converting YAML to JSON: yaml: line ${error.linePos?.[0].line ?? 1}: ${yamlReason(error.message)}` };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // toJS throws when aliases expand past the limit (a "billion laughs" body).
      return { ok: false, message: `error converting YAML to JSON: yaml: ${(e as Error).message}` };
    }
    if (value !== null) values.push(value);
  }
  if (values.length > 1) {
    return { ok: false, message: `error converting YAML to JSON: yaml: the body holds ${values.length} YAML documents; send one object per request` };
  }
  return { ok: true, value: values[0] ?? null };
}

/** The yaml package's first line without its " at line L, column C:" tail (the line is reported separately). */
function yamlReason(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

const GO_FIND_KIND = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** Go decodes a body into its apiVersion/kind struct first; null decodes to nothing, other non-objects fail. */
function asObject(value: unknown): Step<Record<string, unknown>> {
  if (value === null) return { ok: true, value: {} };
  if (typeof value === "object" && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
  const type = Array.isArray(value) ? "array" : typeof value === "boolean" ? "bool" : typeof value;
  return { ok: false, message: `couldn't get version/kind; json parse error: json: cannot unmarshal ${type} into Go value of type ${GO_FIND_KIND}` };
}

/** handlers.summarizeData: a JSON object's first 30 bytes as text, anything else as hex. */
function summarize(bytes: Uint8Array): string {
  if (bytes.length === 0) return "<empty>";
  const head = bytes.subarray(0, 30);
  const more = bytes.length > 30 ? " ..." : "";
  if (bytes[0] === 0x7b) return new TextDecoder().decode(head) + more;
  return [...head].map((b) => b.toString(16).padStart(2, "0")).join("") + more;
}

// Query parameters.

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";
export type FieldValidation = "Strict" | "Warn" | "Ignore";
export type PropagationPolicy = "Foreground" | "Background" | "Orphan";

/** The query of one request, typed. Only the parameters of the verb's options type are read; others are ignored, as in Kubernetes. */
export interface RequestQuery {
  /** `pretty` as strconv.ParseBool reads it; undefined when absent or unreadable (then the User-Agent decides). */
  pretty?: boolean;
  /** Raw; checked by parseIncludeObject once a Table has been negotiated. */
  includeObject?: string;
  // ListOptions (list, watch, deletecollection)
  labelSelector: LabelRequirement[];
  fieldSelector: FieldRequirement[];
  watch: boolean;
  allowWatchBookmarks: boolean;
  /** "" or absent: most recent; "0": any; otherwise a revision number (digits only). */
  resourceVersion?: string;
  resourceVersionMatch?: "Exact" | "NotOlderThan";
  timeoutSeconds?: number;
  limit?: number;
  continue?: string;
  continueToken?: ContinueToken;
  sendInitialEvents?: boolean;
  // Create, Update and PatchOptions
  dryRun: boolean;
  fieldManager?: string;
  /** Warn when the client did not say, like kube-apiserver; kubectl sends Strict. */
  fieldValidation: FieldValidation;
  force?: boolean;
  // DeleteOptions (delete, deletecollection; a DeleteOptions body replaces these)
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
}

export interface QueryContext {
  verb: Verb;
  kind: KindDef;
  /** The patch's Content-Type; PatchOptions rules differ for server-side apply. */
  patchType?: string;
}

const LIST_VERBS: ReadonlySet<Verb> = new Set(["list", "watch", "deletecollection"]);
const WRITE_VERBS: ReadonlySet<Verb> = new Set(["create", "update", "patch"]);
const DELETE_VERBS: ReadonlySet<Verb> = new Set(["delete", "deletecollection"]);

/**
 * Read and check the query. Unreadable numbers and selectors are 400; option combinations
 * meta/v1 validation refuses are 422 Invalid on ListOptions/CreateOptions/... as in Kubernetes.
 */
export function parseQuery(params: URLSearchParams, ctx: QueryContext): Result<RequestQuery> {
  const q: RequestQuery = {
    pretty: parseGoBool(params.get("pretty")),
    includeObject: params.get("includeObject") ?? undefined,
    labelSelector: [],
    fieldSelector: [],
    watch: ctx.verb === "watch",
    allowWatchBookmarks: false,
    dryRun: false,
    fieldValidation: "Warn",
  };
  const steps = [
    LIST_VERBS.has(ctx.verb) ? () => readListOptions(params, ctx, q) : undefined,
    ctx.verb === "get" ? () => readResourceVersion(params, q) : undefined,
    WRITE_VERBS.has(ctx.verb) ? () => readWriteOptions(params, ctx, q) : undefined,
    DELETE_VERBS.has(ctx.verb) ? () => readDeleteOptions(params, q) : undefined,
  ];
  for (const step of steps) {
    const error = step?.();
    if (error) return fail(error);
  }
  return ok(q);
}

type Problem = ApiError | undefined;

function readListOptions(params: URLSearchParams, ctx: QueryContext, q: RequestQuery): Problem {
  q.watch ||= queryBool(params, "watch") ?? false;
  q.allowWatchBookmarks = queryBool(params, "allowWatchBookmarks") ?? false;
  q.resourceVersion = params.get("resourceVersion") ?? undefined;
  const match = params.get("resourceVersionMatch");
  const timeout = queryInt(params, "timeoutSeconds");
  if (!timeout.ok) return badRequest(timeout.message);
  const limit = queryInt(params, "limit");
  if (!limit.ok) return badRequest(limit.message);
  q.timeoutSeconds = timeout.value;
  q.limit = limit.value;
  q.continue = params.get("continue") || undefined;
  q.sendInitialEvents = queryBool(params, "sendInitialEvents");
  const labels = parseLabelSelector(params.get("labelSelector") ?? "");
  if (!labels.ok) return labels.error;
  q.labelSelector = labels.value;
  const causes = listOptionErrors(match ?? "", q);
  if (causes.length > 0) return invalid("ListOptions", "meta.k8s.io", "", causes);
  if (match) q.resourceVersionMatch = match as RequestQuery["resourceVersionMatch"];
  const fields = parseFieldSelector(params.get("fieldSelector") ?? "", ctx.kind);
  if (!fields.ok) return fields.error;
  q.fieldSelector = fields.value;
  return q.continue ? readContinue(q) : checkResourceVersion(q.resourceVersion);
}

/** validation.ValidateListOptions, with the WatchList feature (sendInitialEvents) enabled. */
function listOptionErrors(match: string, q: RequestQuery): FieldCause[] {
  const causes: FieldCause[] = [];
  const path = "resourceVersionMatch";
  if (q.watch) {
    if (q.sendInitialEvents !== undefined && match !== "NotOlderThan") {
      causes.push(fieldError.forbidden(path, "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
    }
    if (match === "") return causes;
    if (q.sendInitialEvents === undefined) causes.push(fieldError.forbidden(path, "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
    if (match !== "NotOlderThan") causes.push(fieldError.notSupported(path, match, ["NotOlderThan"]));
    if (q.continue) causes.push(fieldError.forbidden(path, "resourceVersionMatch is forbidden when continue is provided"));
    return causes;
  }
  if (match !== "") {
    if (!q.resourceVersion) causes.push(fieldError.forbidden(path, "resourceVersionMatch is forbidden unless resourceVersion is provided"));
    if (q.continue) causes.push(fieldError.forbidden(path, "resourceVersionMatch is forbidden when continue is provided"));
    if (match !== "Exact" && match !== "NotOlderThan") causes.push(fieldError.notSupported(path, match, ["Exact", "NotOlderThan", ""]));
    if (match === "Exact" && q.resourceVersion === "0") causes.push(fieldError.forbidden(path, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (q.sendInitialEvents !== undefined) causes.push(fieldError.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
  return causes;
}

/** The etcd3 store's checks of a continued list: a readable token, and no resourceVersion besides "0". */
function readContinue(q: RequestQuery): Problem {
  const token = decodeContinue(q.continue ?? "");
  if (!token.ok) return token.error;
  q.continueToken = token.value;
  if (q.resourceVersion && q.resourceVersion !== "0") return badRequest("specifying resource version is not allowed when using continue");
  return undefined;
}

function readResourceVersion(params: URLSearchParams, q: RequestQuery): Problem {
  q.resourceVersion = params.get("resourceVersion") ?? undefined;
  return checkResourceVersion(q.resourceVersion);
}

/** APIObjectVersioner.ParseResourceVersion: empty, "0", or an unsigned decimal. */
function checkResourceVersion(rv: string | undefined): Problem {
  if (rv === undefined || rv === "" || /^[0-9]+$/.test(rv)) return undefined;
  const cause = fieldError.invalid("resourceVersion", rv, `strconv.ParseUint: parsing ${quote(rv)}: invalid syntax`);
  return badRequest(`invalid resource version: ${cause.field}: ${cause.message}`);
}

const FIELD_MANAGER_MAX = 128;
const APPLY_PATCH = "application/apply-patch+yaml";

function readWriteOptions(params: URLSearchParams, ctx: QueryContext, q: RequestQuery): Problem {
  const dryRun = params.getAll("dryRun");
  const validation = params.get("fieldValidation") ?? "";
  q.fieldManager = params.get("fieldManager") ?? undefined;
  if (ctx.verb === "patch") q.force = queryBool(params, "force");
  const causes: FieldCause[] = [];
  if (ctx.verb === "patch") causes.push(...patchErrors(ctx.patchType, q));
  causes.push(...fieldManagerErrors(q.fieldManager ?? ""));
  causes.push(...dryRunErrors(dryRun));
  if (!["", "Ignore", "Strict", "Warn"].includes(validation)) {
    causes.push(fieldError.notSupported("fieldValidation", validation, ["", "Ignore", "Strict", "Warn"]));
  }
  const optionsKind = ctx.verb === "create" ? "CreateOptions" : ctx.verb === "update" ? "UpdateOptions" : "PatchOptions";
  if (causes.length > 0) return invalid(optionsKind, "meta.k8s.io", "", causes);
  q.dryRun = dryRun.length > 0;
  q.fieldValidation = validation === "" ? "Warn" : (validation as FieldValidation);
  return undefined;
}

function patchErrors(patchType: string | undefined, q: RequestQuery): FieldCause[] {
  if (patchType !== undefined && mediaTypeOf(patchType) === APPLY_PATCH) {
    return q.fieldManager ? [] : [fieldError.required("fieldManager", "is required for apply patch")];
  }
  return q.force === undefined ? [] : [fieldError.forbidden("force", "may not be specified for non-apply patch")];
}

/** ValidateFieldManager: at most 128 bytes, printable characters only. */
function fieldManagerErrors(manager: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (new TextEncoder().encode(manager).length > FIELD_MANAGER_MAX) causes.push(fieldError.tooLong("fieldManager", FIELD_MANAGER_MAX));
  let position = 0;
  for (const ch of manager) {
    if (/[\p{C}\p{Z}]/u.test(ch) && ch !== " ") {
      const code = ch.codePointAt(0) ?? 0;
      const unicode = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
      causes.push(fieldError.invalid("fieldManager", manager, `invalid character ${unicode} (at position ${position})`));
    }
    position += new TextEncoder().encode(ch).length;
  }
  return causes;
}

/** Only dryRun=All exists. */
function dryRunErrors(values: string[]): FieldCause[] {
  return values.every((v) => v === "All") ? [] : [fieldError.notSupported("dryRun", values, ["All"])];
}

function readDeleteOptions(params: URLSearchParams, q: RequestQuery): Problem {
  const grace = queryInt(params, "gracePeriodSeconds");
  if (!grace.ok) return badRequest(grace.message);
  q.gracePeriodSeconds = grace.value;
  q.orphanDependents = queryBool(params, "orphanDependents");
  const policy = params.get("propagationPolicy") ?? undefined;
  const dryRun = params.getAll("dryRun");
  const causes = deleteOptionErrors({ orphanDependents: q.orphanDependents, propagationPolicy: policy, dryRun });
  if (causes.length > 0) return invalid("DeleteOptions", "meta.k8s.io", "", causes);
  q.propagationPolicy = policy as PropagationPolicy | undefined;
  q.dryRun = dryRun.length > 0;
  return undefined;
}

/** ValidateDeleteOptions, for query parameters and DeleteOptions bodies alike. */
export function deleteOptionErrors(options: { orphanDependents?: boolean; propagationPolicy?: string; dryRun?: string[] }): FieldCause[] {
  const causes: FieldCause[] = [];
  const policy = options.propagationPolicy;
  if (options.orphanDependents !== undefined && policy !== undefined) {
    causes.push(fieldError.invalid("propagationPolicy", policy, "orphanDependents and deletionPropagation cannot be both set"));
  }
  if (policy !== undefined && policy !== "Foreground" && policy !== "Background" && policy !== "Orphan") {
    causes.push(fieldError.notSupported("propagationPolicy", policy, ["Foreground", "Background", "Orphan", "nil"]));
  }
  causes.push(...dryRunErrors(options.dryRun ?? []));
  return causes;
}

/** Convert_Slice_string_To_bool: present means true unless "0" or "false" (any case). */
function queryBool(params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  return !(value === "0" || value.toLowerCase() === "false");
}

/** strconv.ParseBool, as isPrettyPrint reads `pretty`; unreadable or empty is "not said". */
function parseGoBool(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/** strconv.ParseInt(s, 10, 64), with Go's error text. */
function queryInt(params: URLSearchParams, name: string): Step<number | undefined> {
  const value = params.get(name);
  if (value === null) return { ok: true, value: undefined };
  if (!/^[+-]?[0-9]+$/.test(value)) return { ok: false, message: `strconv.ParseInt: parsing ${quote(value)}: invalid syntax` };
  const n = BigInt(value);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return { ok: false, message: `strconv.ParseInt: parsing ${quote(value)}: value out of range` };
  return { ok: true, value: Number(n) };
}
