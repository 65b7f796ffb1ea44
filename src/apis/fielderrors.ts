// Field causes worded as Kubernetes' field.Error.ErrorBody() words them, so that clients and
// people see the same "Invalid value: "Foo": ..." messages a real API server returns.
import type { FieldCause } from "./types";

/** Go's `%q` for strings, `%v` for numbers and booleans, JSON for anything else. */
function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function withDetail(body: string, detail: string | undefined): string {
  return detail ? `${body}: ${detail}` : body;
}

export function invalid(field: string, value: unknown, detail?: string): FieldCause {
  return { reason: "FieldValueInvalid", field, message: withDetail(`Invalid value: ${formatValue(value)}`, detail) };
}

export function required(field: string, detail?: string): FieldCause {
  return { reason: "FieldValueRequired", field, message: withDetail("Required value", detail) };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldCause {
  const detail = supported.length ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(", ")}` : undefined;
  return { reason: "FieldValueNotSupported", field, message: withDetail(`Unsupported value: ${formatValue(value)}`, detail) };
}

export function duplicate(field: string, value: unknown, detail?: string): FieldCause {
  return { reason: "FieldValueDuplicate", field, message: withDetail(`Duplicate value: ${formatValue(value)}`, detail) };
}

export function notFound(field: string, value: unknown): FieldCause {
  return { reason: "FieldValueNotFound", field, message: `Not found: ${formatValue(value)}` };
}

export function forbidden(field: string, detail: string): FieldCause {
  return { reason: "FieldValueForbidden", field, message: withDetail("Forbidden", detail) };
}

export function tooLong(field: string, maxBytes: number): FieldCause {
  return { reason: "FieldValueTooLong", field, message: `Too long: must have at most ${maxBytes} bytes` };
}

export function tooMany(field: string, actual: number, max: number): FieldCause {
  return { reason: "FieldValueTooMany", field, message: `Too many: ${actual}: must have at most ${max} items` };
}

/** One Invalid cause per message of a format check (Kubernetes reports each failed rule). */
export function invalidEach(field: string, value: unknown, messages: readonly string[]): FieldCause[] {
  return messages.map((m) => invalid(field, value, m));
}
