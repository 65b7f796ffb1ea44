// Kubernetes types whose protobuf message differs from their JSON: each becomes the JSON its Go
// type's MarshalJSON writes (apimachinery's meta/v1 time.go, micro_time.go, duration.go,
// fields_proto.go, api/resource, util/intstr, runtime/types_proto.go).
import type { Json } from "../../util/json";
import { WireError, WireReader, WireType } from "./wire";

/** Decodes one special message; undefined is Go's zero value, which JSON writes as null or leaves out. */
export type SpecialDecoder = (bytes: Uint8Array, where: string) => Json | undefined;

export const SPECIAL_DECODERS: Readonly<Record<string, SpecialDecoder>> = {
  "meta.v1.Time": (b, where) => time(b, where, false),
  "meta.v1.MicroTime": (b, where) => time(b, where, true),
  "meta.v1.Duration": (b, where) => goDuration(fieldValues(b, where).get(1)?.varint ?? 0n),
  "meta.v1.FieldsV1": (b, where) => embeddedJson(fieldValues(b, where).get(1)?.bytes, where),
  "runtime.RawExtension": (b, where) => embeddedJson(fieldValues(b, where).get(1)?.bytes, where),
  "resource.Quantity": (b, where) => quantity(b, where),
  "intstr.IntOrString": (b, where) => intOrString(b, where),
};

interface Value {
  varint?: bigint;
  bytes?: Uint8Array;
}

/** The last value of each field of a small flat message (later occurrences win, as in protobuf). */
function fieldValues(bytes: Uint8Array, where: string): Map<number, Value> {
  const values = new Map<number, Value>();
  const r = new WireReader(bytes, where);
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (wireType === WireType.Varint) values.set(field, { varint: r.varint() });
    else if (wireType === WireType.Bytes) values.set(field, { bytes: r.bytesField() });
    else r.skip(wireType);
  }
  return values;
}

const MAX_SECONDS = 253402300799n; // 9999-12-31T23:59:59Z, the last time Go's RFC 3339 JSON can write
const MIN_SECONDS = -62135596800n; // 0001-01-01T00:00:00Z

/**
 * metav1.Time writes nothing for the zero time, else {seconds, nanos}. Time's JSON has whole
 * seconds (its protobuf reader drops nanos too); MicroTime keeps microseconds.
 */
function time(bytes: Uint8Array, where: string, micro: boolean): Json | undefined {
  if (bytes.length === 0) return undefined;
  const values = fieldValues(bytes, where);
  const seconds = BigInt.asIntN(64, values.get(1)?.varint ?? 0n);
  const nanos = Number(BigInt.asIntN(32, values.get(2)?.varint ?? 0n));
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || (micro && (nanos < 0 || nanos > 999_999_999))) {
    throw new WireError(where, `time out of range (seconds ${seconds}, nanos ${nanos})`);
  }
  const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` : `${iso}Z`;
}

function quantity(bytes: Uint8Array, where: string): Json | undefined {
  const s = fieldValues(bytes, where).get(1)?.bytes;
  return s === undefined ? undefined : new TextDecoder().decode(s);
}

/** {type, intVal, strVal}: type 1 is a string, anything else an integer (intstr.Type). */
function intOrString(bytes: Uint8Array, where: string): Json | undefined {
  const values = fieldValues(bytes, where);
  if (values.get(1)?.varint === 1n) return new TextDecoder().decode(values.get(3)?.bytes ?? new Uint8Array());
  return Number(BigInt.asIntN(32, values.get(2)?.varint ?? 0n));
}

const PROTOBUF_MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** FieldsV1 and RawExtension carry JSON bytes; an embedded protobuf object is refused, not guessed at. */
function embeddedJson(raw: Uint8Array | undefined, where: string): Json | undefined {
  if (raw === undefined || raw.length === 0) return undefined;
  if (PROTOBUF_MAGIC.every((b, i) => raw[i] === b)) throw new WireError(where, "an embedded protobuf-encoded object is not supported; send it as JSON");
  try {
    return JSON.parse(new TextDecoder().decode(raw)) as Json;
  } catch (e) {
    // JSON.parse reports malformed input only by throwing; its message is the reason.
    throw new WireError(where, `embedded JSON does not parse: ${(e as Error).message}`);
  }
}

const NS_PER: ReadonlyArray<[bigint, string]> = [
  [3_600_000_000_000n, "h"],
  [60_000_000_000n, "m"],
];

/** time.Duration.String: "1h2m3.5s", "1m0s", "1.5ms", "0s". */
export function goDuration(raw: bigint): string {
  const ns = BigInt.asIntN(64, raw);
  if (ns === 0n) return "0s";
  const sign = ns < 0n ? "-" : "";
  let u = ns < 0n ? -ns : ns;
  if (u < 1_000_000_000n) {
    const [unit, scale] = u < 1_000n ? ["ns", 1n] : u < 1_000_000n ? ["µs", 1_000n] : ["ms", 1_000_000n];
    return sign + fraction(u, scale) + unit;
  }
  let out = "";
  for (const [scale, unit] of NS_PER) {
    if (u >= scale || out !== "") {
      out += `${u / scale}${unit}`;
      u %= scale;
    }
  }
  return sign + out + fraction(u, 1_000_000_000n) + "s";
}

/** u/scale with the remainder as decimals, trailing zeros dropped ("1.5", "2"). */
function fraction(u: bigint, scale: bigint): string {
  const whole = u / scale;
  const rest = u % scale;
  if (rest === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(rest).padStart(digits, "0").replace(/0+$/, "")}`;
}
