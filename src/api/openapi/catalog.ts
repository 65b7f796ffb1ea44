// Which schemas become named definitions, and under which names. One walk over every kind's zod
// schema counts where each object schema (by identity, see `canonical`) occurs; then:
//   - a kind's root schema is its GVK's name (io.k8s.api.apps.v1.Deployment);
//   - a schema with an explicit name keeps it: `.meta({ id })`, the shared schemas of src/apis
//     (ObjectMeta, LabelSelector, Container..., see typenames.ts), the builtins (Status, Scale...);
//   - a root's direct object fields are named after the kind (DeploymentSpec, DeploymentStatus);
//   - any other object used in more than one place is named after the field it sits in at its
//     shallowest use (Pod.spec.containers[] -> io.k8s.api.core.v1.Container), or after the whole
//     path when that name is taken;
//   - everything else is inlined where it is used.
// kubectl explain follows $refs, so named or inlined both explain; naming keeps documents small.
import type { KindDef } from "../../apis/types";
import { BUILTINS } from "./builtins";
import { definitionName, META_V1, pascal, singular, type GroupVersionKind } from "./names";
import { sharedTypeNames } from "./typenames";
import { canonical, coreOf, idOf, type ZodNode } from "./zodwalk";

export interface Definition {
  name: string;
  /** The first schema met for this definition: its metadata is the definition's. */
  node: ZodNode;
  gvks: GroupVersionKind[];
  /** Set for a kind's root schema. */
  kind?: KindDef;
}

/** The nearest named schema around a use: a kind's root, or a schema with a fixed name. */
interface Owner {
  name: string;
  /** Set when the owner is a kind's root schema. */
  kind?: KindDef;
}

interface Occurrence {
  owner?: Owner;
  /** Field names from the owner down to the use. */
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
    const name = this.nameOf(coreOf(kind.schema));
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
  const explicit = new Map<ZodNode, string>([...sharedTypeNames(), ...BUILTINS.map((b) => [b.schema, b.name] as const)].map(([s, n]) => [canonical(s), n]));
  const fixedName = (key: ZodNode, node: ZodNode): string | undefined => catalog.nameOf(key) ?? idOf(node) ?? explicit.get(key);

  const visit = (node: ZodNode, occ: Occurrence, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const core = coreOf(node);
    const def = core._zod.def;
    switch (def.type) {
      case "object": {
        const key = canonical(core);
        const entry = entries.get(key);
        if (entry) {
          entry.count++;
          if (shallower(occ, entry.best)) entry.best = occ;
          return;
        }
        entries.set(key, { node: core, count: 1, best: occ });
        const name = fixedName(key, core);
        const inner = name ? { owner: { name, kind: catalog.definitions.get(name)?.kind }, path: [] } : { owner: occ.owner, path: occ.path };
        for (const [field, child] of Object.entries(def.shape)) {
          visit(child, { owner: inner.owner, path: [...inner.path, field], item: false }, depth + 1);
        }
        if (def.catchall) visit(def.catchall, { ...inner, item: true }, depth + 1);
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
    const root = coreOf(kind.schema);
    // Kinds sharing one schema (a kind served in two versions) share its definition and its GVKs.
    const name = catalog.nameOf(root) ?? definitionName(gvk);
    catalog.assign(canonical(root), { name, node: root, gvks: [gvk], kind });
  }
  for (const kind of kinds) visit(kind.schema, { path: [], item: false }, 0);
  for (const builtin of BUILTINS) visit(builtin.schema, { path: [], item: false }, 0);

  // Fixed names first, so that a derived name never takes a name some schema asked for.
  const builtinGvks = new Map(BUILTINS.map((b) => [b.name, b.gvks]));
  const passes = [
    (key: ZodNode, entry: Entry) => fixedName(key, entry.node) ?? (isRootField(entry.best, "metadata") ? `${META_V1}.ObjectMeta` : undefined),
    (_key: ZodNode, entry: Entry) => derivedName(entry, catalog),
  ];
  for (const pass of passes) {
    for (const [key, entry] of entries) {
      const name = catalog.nameOf(key) ? undefined : pass(key, entry);
      if (name) catalog.assign(key, { name, node: entry.node, gvks: [...(builtinGvks.get(name) ?? [])] });
    }
  }
  return catalog;
}

/** The use a name is taken from: the shallowest, then the shortest field name (containers over initContainers). */
function shallower(a: Occurrence, b: Occurrence): boolean {
  if (a.path.length !== b.path.length) return a.path.length < b.path.length;
  return (a.path[a.path.length - 1]?.length ?? 0) < (b.path[b.path.length - 1]?.length ?? 0);
}

/** A direct field of a kind's root (`spec`, `status`, `metadata`). */
function isRootField(occ: Occurrence, field?: string): boolean {
  return occ.owner?.kind !== undefined && occ.path.length === 1 && (field === undefined || occ.path[0] === field);
}

/**
 * A name for an unnamed object schema, or undefined to inline it: in its owner's package, after
 * its field (Container.resizePolicy[] -> ResizePolicy), or after the owner and the whole path
 * (ContainerResizePolicy) when that is taken.
 */
function derivedName(entry: Entry, catalog: SchemaCatalog): string | undefined {
  const { best } = entry;
  if (!isRootField(best) && entry.count < 2) return undefined;
  const ownerName = best.owner?.name ?? `${META_V1}.`;
  const dot = ownerName.lastIndexOf(".");
  const pkg = dot < 0 ? "" : ownerName.slice(0, dot + 1);
  const words = best.path.map((field, i) => pascal(best.item && i === best.path.length - 1 ? singular(field) : field));
  const long = ownerName.slice(dot + 1) + words.join("");
  const candidates = isRootField(best) ? [long] : [words[words.length - 1] ?? long, long];
  for (const candidate of candidates) {
    if (candidate && !catalog.isTaken(pkg + candidate)) return pkg + candidate;
  }
  for (let n = 2; ; n++) {
    if (!catalog.isTaken(`${pkg}${long}${n}`)) return `${pkg}${long}${n}`;
  }
}
