// The API layer's error vocabulary. Every failure is an ApiError value; it becomes a meta/v1
// Status in one place (toStatus). Constructors reproduce k8s.io/apimachinery/pkg/api/errors
// messages word for word, because clients (kubectl, client-go's IsNotFound/IsConflict, scripts
// grepping output) read both the reason and the text.
import type { FieldCause } from "../apis/types";

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "Gone"
  | "Expired"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout";

export interface StatusDetails {
  name?: string;
  group?: string;
  /** Kubernetes puts the resource (plural) here for NotFound/AlreadyExists/Conflict/Forbidden, the Kind for Invalid. */
  kind?: string;
  causes?: FieldCause[];
  retryAfterSeconds?: number;
}

export interface ApiError {
  code: number;
  reason: StatusReason;
  message: string;
  details?: StatusDetails;
}

/** A result that is either a value or the ApiError explaining why there is none. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: ApiError): Result<T> {
  return { ok: false, error };
}

/** meta/v1 StatusCause: every field is omitempty. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** meta/v1 Status as served for a failure. */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure";
  message: string;
  reason: StatusReason;
  details?: Omit<StatusDetails, "causes"> & { causes?: StatusCause[] };
  code: number;
}

/**
 * The one exception type: thrown only on the path from deep in a handler to hono's error
 * handler, which answers with toStatus(error). Everything below the route returns Results.
 */
export class StatusError extends Error {
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(error.message);
    this.name = "StatusError";
    this.error = error;
  }
}

const REASONS: ReadonlySet<string> = new Set<StatusReason>([
  "BadRequest", "Unauthorized", "Forbidden", "NotFound", "AlreadyExists", "Conflict", "Invalid",
  "Gone", "Expired", "RequestEntityTooLarge", "UnsupportedMediaType", "MethodNotAllowed",
  "NotAcceptable", "TooManyRequests", "InternalError", "ServiceUnavailable", "Timeout",
]);

export function isApiError(value: unknown): value is ApiError {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "number" && typeof v.message === "string" && typeof v.reason === "string" && REASONS.has(v.reason);
}

/** schema.GroupResource.String(): "pods", "deployments.apps". */
function qualified(name: string, group: string): string {
  return group === "" ? name : `${name}.${group}`;
}

/** Details as Kubernetes fills them for resource errors; empty group is left out, as in JSON `omitempty`. */
function resourceDetails(kind: string, group: string, name: string): StatusDetails {
  const details: StatusDetails = {};
  if (name !== "") details.name = name;
  if (group !== "") details.group = group;
  if (kind !== "") details.kind = kind;
  return details;
}

/** 404: `pods "x" not found`, `deployments.apps "x" not found`. */
export function notFound(resource: string, group: string, name: string): ApiError {
  return {
    code: 404,
    reason: "NotFound",
    message: `${qualified(resource, group)} ${quote(name)} not found`,
    details: resourceDetails(resource, group, name),
  };
}

/** 409: `deployments.apps "x" already exists`. */
export function alreadyExists(resource: string, group: string, name: string): ApiError {
  return {
    code: 409,
    reason: "AlreadyExists",
    message: `${qualified(resource, group)} ${quote(name)} already exists`,
    details: resourceDetails(resource, group, name),
  };
}

/** The store's optimistic-lock message (storage.OptimisticLockErrorMsg). */
export const OPTIMISTIC_LOCK_MESSAGE = "the object has been modified; please apply your changes to the latest version and try again";

/** 409: `Operation cannot be fulfilled on configmaps "x": <why>`; `why` defaults to the optimistic-lock message. */
export function conflict(resource: string, group: string, name: string, why: string = OPTIMISTIC_LOCK_MESSAGE): ApiError {
  return {
    code: 409,
    reason: "Conflict",
    message: `Operation cannot be fulfilled on ${qualified(resource, group)} ${quote(name)}: ${why}`,
    details: resourceDetails(resource, group, name),
  };
}

