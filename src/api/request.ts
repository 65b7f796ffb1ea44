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

/** The body as text, refusing more than MAX_BODY_BYTES before reading it when the length is declared. */
async function readText(c: Ctx): Promise<Result<string>> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return { ok: false, error: tooLarge(MAX_BODY_BYTES) };
  return { ok: true, value: await c.req.text() };
}

/** The decoded body; `asType` overrides the Content-Type (patch bodies are JSON whatever their patch type). */
export async function readBody(c: Ctx, kind: KindDef, asType?: string): Promise<Result<unknown>> {
  const text = await readText(c);
  if (!text.ok) return text;
  return decodeBody(text.value, asType ?? c.req.header("content-type"), { kind: kind.kind });
}

/** A body that may be absent (DELETE's DeleteOptions). */
export async function readOptionalBody(c: Ctx): Promise<Result<unknown>> {
  const text = await readText(c);
  if (!text.ok) return text;
  if (text.value.trim() === "") return { ok: true, value: undefined };
  return decodeBody(text.value, c.req.header("content-type"), { kind: "DeleteOptions" });
}

export function writeOptions(c: Ctx, q: RequestQuery): WriteOptions {
  return {
    dryRun: q.dryRun,
    fieldManager: fieldManagerFor(q.fieldManager, c.req.header("user-agent")),
    fieldValidation: q.fieldValidation,
    force: q.force ?? false,
  };
}
