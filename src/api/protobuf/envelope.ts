// The Kubernetes protobuf envelope (apimachinery runtime/serializer/protobuf): the 4 bytes "k8s\0",
// then a runtime.Unknown message {1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding,
// 4: contentType} whose raw bytes are the object's own message.
import { WireError, WireReader, WireType } from "./wire";

export const PROTOBUF_MAGIC: readonly number[] = [0x6b, 0x38, 0x73, 0x00];

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Reads the envelope; throws WireError when the magic or the Unknown message is malformed. */
export function readEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length < PROTOBUF_MAGIC.length || PROTOBUF_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new WireError("", `provided data does not appear to be a protobuf message, expected prefix [${PROTOBUF_MAGIC.join(" ")}]`);
  }
  const envelope: Envelope = { apiVersion: "", kind: "", raw: new Uint8Array(), contentEncoding: "", contentType: "" };
  const r = new WireReader(bytes.subarray(PROTOBUF_MAGIC.length), "envelope");
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (wireType !== WireType.Bytes || field > 4) {
      r.skip(wireType);
      continue;
    }
    const value = r.bytesField();
    if (field === 1) Object.assign(envelope, typeMeta(value));
    else if (field === 2) envelope.raw = value;
    else if (field === 3) envelope.contentEncoding = text(value);
    else envelope.contentType = text(value);
  }
  return envelope;
}

function typeMeta(bytes: Uint8Array): { apiVersion: string; kind: string } {
  const meta = { apiVersion: "", kind: "" };
  const r = new WireReader(bytes, "envelope.typeMeta");
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (wireType !== WireType.Bytes || (field !== 1 && field !== 2)) {
      r.skip(wireType);
      continue;
    }
    const value = text(r.bytesField());
    if (field === 1) meta.apiVersion = value;
    else meta.kind = value;
  }
  return meta;
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
