// One protobuf message to the JSON the same Go object would have been sent as, driven by the
// tables. Unknown field numbers are skipped by wire type (a newer client's fields are dropped,
// as an older kube-apiserver drops them). Go writes every non-pointer field even when it is
// zero, and Go's JSON reading treats a zero value as absent, so zero values of non-pointer fields
// are left out: `generateName: ""` or `resources: {}` would otherwise reach defaulting and
// validation as if the client had set them.
import { isPlainObject, type Json } from "../../util/json";
import { messageDef, type FieldDef, type MessageDef, type Scalar } from "./schema";
import { SPECIAL_DECODERS } from "./special";
import { WireError, WireReader, WireType } from "./wire";

/** Kubernetes objects nest about 15 messages deep; the limit stops a crafted body exhausting the stack. */
const MAX_DEPTH = 64;

type Slot = { kind: "list"; values: Json[] } | { kind: "map"; entries: Record<string, Json> } | { kind: "scalar"; value: Json } | { kind: "message"; chunks: Uint8Array[] };

/** Where a message sits: its field path (for error messages) and nesting depth. */
interface At {
  path: string;
  depth: number;
}

const ROOT: At = { path: "", depth: 0 };

/** Decodes `bytes` as the table message `name`; undefined is a special type's zero value. */
export function decodeMessage(bytes: Uint8Array, name: string, at: At = ROOT): Json | undefined {
  if (at.depth > MAX_DEPTH) throw new WireError(at.path, `messages nested more than ${MAX_DEPTH} deep`);
  const special = SPECIAL_DECODERS[name];
  if (special) return special(bytes, at.path);
  const def = messageDef(name);
  // Every message the tables reference is in them (a unit test checks), so this is a server bug.
  if (!def) throw new Error(`protobuf tables have no message ${name}`);
  const slots = readSlots(new WireReader(bytes, at.path), def, at);
  if (def.items) {
    const slot = slots.get(1);
    return slot?.kind === "list" ? slot.values : [];
  }
  return toObject(def, slots, at);
}

function child(at: At, name: string): At {
  return { path: at.path ? `${at.path}.${name}` : name, depth: at.depth + 1 };
}

function readSlots(r: WireReader, def: MessageDef, at: At): Map<number, Slot> {
  const slots = new Map<number, Slot>();
  while (!r.done) {
    const offset = r.offset;
    const { field, wireType } = r.tag();
    const f = def.fields.get(field);
    if (!f) {
      r.skip(wireType);
      continue;
    }
    const read: Read = { r, wireType, at: child(at, f.name), offset };
    if (f.map) {
      const slot = slotOf(slots, f.number, () => ({ kind: "map", entries: {} }));
      const [key, value] = mapEntry(read, f);
      if (slot.kind === "map") setOwn(slot.entries, key, value);
    } else if (f.repeated) {
      const slot = slotOf(slots, f.number, () => ({ kind: "list", values: [] }));
      if (slot.kind === "list") slot.values.push(...repeatedValues(read, f));
    } else if ("message" in f.type) {
      expect(read, WireType.Bytes);
      // A message field sent twice is merged, which for protobuf is decoding the concatenation.
      const slot = slotOf(slots, f.number, () => ({ kind: "message", chunks: [] }));
      if (slot.kind === "message") slot.chunks.push(r.bytesField());
    } else {
      slots.set(f.number, { kind: "scalar", value: readScalar(read, f.type.scalar) });
    }
  }
  return slots;
}

/** One field occurrence being read: the reader positioned after its tag. */
interface Read {
  r: WireReader;
  wireType: WireType;
  at: At;
  /** Where the tag started, for error messages. */
  offset: number;
}

/** Map keys come from the client: "__proto__" (a valid ConfigMap key) must stay a plain key. */
function setOwn(entries: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(entries, key, { value, enumerable: true, writable: true, configurable: true });
}

function slotOf(slots: Map<number, Slot>, n: number, make: () => Slot): Slot {
  let slot = slots.get(n);
  if (!slot) slots.set(n, (slot = make()));
  return slot;
}

/** Fields in table (Go struct) order; inline messages merged in; zero non-pointer values left out. */
function toObject(def: MessageDef, slots: Map<number, Slot>, at: At): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const f of def.fields.values()) {
    const slot = slots.get(f.number);
    if (!slot) continue;
    const value = slot.kind === "message" ? decodeMessage(concat(slot.chunks), messageOf(f), child(at, f.name)) : slotValue(slot);
    if (value === undefined || (!f.pointer && isZero(value))) continue;
    if (f.inline && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = v;
    } else {
      out[f.name] = value;
    }
  }
  return out;
}

