// Joins generated.proto (field numbers, wire types, nesting) with the Go struct tags (JSON names,
// inlining, pointers) into the compact tables of ../tables.ts, keeping only the messages a
// top-level kind can reach. The table format is described in ../schema.ts.
import type { GoField, GoPackage } from "./gotags";
import { PROTO_SCALARS, type ProtoFile, type ProtoMessage } from "./proto";

export interface PackageInput {
  /** Short name used in the tables: "core.v1", "meta.v1", "resource". */
  short: string;
  /** The group/version served from this package ("v1", "apps/v1"); absent for support packages. */
  groupVersion?: string;
  proto: ProtoFile;
  go: GoPackage;
}

export interface EmitResult {
  kinds: Map<string, { pkg: string; kinds: string[] }>;
  /** Short message name → table line. */
  messages: Map<string, string>;
  /** Things a reviewer should look at: proto fields without a Go field, renamed fields. */
  notes: string[];
}

/** Messages decoded by hand (special.ts): their fields need no Go facts. */
export const SPECIAL_MESSAGES: ReadonlySet<string> = new Set([
  "meta.v1.Time",
  "meta.v1.MicroTime",
  "meta.v1.Duration",
  "meta.v1.FieldsV1",
  "resource.Quantity",
  "intstr.IntOrString",
  "runtime.RawExtension",
]);

/** Option kinds that every group version accepts as bodies besides its objects. */
const META_ROOTS = ["meta.v1.DeleteOptions"];

export function emitTables(packages: PackageInput[]): EmitResult {
  const shortOf = new Map(packages.map((p) => [p.proto.package, p.short]));
  const all = new Map<string, { msg: ProtoMessage; pkg: PackageInput }>();
  for (const pkg of packages) for (const msg of pkg.proto.messages) all.set(shortName(msg.name, shortOf), { msg, pkg });

  const kinds = new Map<string, { pkg: string; kinds: string[] }>();
  const roots: string[] = [...META_ROOTS];
  for (const pkg of packages) {
    if (!pkg.groupVersion) continue;
    const names = pkg.proto.messages.filter(isTopLevel).map((m) => m.name.slice(m.name.lastIndexOf(".") + 1));
    names.push(...META_ROOTS.filter((r) => r.startsWith(`${pkg.short}.`)).map((r) => r.slice(pkg.short.length + 1)));
    kinds.set(pkg.groupVersion, { pkg: pkg.short, kinds: names });
    roots.push(...names.map((n) => `${pkg.short}.${n}`));
  }

  const notes: string[] = [];
  const messages = new Map<string, string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift() ?? "";
    if (messages.has(name)) continue;
    const entry = all.get(name);
    if (!entry) {
      notes.push(`${name}: referenced but not in any input package`);
      messages.set(name, "");
      continue;
    }
    const line = messageLine(name, entry, shortOf, notes);
    messages.set(name, line.text);
    queue.push(...line.refs);
  }
  return { kinds, messages: new Map([...messages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), notes };
}

/** Messages with ObjectMeta that are parts of objects or read-only views, not kinds clients send. */
const NOT_KINDS: ReadonlySet<string> = new Set([
  "PartialObjectMetadata",
  "PodStatusResult",
  "PodTemplateSpec",
  "PersistentVolumeClaimTemplate",
  "JobTemplateSpec",
  "RangeAllocation",
]);

/** An object clients create: it has ObjectMeta metadata and is not a list. */
function isTopLevel(msg: ProtoMessage): boolean {
  if (msg.name.endsWith("List") || NOT_KINDS.has(msg.name.slice(msg.name.lastIndexOf(".") + 1))) return false;
  return msg.fields.some((f) => f.name === "metadata" && f.type === "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta");
}

function shortName(full: string, shortOf: Map<string, string>): string {
  const dot = full.lastIndexOf(".");
  const pkg = full.slice(0, dot);
  return `${shortOf.get(pkg) ?? pkg}.${full.slice(dot + 1)}`;
}

function messageLine(name: string, entry: { msg: ProtoMessage; pkg: PackageInput }, shortOf: Map<string, string>, notes: string[]): { text: string; refs: string[] } {
  const local = entry.msg.name.slice(entry.msg.name.lastIndexOf(".") + 1);
  const special = SPECIAL_MESSAGES.has(name);
  const goFields = entry.pkg.go.structs.get(local);
  const isSlice = entry.pkg.go.sliceTypes.has(local);
  if (!goFields && !special && !isSlice) notes.push(`${name}: no Go struct found; proto names and non-pointer semantics used`);
  const refs: string[] = [];
  const typeRef = (t: string): string => {
    if (PROTO_SCALARS.has(t)) return t;
    const short = shortName(t, shortOf);
    refs.push(short);
    const pkgPrefix = `${entry.pkg.short}.`;
    return short.startsWith(pkgPrefix) && !short.slice(pkgPrefix.length).includes(".") ? short.slice(pkgPrefix.length) : short;
  };
  const fields = entry.msg.fields.map((f) => {
    const go = goFields?.get(f.number);
    if (goFields && !go && !special) notes.push(`${name}.${f.name} (${f.number}): no Go field`);
    const jsonName = jsonNameOf(f.name, go);
    if (go && !go.inline && jsonName !== f.name) notes.push(`${name}.${f.name} (${f.number}): JSON name ${jsonName}`);
    const type = f.mapValue !== undefined ? `{${typeRef(f.mapValue)}}` : typeRef(f.type);
    const flags = (f.repeated && f.mapValue === undefined ? "*" : "") + (go?.pointer || f.type === "bytes" ? "?" : "") + (go?.inline ? "^" : "");
    return `${f.number}:${jsonName}:${type}${flags}`;
  });
  return { text: (isSlice ? "[] " : "") + fields.join(" "), refs };
}

function jsonNameOf(protoName: string, go: GoField | undefined): string {
  return go?.jsonName ?? protoName;
}

/** The tables as a TypeScript module. */
export function renderModule(result: EmitResult, source: string): string {
  const kinds = [...result.kinds].map(([gv, k]) => `  ${JSON.stringify(gv)}: ${JSON.stringify(`${k.pkg} ${k.kinds.join(" ")}`)},`);
  const messages = [...result.messages].map(([name, line]) => `  ${JSON.stringify(name)}: ${JSON.stringify(line)},`);
  return [
    `// Generated by scripts/protobuf-tables.ts from ${source}. Do not edit: change the script's`,
    "// package list and run it again. The format is described in schema.ts.",
    "",
    "/** Group/version → the table package that holds its kinds, then the kinds clients may send. */",
    "export const KINDS: Readonly<Record<string, string>> = {",
    ...kinds,
    "};",
    "",
    "/** Message → its fields, `number:jsonName:type` plus flags (* repeated, ? pointer, ^ inline). */",
    "export const MESSAGES: Readonly<Record<string, string>> = {",
    ...messages,
    "};",
    "",
  ].join("\n");
}
