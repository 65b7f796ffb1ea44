// Reading a request: the body (size-limited, JSON or YAML) and the options writes share.
import type { KindDef } from "../apis/types";
import type { Ctx } from "./context";
import type { FieldValidation } from "./admission";
import { decodeBody, MAX_BODY_BYTES, type RequestQuery } from "./decode";
import { tooLarge, type Result } from "./status";
import { fieldManagerFor } from "./patch/managedfields";

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: FieldValidation;
  force: boolean;
}

/**
 * The body as bytes (protobuf bodies are binary, so not as text), refusing more than
 * MAX_BODY_BYTES before reading it when the length is declared.
 */
async function readBytes(c: Ctx): Promise<Result<Uint8Array>> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return { ok: false, error: tooLarge(MAX_BODY_BYTES) };
  return { ok: true, value: new Uint8Array(await c.req.arrayBuffer()) };
}

/** The decoded body; `asType` overrides the Content-Type (patch bodies are JSON whatever their patch type). */
export async function readBody(c: Ctx, kind: KindDef, asType?: string): Promise<Result<unknown>> {
  const bytes = await readBytes(c);
  if (!bytes.ok) return bytes;
  return decodeBody(bytes.value, asType ?? c.req.header("content-type"), { kind: kind.kind });
}

/** A body that may be absent (DELETE's DeleteOptions): empty or only whitespace. */
export async function readOptionalBody(c: Ctx): Promise<Result<unknown>> {
  const bytes = await readBytes(c);
  if (!bytes.ok) return bytes;
  if (bytes.value.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)) return { ok: true, value: undefined };
  return decodeBody(bytes.value, c.req.header("content-type"), { kind: "DeleteOptions" });
}

export function writeOptions(c: Ctx, q: RequestQuery): WriteOptions {
  return {
    dryRun: q.dryRun,
    fieldManager: fieldManagerFor(q.fieldManager, c.req.header("user-agent")),
    fieldValidation: q.fieldValidation,
    force: q.force ?? false,
  };
}