/**
 * 422: `Deployment.apps "x" is invalid: spec.selector: Required value` for one cause,
 * `[a: ..., b: ...]` for several (utilerrors.Aggregate, duplicates dropped).
 */
export function invalid(kind: string, group: string, name: string, causes: FieldCause[]): ApiError {
  const details = resourceDetails(kind, group, name);
  details.causes = causes;
  return {
    code: 422,
    reason: "Invalid",
    message: `${qualified(kind, group)} ${quote(name)} is invalid: ${aggregateCauses(causes)}`,
    details,
  };
}

/** utilerrors.Aggregate.Error(): one message bare, several deduplicated in brackets. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  // field.ErrorList.ToAggregate() of an empty list is a nil error, printed by %v as "<nil>".
  if (unique.length === 0) return "<nil>";
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
}

/** 400 with the message as given. */
export function badRequest(message: string): ApiError {
  return { code: 400, reason: "BadRequest", message };
}

/** 410 Expired for a resourceVersion older than the retained history: "too old resource version: N (M)". */
export function expired(requested: number | string, oldest: number | string): ApiError {
  return resourceExpired(`too old resource version: ${requested} (${oldest})`);
}

/** 410 Expired with the message as given. */
export function resourceExpired(message: string): ApiError {
  return { code: 410, reason: "Expired", message };
}

/** The etcd3 store's message for a continue token whose revision has been compacted. */
export const CONTINUE_EXPIRED_MESSAGE =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/** 410 Expired for a continue token older than the retained history. */
export function continueExpired(): ApiError {
  return resourceExpired(CONTINUE_EXPIRED_MESSAGE);
}

/** 410 Gone with the message as given. */
export function gone(message: string): ApiError {
  return { code: 410, reason: "Gone", message };
}

