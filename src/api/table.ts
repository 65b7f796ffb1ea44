// Output negotiation and server-side printing: which representation the Accept header asks for
// (k8s.io/apiserver/pkg/endpoints/handlers/negotiation) and the meta.k8s.io Table and
// PartialObjectMetadata forms of objects (handlers/response.go, pkg/printers).
import type { KindDef, KubeObject, ObjectMeta } from "../apis/types";
import { badRequest, fail, fieldError, causeText, notAcceptable, ok, type ApiError, type Result } from "./status";

export type IncludeObject = "None" | "Metadata" | "Object";

/** meta/v1 ListMeta; empty fields are left out as Go's omitempty does. */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export type MetaVersion = "v1" | "v1beta1";

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface PartialObjectMetadata {
  kind: "PartialObjectMetadata";
  apiVersion: string;
  metadata: ObjectMeta;
}

export interface PartialObjectMetadataList {
  kind: "PartialObjectMetadataList";
  apiVersion: string;
  metadata: ListMeta;
  items: PartialObjectMetadata[];
}

export interface TableRow {
  cells: (string | number | boolean | null)[];
  /** null with includeObject=None: Go serializes the empty RawExtension as null. */
  object: KubeObject | PartialObjectMetadata | null;
}

export interface Table {
  kind: "Table";
  apiVersion: string;
  metadata: ListMeta;
  /** null when noHeaders was asked for (later events of a watch). */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export interface TableOptions {
  now: Date;
  includeObject: IncludeObject;
  listMeta: ListMeta;
  noHeaders?: boolean;
  /** The meta.k8s.io version the client asked for; v1 unless it asked for v1beta1. */
  version?: MetaVersion;
}

/** The NAME column every built-in printer starts with; the description is ObjectMeta.name's doc. */
const NAME_COLUMN: TableColumnDefinition = {
  name: "Name",
  type: "string",
  format: "name",
  description:
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
};

/**
 * The Table for a list or a single object. Like kube-apiserver it prints wide (priority 1
 * columns included; kubectl hides them without -o wide).
 */
export function toTable(kind: KindDef, objects: KubeObject[], options: TableOptions): Table {
  const version = options.version ?? "v1";
  const columns: TableColumnDefinition[] = [
    NAME_COLUMN,
    ...kind.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? "", description: c.description, priority: c.priority ?? 0 })),
  ];
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${version}`,
    metadata: compactListMeta(options.listMeta),
    columnDefinitions: options.noHeaders ? null : columns,
    rows: objects.map((obj) => ({
      cells: [obj.metadata.name ?? "", ...kind.columns.map((c) => c.cell(obj, options.now))],
      object: rowObject(obj, options.includeObject, version),
    })),
  };
}

function rowObject(obj: KubeObject, include: IncludeObject, version: MetaVersion): TableRow["object"] {
  switch (include) {
    case "None":
      return null;
    case "Object":
      return obj;
    case "Metadata":
      return asPartialObjectMetadata(obj, version);
  }
}

/** meta.AsPartialObjectMetadata: the whole ObjectMeta, nothing else. */
export function asPartialObjectMetadata(obj: KubeObject, version: MetaVersion = "v1"): PartialObjectMetadata {
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

export function asPartialObjectMetadataList(objects: KubeObject[], listMeta: ListMeta, version: MetaVersion = "v1"): PartialObjectMetadataList {
  return {
    kind: "PartialObjectMetadataList",
    apiVersion: `meta.k8s.io/${version}`,
    metadata: compactListMeta(listMeta),
    items: objects.map((o) => asPartialObjectMetadata(o, version)),
  };
}

function compactListMeta(meta: ListMeta): ListMeta {
  const out: ListMeta = {};
  if (meta.resourceVersion) out.resourceVersion = meta.resourceVersion;
  if (meta.continue) out.continue = meta.continue;
  if (meta.remainingItemCount !== undefined && meta.remainingItemCount !== null) out.remainingItemCount = meta.remainingItemCount;
  return out;
}

/**
 * The `includeObject` query parameter, checked only when a Table was negotiated (as Kubernetes
 * does): absent or empty means Metadata; anything else unknown is 400.
 */
export function parseIncludeObject(raw: string | undefined): Result<IncludeObject> {
  if (raw === undefined || raw === "") return ok("Metadata");
  if (raw === "None" || raw === "Metadata" || raw === "Object") return ok(raw);
  const cause = fieldError.invalid("includeObject", raw, "must be 'Metadata', 'Object', 'None', or empty");
  return fail(badRequest(`Unable to convert to Table as requested: ${causeText(cause)}`));
}

/** The 406 Kubernetes answers when PartialObjectMetadata(List) does not fit what the endpoint returns. */
export function partialMismatch(as: Negotiated["as"], isList: boolean): ApiError | undefined {
  if (as === "PartialObjectMetadata" && isList) {
    return { code: 406, reason: "NotAcceptable", message: "you requested PartialObjectMetadata, but the requested object is a list" };
  }
  if (as === "PartialObjectMetadataList" && !isList) {
    return { code: 406, reason: "NotAcceptable", message: "you requested PartialObjectMetadataList, but the requested object is not a list" };
  }
  return undefined;
}

// Accept negotiation.

export type MediaType = "application/json" | "application/yaml";

/** The media types this server encodes, in preference order; what a 406 lists. */
export const OUTPUT_MEDIA_TYPES: MediaType[] = ["application/json", "application/yaml"];

export interface Negotiated {
  /** Shorthand for the handlers: a Table, PartialObjectMetadata(List), or the object itself as JSON or YAML. */
  format: "table" | "partial" | "json" | "yaml";
  mediaType: MediaType;
  /** The meta.k8s.io kind to convert to, when the client asked for one. */
  as?: "Table" | "PartialObjectMetadata" | "PartialObjectMetadataList";
  version: MetaVersion;
  /** `;pretty=1` on the chosen media type. */
  pretty: boolean;
  /** `;stream=watch`. */
  stream: boolean;
  /** The Content-Type to answer with, e.g. "application/json;as=Table;v=v1;g=meta.k8s.io". */
  contentType: string;
}

export interface AcceptOptions {
  /** Whether the endpoint can print Tables (objects and lists can; most subresources cannot). Default true. */
  table?: boolean;
  /** Whether the endpoint can answer PartialObjectMetadata(List). Default true. */
  partial?: boolean;
}

interface Clause {
  type: string;
  subType: string;
  q: number;
  params: Record<string, string>;
}

/**
 * Pick the first acceptable clause of an Accept header, in the client's preference order,
 * skipping what this endpoint cannot produce; none acceptable is 406 NotAcceptable.
 */
export function parseAccept(header: string | undefined, options: AcceptOptions = {}): Result<Negotiated> {
  if (header === undefined || header.trim() === "") return ok(plain("application/json", false, false));
  for (const clause of parseClauses(header)) {
    for (const mediaType of OUTPUT_MEDIA_TYPES) {
      const [type, subType] = mediaType.split("/");
      const matches = (clause.type === type && (clause.subType === subType || clause.subType === "*")) || (clause.type === "*" && clause.subType === "*");
      if (!matches) continue;
      const chosen = acceptClause(clause, mediaType, options);
      if (chosen) return ok(chosen);
    }
  }
  return fail(notAcceptable(OUTPUT_MEDIA_TYPES));
}

function plain(mediaType: MediaType, pretty: boolean, stream: boolean): Negotiated {
  return { format: mediaType === "application/yaml" ? "yaml" : "json", mediaType, version: "v1", pretty, stream, contentType: mediaType };
}

/** acceptMediaTypeOptions with the restrictions of a resource endpoint (RequestScope). */
function acceptClause(clause: Clause, mediaType: MediaType, options: AcceptOptions): Negotiated | undefined {
  const { as, g, v, stream, pretty } = clause.params;
  // Watch streams are JSON lines; YAML has no stream framing in Kubernetes either.
  if (stream !== undefined && stream !== "" && (stream !== "watch" || mediaType !== "application/json")) return undefined;
  const base = plain(mediaType, pretty === "1", stream === "watch");
  if (as === undefined && g === undefined && v === undefined) return base;
  if (g !== "meta.k8s.io" || (v !== "v1" && v !== "v1beta1")) return undefined;
  if (as === "Table" && options.table !== false) {
    return { ...base, format: "table", as, version: v, contentType: `${mediaType};as=Table;v=${v};g=meta.k8s.io` };
  }
  if ((as === "PartialObjectMetadata" || as === "PartialObjectMetadataList") && options.partial !== false) {
    return { ...base, format: "partial", as, version: v, contentType: `${mediaType};as=${as};v=${v};g=meta.k8s.io` };
  }
  return undefined;
}

/** goautoneg.ParseAccept: clauses by descending q, concrete types before wildcards, otherwise as written. */
function parseClauses(header: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of header.split(",")) {
    const [range, ...rawParams] = part.trim().split(";");
    const sp = range.split("/");
    const type = sp[0].trim();
    let subType: string;
    if (sp.length === 1 && type === "*") subType = "*";
    else if (sp.length === 2) subType = sp[1].trim();
    else continue;
    const clause: Clause = { type, subType, q: 1, params: {} };
    for (const param of rawParams) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      const token = param.slice(0, eq).trim();
      const value = param.slice(eq + 1);
      if (token === "q") clause.q = Number.parseFloat(value) || 0;
      else clause.params[token] = value.trim();
    }
    clauses.push(clause);
  }
  return clauses.sort(compareClauses);
}

function compareClauses(a: Clause, b: Clause): number {
  if (a.q !== b.q) return b.q - a.q;
  const wildA = a.type === "*" ? 1 : a.subType === "*" ? 0.5 : 0;
  const wildB = b.type === "*" ? 1 : b.subType === "*" ? 0.5 : 0;
  return wildA - wildB;
}
