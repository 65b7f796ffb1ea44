// A Kubernetes protobuf request body (Content-Type: application/vnd.kubernetes.protobuf, what
// client-go's typed clients send since 1.31, kubectl's create/run/expose generators included)
// turned into the JSON object the rest of the request path reads.
import type { Json } from "../../util/json";
import { badRequest, fail, ok, type Result } from "../status";
import { readEnvelope, type Envelope } from "./envelope";
import { decodeMessage } from "./message";
import { messageForKind } from "./schema";
import { WireError } from "./wire";

export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

/**
 * Decodes a protobuf body. `expectedKind` (the endpoint's kind) only words errors; whether the
 * body's kind fits the endpoint is checked later, as for JSON bodies. Malformed input is 400.
 */
export function decodeProtobuf(bytes: Uint8Array, expectedKind: string): Result<Record<string, Json>> {
  try {
    const envelope = readEnvelope(bytes);
    const problem = envelopeProblem(envelope);
    if (problem) return fail(badRequest(problem));
    const message = messageForKind(envelope.apiVersion, envelope.kind);
    if (!message) return fail(badRequest(`no kind "${envelope.kind}" is registered for version "${envelope.apiVersion}" in protobuf`));
    const object = decodeMessage(envelope.raw, message);
    return ok({ apiVersion: envelope.apiVersion, kind: envelope.kind, ...(object as Record<string, Json>) });
  } catch (e) {
    // WireError is how the readers report malformed bytes (see wire.ts); anything else is a bug.
    if (!(e instanceof WireError)) throw e;
    return fail(badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): protobuf: ${e.message}`));
  }
}

function envelopeProblem(envelope: Envelope): string | undefined {
  if (envelope.contentEncoding !== "") return `protobuf: unsupported content encoding "${envelope.contentEncoding}"`;
  if (envelope.contentType !== "" && envelope.contentType !== PROTOBUF_MEDIA_TYPE) return `protobuf: unsupported embedded content type "${envelope.contentType}"`;
  if (envelope.kind === "") return `Object 'Kind' is missing in protobuf envelope (apiVersion "${envelope.apiVersion}")`;
  return undefined;
}
