// What generated.proto does not say about a field, read from the Go types it was generated from
// (k8s.io/api/<group>/<version>/types.go and friends): the JSON name, whether the field is inlined
// into its parent's JSON (`json:",inline"`, e.g. Volume's VolumeSource, the LocalObjectReference
// inside ConfigMapKeySelector), and whether it is a pointer. Pointers matter because the Go
// marshaller writes every non-pointer field, zero or not, while a pointer is written only when
// set: a zero value on the wire is meaningful only for a pointer (`replicas: 0`, `immutable:
// false`). Only struct tags and type declarations are read; no Go code is kept.

export interface GoField {
  goName: string;
  /** The JSON name from the `json` tag; undefined when the tag has none (inline embeds). */
  jsonName?: string;
  inline: boolean;
  /** Go pointer (or []byte, which is nil-able the same way): written to the wire only when set. */
  pointer: boolean;
}

export interface GoPackage {
  /** Struct name → protobuf field number → field. */
  structs: Map<string, Map<number, GoField>>;
  /** Types declared as slices (`type ExtraValue []string`): on the wire a message, in JSON an array. */
  sliceTypes: Set<string>;
}

const STRUCT_OPEN = /^type\s+(\w+)\s+struct\s*\{\s*$/;
const SLICE_TYPE = /^type\s+(\w+)\s+\[\]\w+\s*$/;
/** `Name Type \`tags\`` or, for an embedded field, `Type \`tags\``. */
const FIELD_LINE = /^(?:(\w+)\s+)?(\S+)\s+`([^`]*)`/;

export function emptyGoPackage(): GoPackage {
  return { structs: new Map(), sliceTypes: new Set() };
}

/** Adds one Go file's structs and slice types to `pkg`. */
export function readGoFile(text: string, pkg: GoPackage): void {
  let current: Map<number, GoField> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (current) {
      if (line === "}") current = undefined;
      else readField(line, current);
      continue;
    }
    const open = STRUCT_OPEN.exec(line);
    if (open) {
      current = new Map();
      pkg.structs.set(open[1], current);
      continue;
    }
    const slice = SLICE_TYPE.exec(line);
    if (slice) pkg.sliceTypes.add(slice[1]);
  }
}

function readField(line: string, fields: Map<number, GoField>): void {
  const m = FIELD_LINE.exec(line);
  if (!m) return;
  const [, name, type, tags] = m;
  const proto = tagValue(tags, "protobuf");
  if (proto === undefined) return;
  const number = Number(proto.split(",")[1]);
  if (!Number.isInteger(number)) return;
  const json = tagValue(tags, "json");
  const [jsonName, ...options] = (json ?? "").split(",");
  fields.set(number, {
    goName: name ?? type.replace(/^\*/, "").replace(/^\w+\./, ""),
    jsonName: jsonName || undefined,
    inline: options.includes("inline"),
    pointer: type.startsWith("*") || type === "[]byte",
  });
}

function tagValue(tags: string, key: string): string | undefined {
  return new RegExp(`(?:^|\\s)${key}:"([^"]*)"`).exec(tags)?.[1];
}
