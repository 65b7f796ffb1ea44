// Reading a request: the body (size-limited, JSON or YAML) and the options every write shares.
import type { Ctx } from "./context";
import type { FieldValidation } from "./admission";
import { decodeBody, parseWriteQuery, MAX_BODY_BYTES } from "./decode";
import { tooLarge, type Result } from "./status";

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: FieldValidation;
  force: boolean;
}

/** Read at most MAX_BODY_BYTES; a larger body is 413 before it is parsed. */
async function readText(c: Ctx): Promise<Result<string>> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return { ok: false, error: tooLarge(MAX_BODY_BYTES) };
  const text = await c.req.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) return { ok: false, error: tooLarge(MAX_BODY_BYTES) };
  return { ok: true, value: text };
}

/** The decoded body; `asType` overrides the Content-Type (patch bodies are JSON whatever their patch type). */
export async function readBody(c: Ctx, asType?: string): Promise<Result<unknown>> {
  const text = await readText(c);
  if (!text.ok) return text;
  return decodeBody(asType ?? c.req.header("content-type"), text.value);
}

/** A body that may be absent (DELETE's DeleteOptions). */
export async function readOptionalBody(c: Ctx): Promise<Result<unknown>> {
  const text = await readText(c);
  if (!text.ok) return text;
  if (text.value.trim() === "") return { ok: true, value: undefined };
  return decodeBody(c.req.header("content-type") ?? "application/json", text.value);
}

export function writeOptions(c: Ctx): Result<WriteOptions> {
  return parseWriteQuery(new URL(c.req.url).searchParams, c.req.header("user-agent"));
}
