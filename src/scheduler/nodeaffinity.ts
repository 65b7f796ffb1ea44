// Node selectors as k8s.io/component-helpers/scheduling/corev1/nodeaffinity matches them:
// terms are ORed, a term's expressions and fields are ANDed, an empty or invalid term matches
// nothing, and matchFields knows only metadata.name. Compiled once per pod so that matching a
// node is a few map look-ups.
import type { NodeSelectorRequirement, NodeSelectorTerm, PodSpecLike } from "./types";

const enum Op {
  In,
  NotIn,
  Exists,
  DoesNotExist,
  Gt,
  Lt,
}

interface Requirement {
  key: string;
  op: Op;
  values: ReadonlySet<string>;
  bound: number;
}

export interface CompiledTerm {
  labels: Requirement[];
  /** Requirements on metadata.name. */
  names: Requirement[];
}

export interface PreferredTerm {
  weight: number;
  term: CompiledTerm;
}

/** The pod's nodeSelector and required node affinity together (GetRequiredNodeAffinity). */
export interface RequiredAffinity {
  selector: [string, string][];
  /** undefined: no required affinity; []: affinity whose terms are all empty or invalid (matches no node). */
  terms: CompiledTerm[] | undefined;
  /** Node names a term pins with matchFields metadata.name In (NodeAffinity's PreFilterResult); undefined when any term allows every node. */
  nodeNames: Set<string> | undefined;
}

const OPS: Record<string, Op> = { In: Op.In, NotIn: Op.NotIn, Exists: Op.Exists, DoesNotExist: Op.DoesNotExist, Gt: Op.Gt, Lt: Op.Lt };
const INTEGER = /^[+-]?\d+$/;

function compileRequirement(r: NodeSelectorRequirement, field: boolean): Requirement | undefined {
  const op = OPS[r.operator];
  const values = r.values ?? [];
  if (op === undefined || (field && op !== Op.In && op !== Op.NotIn) || (field && r.key !== "metadata.name")) return undefined;
  if ((op === Op.In || op === Op.NotIn) && values.length === 0) return undefined;
  if ((op === Op.Exists || op === Op.DoesNotExist) && values.length !== 0) return undefined;
  let bound = 0;
  if (op === Op.Gt || op === Op.Lt) {
    if (values.length !== 1 || !INTEGER.test(values[0])) return undefined;
    bound = Number(values[0]);
  }
  return { key: r.key, op, values: new Set(values), bound };
}

/** A term, or undefined when it is empty or malformed (such a term selects no node). */
export function compileTerm(term: NodeSelectorTerm | undefined): CompiledTerm | undefined {
  const exprs = term?.matchExpressions ?? [];
  const fields = term?.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return undefined;
  const labels: Requirement[] = [];
  const names: Requirement[] = [];
  for (const e of exprs) {
    const r = compileRequirement(e, false);
    if (!r) return undefined;
    labels.push(r);
  }
  for (const f of fields) {
    const r = compileRequirement(f, true);
    if (!r) return undefined;
    names.push(r);
  }
  return { labels, names };
}

function requirementMatches(r: Requirement, has: boolean, v: string | undefined): boolean {
  switch (r.op) {
    case Op.In:
      return has && r.values.has(v as string);
    case Op.NotIn:
      return !has || !r.values.has(v as string);
    case Op.Exists:
      return has;
    case Op.DoesNotExist:
      return !has;
    case Op.Gt:
    case Op.Lt: {
      if (!has || !INTEGER.test(v as string)) return false;
      const n = Number(v);
      return r.op === Op.Gt ? n > r.bound : n < r.bound;
    }
  }
}

export function termMatches(term: CompiledTerm, labels: Record<string, string>, name: string): boolean {
  for (const r of term.labels) {
    const has = Object.hasOwn(labels, r.key);
    if (!requirementMatches(r, has, has ? labels[r.key] : undefined)) return false;
  }
  for (const r of term.names) if (!requirementMatches(r, true, name)) return false;
  return true;
}

/** Names pinned by one term's metadata.name In requirements (intersected), or undefined if it pins none. */
function pinnedNames(term: NodeSelectorTerm): Set<string> | undefined {
  let names: Set<string> | undefined;
  for (const r of term.matchFields ?? []) {
    if (r.key !== "metadata.name" || r.operator !== "In") continue;
    const values = new Set(r.values ?? []);
    names = names ? new Set([...names].filter((n) => values.has(n))) : values;
  }
  return names;
}

/** NodeAffinity's PreFilter: the union of the terms' pinned names; undefined as soon as one term allows any node. */
function nodeNamesOf(raw: NodeSelectorTerm[]): Set<string> | undefined {
  if (raw.length === 0) return undefined;
  const union = new Set<string>();
  for (const t of raw) {
    const pinned = pinnedNames(t);
    if (!pinned) return undefined;
    for (const n of pinned) union.add(n);
  }
  return union;
}

export function compileRequired(spec: PodSpecLike | undefined): RequiredAffinity | undefined {
  const selector = Object.entries(spec?.nodeSelector ?? {});
  const raw = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (selector.length === 0 && raw === undefined) return undefined;
  const terms = raw?.map(compileTerm).filter((t): t is CompiledTerm => t !== undefined);
  return { selector, terms, nodeNames: raw ? nodeNamesOf(raw) : undefined };
}

export function requiredMatches(req: RequiredAffinity, labels: Record<string, string>, name: string): boolean {
  for (const [k, v] of req.selector) if (labels[k] !== v || !Object.hasOwn(labels, k)) return false;
  if (req.terms === undefined) return true;
  for (const t of req.terms) if (termMatches(t, labels, name)) return true;
  return false;
}

/** Preferred terms with a weight and a usable preference (NewPreferredSchedulingTerms drops the rest). */
export function compilePreferred(spec: PodSpecLike | undefined): PreferredTerm[] {
  const out: PreferredTerm[] = [];
  for (const p of spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    const term = p.weight ? compileTerm(p.preference) : undefined;
    if (term) out.push({ weight: p.weight, term });
  }
  return out;
}
