// Reads the subset of proto2 that go-to-protobuf writes into Kubernetes' generated.proto files:
// a package line, top-level messages, and fields that are `optional`/`repeated` scalars or
// messages, or `map<string, V>`. Nothing else appears in those files (no enums, oneofs, nested
// messages or field options), so anything else is reported rather than guessed at.

export interface ProtoField {
  number: number;
  /** The proto field name; usually the JSON name, not always (see gotags.ts). */
  name: string;
  repeated: boolean;
  /** A scalar ("string", "int32"...) or a fully qualified message name without the leading dot. */
  type: string;
  /** For map fields: the value type (keys are always strings in Kubernetes). */
  mapValue?: string;
}

export interface ProtoMessage {
  /** Fully qualified: "k8s.io.api.core.v1.ConfigMap". */
  name: string;
  fields: ProtoField[];
}

export interface ProtoFile {
  package: string;
  messages: ProtoMessage[];
}

export const PROTO_SCALARS: ReadonlySet<string> = new Set(["string", "bool", "int32", "int64", "uint32", "uint64", "bytes", "double", "float"]);

const FIELD = /^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;$/;
const MAP_FIELD = /^map<\s*string\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;$/;

export type ParseResult = { ok: true; file: ProtoFile } | { ok: false; message: string };

/** Parses one generated.proto; `ok: false` names the first line it does not understand. */
export function parseProto(text: string): ParseResult {
  const lines = withoutComments(text.split("\n"));
  let pkg = "";
  const messages: ProtoMessage[] = [];
  let current: ProtoMessage | undefined;
  for (const [i, line] of lines.entries()) {
    if (line === "" || /^(syntax|import|option)\b/.test(line)) continue;
    const pkgMatch = /^package\s+([\w.]+)\s*;$/.exec(line);
    if (pkgMatch) {
      pkg = pkgMatch[1];
      continue;
    }
    const open = /^message\s+(\w+)\s*\{$/.exec(line);
    if (open && !current) {
      current = { name: `${pkg}.${open[1]}`, fields: [] };
      continue;
    }
    if (line === "}" && current) {
      messages.push(current);
      current = undefined;
      continue;
    }
    const field = current ? parseField(line, pkg) : undefined;
    if (!field || !current) return { ok: false, message: `line ${i + 1}: cannot read ${JSON.stringify(line)}` };
    current.fields.push(field);
  }
  if (current) return { ok: false, message: `message ${current.name} is not closed` };
  return { ok: true, file: { package: pkg, messages } };
}

/**
 * Line comments go first: their text may hold "/*" (paths like "apps/*"). The only block comment
 * is the license header, whose lines become blank so that line numbers stay true.
 */
function withoutComments(raw: string[]): string[] {
  let inBlock = false;
  return raw.map((l) => {
    const line = l.replace(/\/\/.*$/, "").trim();
    if (!inBlock && line.startsWith("/*")) inBlock = true;
    if (!inBlock) return line;
    if (line.endsWith("*/")) inBlock = false;
    return "";
  });
}

function parseField(line: string, pkg: string): ProtoField | undefined {
  const map = MAP_FIELD.exec(line);
  if (map) return { number: Number(map[3]), name: map[2], repeated: true, type: "map", mapValue: qualify(map[1], pkg) };
  const f = FIELD.exec(line);
  if (!f) return undefined;
  return { number: Number(f[4]), name: f[3], repeated: f[1] === "repeated", type: qualify(f[2], pkg) };
}

/** ".k8s.io.x.Y" is absolute; a bare "Y" is in the file's own package. */
function qualify(type: string, pkg: string): string {
  if (PROTO_SCALARS.has(type)) return type;
  return type.startsWith(".") ? type.slice(1) : `${pkg}.${type}`;
}
