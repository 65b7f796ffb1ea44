// Which schemas become named definitions, and under which names. One walk over every kind's zod
// schema counts where each object schema (by identity, see `canonical`) occurs; then:
//   - a kind's root schema is its GVK's name (io.k8s.api.apps.v1.Deployment);
//   - a schema with an explicit name keeps it: `.meta({ id })`, the well-known shared schemas of
//     src/apis/meta.ts (ObjectMeta, LabelSelector...), the builtins (Status, Scale...);
//   - a root's direct object fields are named after the kind (DeploymentSpec, DeploymentStatus);
//   - any other object used in more than one place is named after the field it sits in at its
//     shallowest use (Pod.spec.containers[] -> io.k8s.api.core.v1.Container), or after the whole
//     path when that name is taken;
//   - everything else is inlined where it is used.
// kubectl explain follows $refs, so named or inlined both explain; naming keeps documents small.
import type { KindDef } from "../../apis/types";
import { BUILTINS, WELL_KNOWN } from "./builtins";
import { apiPackage, definitionName, META_V1, pascal, singular, type GroupVersionKind } from "./names";
import { canonical, idOf, unwrap, type ZodNode } from "./zodwalk";

export interface Definition {
  name: string;
  /** The first schema met for this definition: its metadata is the definition's. */
  node: ZodNode;
  gvks: GroupVersionKind[];
  /** Set for a kind's root schema. */
  kind?: KindDef;
}

interface Occurrence {
  kind?: KindDef;
  path: readonly string[];
  /** The schema is a list item or map value of the last path field. */
  item: boolean;
}

interface Entry {
  node: ZodNode;
  count: number;
  best: Occurrence;
}

/** Deep enough for any real schema; stops recursive non-object schemas (a lazy list of itself). */
const MAX_DEPTH = 64;

export class SchemaCatalog {
  private readonly names = new Map<ZodNode, string>();
  readonly definitions = new Map<string, Definition>();

  /** The definition name of a schema (any clone of it), if it has one. */
  nameOf(node: ZodNode): string | undefined {
    return this.names.get(canonical(node));
  }

  /** The definition a kind's objects are described by. */
  kindName(kind: KindDef): string {
    const name = this.nameOf(unwrap(kind.schema).core);
    if (!name) throw new Error(`${kind.kind} has no definition`);
    return name;
  }

  /** Name a schema; a name already taken by another schema makes this one an alias of it. */
  assign(key: ZodNode, def: Definition): void {
    this.names.set(key, def.name);
    const existing = this.definitions.get(def.name);
    if (existing) existing.gvks.push(...def.gvks.filter((g) => !existing.gvks.some((e) => sameGvk(e, g))));
    else this.definitions.set(def.name, def);
  }

  isTaken(name: string): boolean {
    return this.definitions.has(name);
  }
}

function sameGvk(a: GroupVersionKind, b: GroupVersionKind): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

export function buildCatalog(kinds: readonly KindDef[]): SchemaCatalog {
  const catalog = new SchemaCatalog();
  const entries = new Map<ZodNode, Entry>();
  const explicit = new Map<ZodNode, string>([...WELL_KNOWN, ...BUILTINS.map((b) => [b.schema, b.name] as const)].map(([s, n]) => [canonical(s), n]));

  const visit = (node: ZodNode, occ: Occurrence, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const { core } = unwrap(node);
    const def = core._zod.def;
    switch (def.type) {
      case "object": {
        const key = canonical(core);
        const entry = entries.get(key);
        if (entry) {
          entry.count++;
          if (occ.path.length < entry.best.path.length) entry.best = occ;
          return;
        }
        entries.set(key, { node: core, count: 1, best: occ });
        for (const [field, child] of Object.entries(def.shape)) {
          visit(child, { kind: occ.kind, path: [...occ.path, field], item: false }, depth + 1);
        }
        if (def.catchall) visit(def.catchall, { ...occ, item: true }, depth + 1);
        return;
      }
      case "array":
        return visit(def.element, { ...occ, item: true }, depth + 1);
      case "record":
        return visit(def.valueType, { ...occ, item: true }, depth + 1);
      case "tuple":
        return def.items.forEach((item) => visit(item, { ...occ, item: true }, depth + 1));
      case "union":
        return def.options.forEach((option) => visit(option, occ, depth + 1));
      case "intersection":
        visit(def.left, occ, depth + 1);
        return visit(def.right, occ, depth + 1);
    }
  };

  for (const kind of kinds) {
    const gvk = { group: kind.group, version: kind.version, kind: kind.kind };
    catalog.assign(canonical(unwrap(kind.schema).core), { name: definitionName(gvk), node: unwrap(kind.schema).core, gvks: [gvk], kind });
    visit(kind.schema, { kind, path: [], item: false }, 0);
  }
  for (const builtin of BUILTINS) visit(builtin.schema, { path: [], item: false }, 0);

  // Fixed names first, so that a derived name never takes a name some schema asked for.
  const builtinGvks = new Map(BUILTINS.map((b) => [b.name, b.gvks]));
  const fixedName = (key: ZodNode, entry: Entry) =>
    idOf(entry.node) ?? explicit.get(key) ?? (isRootField(entry.best, "metadata") ? `${META_V1}.ObjectMeta` : undefined);
  for (const pass of [fixedName, (_key: ZodNode, entry: Entry) => derivedName(entry, catalog)]) {
    for (const [key, entry] of entries) {
      const name = catalog.nameOf(key) ? undefined : pass(key, entry);
      if (name) catalog.assign(key, { name, node: entry.node, gvks: [...(builtinGvks.get(name) ?? [])] });
    }
  }
  return catalog;
}

function isRootField(occ: Occurrence, field?: string): boolean {
  return occ.kind !== undefined && occ.path.length === 1 && (field === undefined || occ.path[0] === field);
}

/** A name for an unnamed object schema, or undefined to inline it. */
function derivedName(entry: Entry, catalog: SchemaCatalog): string | undefined {
  const { best } = entry;
  const kind = best.kind;
  if (!isRootField(best) && entry.count < 2) return undefined;
  const pkg = kind ? apiPackage(kind.group, kind.version) : META_V1;
  const words = best.path.map((field, i) => pascal(best.item && i === best.path.length - 1 ? singular(field) : field));
  const long = (kind?.kind ?? "") + words.join("");
  const candidates = isRootField(best) ? [long] : [words[words.length - 1] ?? long, long];
  for (const candidate of candidates) {
    if (candidate && !catalog.isTaken(`${pkg}.${candidate}`)) return `${pkg}.${candidate}`;
  }
  for (let n = 2; ; n++) {
    if (!catalog.isTaken(`${pkg}.${long}${n}`)) return `${pkg}.${long}${n}`;
  }
}