function slotValue(slot: Exclude<Slot, { kind: "message" }>): Json {
  return slot.kind === "list" ? slot.values : slot.kind === "map" ? slot.entries : slot.value;
}

function messageOf(f: FieldDef): string {
  return "message" in f.type ? f.type.message : "";
}

function isZero(value: Json): boolean {
  return value === "" || value === 0 || value === false || value === null || (isPlainObject(value) && Object.keys(value).length === 0);
}

function repeatedValues(read: Read, f: FieldDef): Json[] {
  if ("message" in f.type) {
    expect(read, WireType.Bytes);
    return [decodeMessage(read.r.bytesField(), f.type.message, read.at) ?? null];
  }
  const scalar = f.type.scalar;
  // Packed encoding (one length-delimited run of numbers) is valid for any repeated number.
  if (read.wireType === WireType.Bytes && scalar !== "string" && scalar !== "bytes") {
    const packed = new WireReader(read.r.bytesField(), read.at.path);
    const values: Json[] = [];
    while (!packed.done) values.push(readScalar({ ...read, r: packed, wireType: WIRE_TYPE_OF[scalar], offset: packed.offset }, scalar));
    return values;
  }
  return [readScalar(read, scalar)];
}

function mapEntry(read: Read, f: FieldDef): [string, Json] {
  expect(read, WireType.Bytes);
  const r = new WireReader(read.r.bytesField(), read.at.path);
  let key = "";
  let value: Json | undefined;
  while (!r.done) {
    const offset = r.offset;
    const { field, wireType } = r.tag();
    const entry: Read = { r, wireType, at: read.at, offset };
    if (field === 1) {
      key = readScalar(entry, "string") as string;
    } else if (field === 2 && "message" in f.type) {
      expect(entry, WireType.Bytes);
      value = decodeMessage(r.bytesField(), f.type.message, { path: `${read.at.path}[${key}]`, depth: read.at.depth + 1 }) ?? null;
    } else if (field === 2 && "scalar" in f.type) {
      value = readScalar(entry, f.type.scalar);
    } else {
      r.skip(wireType);
    }
  }
  // An entry without a value holds the type's zero value, as in Go.
  return [key, value ?? ("scalar" in f.type ? SCALAR_ZERO[f.type.scalar] : null)];
}

const WIRE_TYPE_OF: Readonly<Record<Scalar, WireType>> = {
  string: WireType.Bytes,
  bytes: WireType.Bytes,
  bool: WireType.Varint,
  int32: WireType.Varint,
  int64: WireType.Varint,
  uint32: WireType.Varint,
  uint64: WireType.Varint,
  double: WireType.Fixed64,
  float: WireType.Fixed32,
};

const SCALAR_ZERO: Readonly<Record<Scalar, Json>> = { string: "", bytes: "", bool: false, int32: 0, int64: 0, uint32: 0, uint64: 0, double: 0, float: 0 };

function readScalar(read: Read, scalar: Scalar): Json {
  expect(read, WIRE_TYPE_OF[scalar]);
  const r = read.r;
  switch (scalar) {
    case "string":
      // Go does not check UTF-8 here and its JSON writes bad bytes as U+FFFD; TextDecoder does the same.
      return new TextDecoder().decode(r.bytesField());
    case "bytes":
      return base64(r.bytesField());
    case "bool":
      return r.varint() !== 0n;
    case "int32":
      return Number(BigInt.asIntN(32, r.varint()));
    case "int64":
      return Number(BigInt.asIntN(64, r.varint()));
    case "uint32":
      return Number(BigInt.asUintN(32, r.varint()));
    case "uint64":
      return Number(r.varint());
    case "double":
      return r.fixed64().getFloat64(0, true);
    case "float":
      return r.fixed32().getFloat32(0, true);
  }
}

const WIRE_TYPE_NAMES = ["varint", "fixed64", "length-delimited", "group start", "group end", "fixed32"];

/** Refuses a value sent with the wrong wire type: reading it as another type would misparse what follows. */
function expect(read: Read, wanted: WireType): void {
  if (read.wireType !== wanted) {
    throw new WireError(read.at.path, `wire type ${WIRE_TYPE_NAMES[read.wireType]}, expected ${WIRE_TYPE_NAMES[wanted]}`, read.offset);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Secret data and other []byte fields are base64 strings in JSON. */
function base64(bytes: Uint8Array): string {
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}
