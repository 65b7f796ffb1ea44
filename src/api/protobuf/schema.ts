// The message tables (tables.ts) as typed definitions, parsed on first use of each message.
//
// A table line lists a message's fields separated by spaces, each `number:jsonName:type` plus flags:
//   type   a scalar (string bool int32 int64 uint32 uint64 bytes double float), a message
//          ("ObjectMeta" in the line's own package, "meta.v1.Time" elsewhere), or a map
//          "{V}" from string keys to V;
//   *      repeated;
//   ?      pointer in Go: written only when set, so a zero value is meaningful and kept;
//   ^      inline: the message's fields are merged into the parent's JSON (Volume's VolumeSource).
// A line starting with "[] " is a Go slice type wrapped in a message (ExtraValue): in JSON it is
// the array of its field 1.
import { KINDS, MESSAGES } from "./tables";

export type Scalar = "string" | "bool" | "int32" | "int64" | "uint32" | "uint64" | "bytes" | "double" | "float";
export type ValueType = { scalar: Scalar } | { message: string };

export interface FieldDef {
  number: number;
  name: string;
  type: ValueType;
  repeated: boolean;
  /** Maps are repeated entries {1: key, 2: value} on the wire; their keys are strings. */
  map: boolean;
  pointer: boolean;
  inline: boolean;
}

export interface MessageDef {
  name: string;
  fields: ReadonlyMap<number, FieldDef>;
  /** A slice type: the JSON value is field 1's array. */
  items: boolean;
}

const SCALARS: ReadonlySet<string> = new Set(["string", "bool", "int32", "int64", "uint32", "uint64", "bytes", "double", "float"]);
const FIELD = /^(\d+):([^:]+):(\{[\w.]+\}|[\w.]+)([*?^]*)$/;

const parsed = new Map<string, MessageDef | undefined>();

/** The definition of a table message ("core.v1.ConfigMap"), or undefined when the tables lack it. */
export function messageDef(name: string): MessageDef | undefined {
  if (!parsed.has(name)) parsed.set(name, Object.hasOwn(MESSAGES, name) ? parseLine(name, MESSAGES[name]) : undefined);
  return parsed.get(name);
}

/** The message for an apiVersion and kind a client put in the envelope, when the tables have it. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  const entry = Object.hasOwn(KINDS, apiVersion) ? KINDS[apiVersion].split(" ") : undefined;
  if (entry?.slice(1).includes(kind)) return `${entry[0]}.${kind}`;
  // Every group version accepts the meta/v1 option kinds (client-go's typed Delete sends DeleteOptions).
  const meta = KINDS["meta.k8s.io/v1"].split(" ");
  return entry && meta.slice(1).includes(kind) ? `${meta[0]}.${kind}` : undefined;
}

function parseLine(name: string, line: string): MessageDef {
  const pkg = name.slice(0, name.lastIndexOf("."));
  const items = line.startsWith("[] ");
  const fields = new Map<number, FieldDef>();
  for (const entry of (items ? line.slice(3) : line).split(" ").filter((e) => e !== "")) {
    const m = FIELD.exec(entry);
    // The tables are generated and covered by tests; a bad entry is a bug in them, not in a request.
    if (!m) throw new Error(`protobuf table ${name}: cannot read field ${JSON.stringify(entry)}`);
    const [, number, jsonName, rawType, flags] = m;
    const map = rawType.startsWith("{");
    fields.set(Number(number), {
      number: Number(number),
      name: jsonName,
      type: valueType(map ? rawType.slice(1, -1) : rawType, pkg),
      repeated: flags.includes("*") || map,
      map,
      pointer: flags.includes("?"),
      inline: flags.includes("^"),
    });
  }
  return { name, fields, items };
}

function valueType(type: string, pkg: string): ValueType {
  if (SCALARS.has(type)) return { scalar: type as Scalar };
  return { message: type.includes(".") ? type : `${pkg}.${type}` };
}