/** 415, as the content negotiation of k8s.io/apiserver words it. */
export function unsupportedMediaType(accepted: string[]): ApiError {
  return {
    code: 415,
    reason: "UnsupportedMediaType",
    message: `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  };
}

/** 406, as the content negotiation of k8s.io/apiserver words it. */
export function notAcceptable(accepted: string[]): ApiError {
  return {
    code: 406,
    reason: "NotAcceptable",
    message: `only the following media types are accepted: ${accepted.join(", ")}`,
  };
}

/** 413: "Request entity too large: limit is 3145728". */
export function tooLarge(limitBytes: number): ApiError {
  return { code: 413, reason: "RequestEntityTooLarge", message: `Request entity too large: limit is ${limitBytes}` };
}

/** 405: `create is not supported on resources of kind "nodes"` (NewMethodNotSupported). */
export function methodNotAllowed(resource: string, group: string, verb: string): ApiError {
  return {
    code: 405,
    reason: "MethodNotAllowed",
    message: `${verb} is not supported on resources of kind ${quote(qualified(resource, group))}`,
    details: resourceDetails(resource, group, ""),
  };
}

/** 403: `pods "x" is forbidden: <why>`, or `pods is forbidden: <why>` without a name. */
export function forbidden(resource: string, group: string, name: string, why: string): ApiError {
  const subject = name === "" ? qualified(resource, group) : `${qualified(resource, group)} ${quote(name)}`;
  return {
    code: 403,
    reason: "Forbidden",
    message: `${subject} is forbidden: ${why}`,
    details: resourceDetails(resource, group, name),
  };
}

/** 401; Kubernetes says "Unauthorized" when the authenticator gives no reason. */
export function unauthorized(message = "Unauthorized"): ApiError {
  return { code: 401, reason: "Unauthorized", message };
}

/** 429 with a Retry-After hint. */
export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return { code: 429, reason: "TooManyRequests", message, details: { retryAfterSeconds } };
}

/** 500: "Internal error occurred: <why>", the cause repeated in details as Kubernetes does. */
export function internalError(why: string): ApiError {
  return {
    code: 500,
    reason: "InternalError",
    message: `Internal error occurred: ${why}`,
    details: { causes: [{ reason: "", field: "", message: why }] },
  };
}

/** 503 with the message as given. */
export function serviceUnavailable(message: string): ApiError {
  return { code: 503, reason: "ServiceUnavailable", message };
}

/** 504: "Timeout: <why>". */
export function timeout(why: string, retryAfterSeconds: number): ApiError {
  return { code: 504, reason: "Timeout", message: `Timeout: ${why}`, details: { retryAfterSeconds } };
}

/** The meta/v1 Status body for an error; details are left out when empty, as Go's omitempty does. */
export function toStatus(err: ApiError): Status {
  const status: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: err.message,
    reason: err.reason,
    code: err.code,
  };
  const details = compactDetails(err.details);
  if (details) status.details = details;
  return status;
}

function compactDetails(details: StatusDetails | undefined): Status["details"] {
  if (!details) return undefined;
  const out: NonNullable<Status["details"]> = {};
  if (details.name) out.name = details.name;
  if (details.group) out.group = details.group;
  if (details.kind) out.kind = details.kind;
  if (details.causes && details.causes.length > 0) out.causes = details.causes.map(compactCause);
  if (details.retryAfterSeconds) out.retryAfterSeconds = details.retryAfterSeconds;
  return Object.keys(out).length > 0 ? out : undefined;
}

function compactCause(cause: FieldCause): StatusCause {
  const out: StatusCause = {};
  if (cause.reason) out.reason = cause.reason;
  if (cause.message) out.message = cause.message;
  if (cause.field) out.field = cause.field;
  return out;
}

/** Go's %q (strconv.Quote): printable characters as they are, the rest escaped the way Go does. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    const escaped = GO_ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

const GO_ESCAPES: Record<string, string> = {
  '"': '\\"', "\\": "\\\\", "\u0007": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
};

/** A value as field.Error prints it: strings quoted, numbers and booleans bare, string lists as Go's %#v. */
export type BadValue = string | number | boolean | string[];

function formatValue(value: BadValue): string {
  if (Array.isArray(value)) return `[]string{${value.map(quote).join(", ")}}`;
  return typeof value === "string" ? quote(value) : String(value);
}

function withDetail(body: string, detail: string): string {
  return detail === "" ? body : `${body}: ${detail}`;
}

/**
 * Constructors of field errors with field.Error's ErrorBody as the message, so that
 * `${field}: ${message}` is exactly the text Kubernetes prints for them.
 */
export const fieldError = {
  invalid(field: string, value: BadValue, detail: string): FieldCause {
    return { reason: "FieldValueInvalid", field, message: withDetail(`Invalid value: ${formatValue(value)}`, detail) };
  },
  required(field: string, detail = ""): FieldCause {
    return { reason: "FieldValueRequired", field, message: withDetail("Required value", detail) };
  },
  forbidden(field: string, detail: string): FieldCause {
    return { reason: "FieldValueForbidden", field, message: withDetail("Forbidden", detail) };
  },
  notSupported(field: string, value: BadValue, supported: string[]): FieldCause {
    const detail = supported.length > 0 ? `supported values: ${supported.map(quote).join(", ")}` : "";
    return { reason: "FieldValueNotSupported", field, message: withDetail(`Unsupported value: ${formatValue(value)}`, detail) };
  },
  tooLong(field: string, maxBytes: number): FieldCause {
    return { reason: "FieldValueTooLong", field, message: `Too long: must have at most ${maxBytes} bytes` };
  },
};

/** field.Error.Error(): "<field>: <body>". */
export function causeText(cause: FieldCause): string {
  return `${cause.field}: ${cause.message}`;
}

/** utilerrors.Aggregate.Error() over field errors: one bare, several deduplicated in brackets. */
export function aggregateCauses(causes: FieldCause[]): string {
  return aggregate(causes.map(causeText));
}
