// The revision-log layer: Kubernetes-style objects in, conditional D1 batches out. A lost
// compare-and-swap is a result with the current object, never an exception (as in kine).
import type { KubeObject } from "../apis/types";
import type { SQL } from "drizzle-orm";
import * as q from "./statements";
import type { Allocation, ChangeRow, ObjectKey, ObjectRow } from "./statements";
import { Coalescer } from "./coalesce";

export type { Allocation, ObjectKey } from "./statements";

/** What a watch needs of the previous state of an object to see it leave a selector. */
export interface SelectorProjection {
  labels: Record<string, string>;
  fields: Record<string, string>;
}

export type WriteOutcome =
  | { ok: true; object: KubeObject; rv: number }
  | { ok: false; why: "exists" | "conflict" | "missing" | "namespace"; current?: KubeObject }
  /** A value the write claimed is held by another object. */
  | { ok: false; why: "allocated"; taken: Allocation[] };

export interface ListPage {
  items: KubeObject[];
  /** The cluster revision the page was read at. */
  rv: number;
  /** The last key read, set when more rows may follow. */
  next?: { namespace: string; name: string };
}

export interface Change {
  rv: number;
  type: ChangeRow["type"];
  object: KubeObject;
  prev?: SelectorProjection;
}

export interface ChangePage {
  changes: Change[];
  /** The revision the page brings a reader up to. */
  rv: number;
  compacted: number;
}

/** A write as its changelog row records it (`prev` for updates), with its resource. */
export interface Commit extends Change {
  resource: string;
}

/** Seals the stored form of objects of sensitive resources and opens it again (src/auth/encryption). */
export interface ObjectCodec {
  seal(key: ObjectKey, json: string): Promise<string>;
  open(key: ObjectKey, data: string): Promise<string>;
}

export interface StoreOptions {
  /** Called after every commit with what was written. */
  onCommit?: (commit: Commit) => void;
  now?: () => number;
  /** Without one, this store cannot write or read the sealed resources. */
  codec?: ObjectCodec;
}

/** Resources whose rows (objects and changelog) are sealed: nothing of a Secret is kept in plaintext. */
const SEALED_RESOURCES: ReadonlySet<string> = new Set(["secrets"]);

/** Encode an object for storage: resourceVersion lives in the `rv` column, not in the JSON. */
function encode(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

export function decode(data: string, rv: number): KubeObject {
  const obj = JSON.parse(data) as KubeObject;
  obj.metadata.resourceVersion = String(rv);
  return obj;
}

function rowObject(row: ObjectRow): KubeObject {
  return decode(row.data, row.rv);
}

/** `data` is the stored form of the object: its JSON, sealed for sealed resources (Store.encode). */
function indexed(resource: string, obj: KubeObject, data: string): q.Indexed {
  const spec = obj.spec as { nodeName?: string } | undefined;
  return {
    nodeName: resource === "pods" ? spec?.nodeName || null : null,
    controllerUid: obj.metadata.ownerReferences?.find((r) => r.controller)?.uid ?? null,
    data,
  };
}

/** A list query's filters on indexed columns, applied to the object (log rows have no such columns). */
function selectsIndexed(query: q.ListQuery, obj: KubeObject): boolean {
  const { nodeName, controllerUid } = indexed(query.resource, obj, "");
  return (query.nodeName === undefined || nodeName === query.nodeName) && (query.controllerUid === undefined || controllerUid === query.controllerUid);
}

/** A page of `limit` rows read with one more, which tells whether more follow. */
function toPage(rows: ObjectRow[], limit: number, rv: number, selects: (obj: KubeObject) => boolean = () => true): ListPage {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(rowObject).filter(selects),
    rv,
    next: more && last ? { namespace: last.namespace, name: last.name } : undefined,
  };
}

function ownerUids(obj: KubeObject): string[] {
  return (obj.metadata.ownerReferences ?? []).map((o) => o.uid);
}

function revisionOf(rows: Record<string, unknown>[]): number | undefined {
  const id = rows[0]?.id;
  return typeof id === "number" ? id : undefined;
}

/**
 * The revision a page of the log brings a reader up to: a full page may stop before the head of
 * the log, so it is then its last row's; otherwise the head read with it.
 */
function pageRevision(page: readonly { id: number }[], limit: number, head: Record<string, unknown>[]): number {
  return page.length === limit ? page[page.length - 1].id : revisionAt(head);
}

function revisionAt(rows: Record<string, unknown>[]): number {
  return Number(rows[0]?.rv ?? 0);
}

function compactedAt(rows: Record<string, unknown>[]): number {
  return rows[0] ? Number(rows[0].value) : 0;
}

/** The statements that claim values ahead of a write guarded by `guard`, and the condition the write adds. */
function claimStatements(key: ObjectKey, claims: readonly Allocation[], guard: SQL): { statements: SQL[]; held: SQL } {
  const when = q.both(guard, q.claimsAvailable(key, claims));
  return { statements: [q.releaseUnclaimed(key, claims, when), q.claim(key, claims, when)], held: q.claimsHeld(key, claims) };
}

export function keyOf(resource: string, obj: KubeObject): ObjectKey {
  return { resource, namespace: obj.metadata.namespace ?? "", name: obj.metadata.name ?? "" };
}

export class Store {
  private readonly onCommit: (commit: Commit) => void;
  private readonly now: () => number;
  private readonly codec?: ObjectCodec;
  private readonly coalescer: Coalescer;

  constructor(d1: D1Database, options: StoreOptions = {}) {
    this.codec = options.codec;
    this.onCommit = options.onCommit ?? (() => {});
    this.now = options.now ?? Date.now;
    this.coalescer = new Coalescer(d1, this.now);
  }

  /** Statements run in one transaction, coalesced with what else is asked in this turn (coalesce.ts). */
  private batch(statements: q.Statement[]): Promise<Record<string, unknown>[][]> {
    return this.coalescer.statements(statements);
  }

  /** The parts of a write the bulk path needs. */
  private async bulkItem(resource: string, obj: KubeObject): Promise<q.BulkItem> {
    const row = indexed(resource, obj, await this.encode(resource, obj));
    return { ...keyOf(resource, obj), ...row, owners: ownerUids(obj) };
  }

  private async rows<T>(statement: q.Statement): Promise<T[]> {
    const [rows] = await this.batch([statement]);
    await this.unseal(rows);
    return rows as T[];
  }

  private codecFor(resource: string): ObjectCodec {
    if (!this.codec) throw new Error(`${resource} are stored encrypted and this store has no keys (ENCRYPTION_KEYS)`);
    return this.codec;
  }

  /** The stored form of an object. */
  private async encode(resource: string, obj: KubeObject): Promise<string> {
    const json = encode(obj);
    return SEALED_RESOURCES.has(resource) ? this.codecFor(resource).seal(keyOf(resource, obj), json) : json;
  }

  /** Opens the sealed rows among `rows` in place (object and changelog rows), so decoding reads JSON. */
  private async unseal(rows: Record<string, unknown>[]): Promise<void> {
    for (const row of rows) {
      const { resource, namespace, name, data } = row;
      if (typeof resource !== "string" || typeof data !== "string" || !SEALED_RESOURCES.has(resource)) continue;
      row.data = await this.codecFor(resource).open({ resource, namespace: String(namespace), name: String(name) }, data);
    }
  }

  async get(key: ObjectKey): Promise<KubeObject | undefined> {
    const [row] = await this.rows<ObjectRow>(q.selectObject(key));
    return row ? rowObject(row) : undefined;
  }

  /**
   * Create; fails with "exists", or "namespace" when a namespaced object's namespace is missing or
   * terminating, or "allocated" when one of `claims` is held by another object.
   */
  async create(resource: string, obj: KubeObject, claims?: readonly Allocation[]): Promise<WriteOutcome> {
    const key = keyOf(resource, obj);
    const rv = claims ? await this.createClaiming(key, resource, obj, claims) : await this.coalescer.write({ create: { ...(await this.bulkItem(resource, obj)), uid: obj.metadata.uid ?? "" } });
    if (rv !== undefined) return this.committed(resource, obj, rv, "ADDED");
    const current = await this.get(key);
    if (current) return { ok: false, why: "exists", current };
    const taken = claims ? await this.taken(key, claims) : [];
    return taken.length ? { ok: false, why: "allocated", taken } : { ok: false, why: "namespace" };
  }

  /** A create that claims values: its own statements, with the claims in the same transaction. */
  private async createClaiming(key: ObjectKey, resource: string, obj: KubeObject, claims: readonly Allocation[]): Promise<number | undefined> {
    const guard = key.namespace ? q.both(q.objectAbsent(key), q.namespaceActive(key.namespace)) : q.objectAbsent(key);
    const row = indexed(resource, obj, await this.encode(resource, obj));
    const claiming = claimStatements(key, claims, guard);
    const when = q.both(guard, claiming.held);
    const results = await this.batch([
      ...claiming.statements,
      q.appendChange(key, { type: "ADDED", data: row.data, prev: null, now: this.now() }, when),
      q.insertObject(key, { ...row, uid: obj.metadata.uid ?? "" }, when),
      ...q.replaceOwners(key, ownerUids(obj), row.data),
    ]);
    return revisionOf(results[claiming.statements.length]);
  }

  /**
   * Replace the object if it is still at `expectedRv`. `claims`, when given, are every value the
   * object holds after the write (others it held are released); undefined leaves them as they are.
   */
  async update(resource: string, obj: KubeObject, expectedRv: number, prev: SelectorProjection, claims?: readonly Allocation[]): Promise<WriteOutcome> {
    const key = keyOf(resource, obj);
    const rv = claims ? await this.updateClaiming(key, resource, obj, expectedRv, prev, claims) : await this.updateIf(resource, obj, expectedRv, prev);
    if (rv !== undefined) return this.committed(resource, obj, rv, "MODIFIED", prev);
    const lost = await this.lost(key);
    if (lost.ok || !claims || lost.why !== "conflict" || Number(lost.current?.metadata.resourceVersion) !== expectedRv) return lost;
    // Still at the expected revision: it was a claim that failed.
    return { ok: false, why: "allocated", taken: await this.taken(key, claims) };
  }

  /** The revision of a conditional update, or undefined when the object is no longer at `expectedRv`. */
  private async updateIf(resource: string, obj: KubeObject, expectedRv: number, prev: SelectorProjection): Promise<number | undefined> {
    return this.coalescer.write({ update: { ...(await this.bulkItem(resource, obj)), expectedRv, prev } });
  }

  private async updateClaiming(key: ObjectKey, resource: string, obj: KubeObject, expectedRv: number, prev: SelectorProjection, claims: readonly Allocation[]): Promise<number | undefined> {
    const row = indexed(resource, obj, await this.encode(resource, obj));
    const guard = q.objectAtRevision(key, expectedRv);
    const claiming = claimStatements(key, claims, guard);
    const when = q.both(guard, claiming.held);
    const now = this.now();
    const results = await this.batch([
      ...claiming.statements,
      q.appendChange(key, { type: "MODIFIED", data: row.data, prev: JSON.stringify(prev), now }, when),
      q.restorePrevious(key, when, now),
      q.updateObject(key, expectedRv, row, claiming.held),
      ...q.replaceOwners(key, ownerUids(obj), row.data),
    ]);
    return revisionOf(results[claiming.statements.length]);
  }

  /**
   * Many conditional updates (the scheduler's bindings), written together: each applies or not
   * on its own resourceVersion; the revisions written (undefined where it did not apply) come back in order.
   */
  async updateMany(items: { resource: string; obj: KubeObject; expectedRv: number; prev: SelectorProjection }[]): Promise<(number | undefined)[]> {
    return Promise.all(
      items.map(async ({ resource, obj, expectedRv, prev }) => {
        const rv = await this.updateIf(resource, obj, expectedRv, prev);
        if (rv !== undefined) this.committed(resource, obj, rv, "MODIFIED", prev);
        return rv;
      }),
    );
  }

  /** Remove the object if it is still at `expectedRv`; `last` is its final state, recorded in the log. */
  async delete(resource: string, last: KubeObject, expectedRv: number): Promise<WriteOutcome> {
    const key = keyOf(resource, last);
    const guard = q.objectAtRevision(key, expectedRv);
    const now = this.now();
    const [change] = await this.batch([
      q.appendChange(key, { type: "DELETED", data: await this.encode(resource, last), prev: null, now }, guard),
      q.restorePrevious(key, guard, now),
      q.deleteObject(key, expectedRv),
      q.dropOwners(key),
      q.releaseAll(key),
    ]);
    const rv = revisionOf(change);
    if (rv !== undefined) return this.committed(resource, last, rv, "DELETED");
    return this.lost(key);
  }

  private committed(resource: string, obj: KubeObject, rv: number, type: ChangeRow["type"], prev?: SelectorProjection): WriteOutcome {
    const object = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    this.onCommit({ resource, rv, type, object, ...(prev ? { prev } : {}) });
    return { ok: true, rv, object };
  }

  private async lost(key: ObjectKey): Promise<WriteOutcome> {
    const current = await this.get(key);
    return { ok: false, why: current ? "conflict" : "missing", current };
  }

  /** Which of `claims` an object other than `key` holds. */
  async taken(key: ObjectKey, claims: readonly Allocation[]): Promise<Allocation[]> {
    if (claims.length === 0) return [];
    return this.rows<Allocation>(q.selectTaken(key, claims));
  }

  /** Every value held in `range` by objects other than `except`. */
  async allocated(range: string, except: ObjectKey): Promise<string[]> {
    const rows = await this.rows<{ value: string }>(q.selectAllocated(range, except));
    return rows.map((r) => r.value);
  }

  /** One page of objects in (namespace, name) order, read in one batch with the revision it reflects. */
  async list(query: q.ListQuery): Promise<ListPage> {
    const [found, rev] = await this.batch([q.selectObjects({ ...query, limit: query.limit + 1 }), q.selectRevision()]);
    await this.unseal(found);
    return toPage(found as unknown as ObjectRow[], query.limit, revisionAt(rev));
  }

  /**
   * One page of the objects as they were at revision `rv`, as Kubernetes serves every page of a
   * list from its first page's revision; undefined when `rv` is compacted. A page may hold fewer
   * items than `limit` with more to follow (`next`).
   */
  async listAt(query: q.ListQuery, rv: number): Promise<ListPage | undefined> {
    const [compacted, found] = await this.batch([q.selectCompacted(), q.selectObjectsAt({ ...query, limit: query.limit + 1 }, rv)]);
    if (rv <= compactedAt(compacted)) return undefined;
    await this.unseal(found);
    return toPage(found as unknown as ObjectRow[], query.limit, rv, (obj) => selectsIndexed(query, obj));
  }

  /** Every object a query selects, read page by page (the query's limit is the page size). */
  async listAll(query: Omit<q.ListQuery, "after" | "limit"> & { limit?: number }): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    let after: { namespace: string; name: string } | undefined;
    do {
      const page = await this.list({ ...query, after, limit: query.limit ?? 1000 });
      out.push(...page.items);
      after = page.next;
    } while (after);
    return out;
  }

  async revision(): Promise<number> {
    const [rows] = await this.batch([q.selectRevision()]);
    return revisionAt(rows);
  }

  /** The highest revision compaction has forgotten; watches and continues from at or below it get 410. */
  async compacted(): Promise<number> {
    const [rows] = await this.batch([q.selectCompacted()]);
    return compactedAt(rows);
  }

  /** Changes to one resource after `afterRv`, oldest first, with the revisions' consistency point. */
  async changes(resource: string, afterRv: number, limit: number): Promise<ChangePage> {
    const [page] = await this.changesOf([{ resource, afterRv }], limit);
    return page;
  }

  /**
   * Changes to several resources, each after its own revision (less what it omits and the
   * revisions it already knows), read in one batch (one consistent point).
   */
  async changesOf(from: { resource: string; afterRv: number; omit?: q.ChangeOmission; known?: readonly number[] }[], limit: number): Promise<ChangePage[]> {
    const results = await this.batch([q.selectRevision(), q.selectCompacted(), ...from.map((f) => q.selectChanges(f.resource, f.afterRv, limit, f.omit, f.known))]);
    const [rev, compacted, ...found] = results;
    return Promise.all(
      found.map(async (rowsRead) => {
        await this.unseal(rowsRead);
        const rows = rowsRead as unknown as ChangeRow[];
        const changes = rows.map((r) => ({
          rv: r.id,
          type: r.type,
          object: decode(r.data, r.id),
          prev: r.prev ? (JSON.parse(r.prev) as SelectorProjection) : undefined,
        }));
        const rv = pageRevision(rows, limit, rev);
        return { changes, rv, compacted: compactedAt(compacted) };
      }),
    );
  }

  /** The revisions of changes to `resource` after `afterRv` (no data), with the consistency point as `changes` gives it. */
  async changeIds(resource: string, afterRv: number, limit: number): Promise<{ ids: number[]; rv: number; compacted: number }> {
    const [rev, compacted, rows] = await this.batch([q.selectRevision(), q.selectCompacted(), q.selectChangeIds(resource, afterRv, limit)]);
    const page = rows as unknown as { id: number }[];
    return { ids: page.map((r) => r.id), rv: pageRevision(page, limit, rev), compacted: compactedAt(compacted) };
  }

  /** Objects whose ownerReferences name `ownerUid`, with the resource each is stored under. */
  async owned(ownerUid: string): Promise<{ resource: string; object: KubeObject }[]> {
    const rows = await this.rows<ObjectRow>(q.selectOwned(ownerUid));
    return rows.map((row) => ({ resource: row.resource, object: rowObject(row) }));
  }

  async inNamespace(namespace: string, limit: number): Promise<{ resource: string; object: KubeObject }[]> {
    const rows = await this.rows<ObjectRow>(q.selectInNamespace(namespace, limit));
    return rows.map((row) => ({ resource: row.resource, object: rowObject(row) }));
  }

  async lagging(resource: string, limit: number): Promise<{ namespace: string; name: string }[]> {
    return this.rows<{ namespace: string; name: string }>(q.selectLagging(resource, limit));
  }

  async expiredEvents(beforeMs: number, limit: number): Promise<{ resource: string; object: KubeObject }[]> {
    const rows = await this.rows<ObjectRow>(q.selectExpiredEvents(new Date(beforeMs).toISOString(), limit));
    return rows.map((row) => ({ resource: row.resource, object: rowObject(row) }));
  }

  async danglingOwners(limit: number): Promise<string[]> {
    const rows = await this.rows<{ ownerUid: string }>(q.selectDanglingOwners(limit));
    return rows.map((r) => r.ownerUid);
  }

  /** Keys of Jobs past their active deadline or TTL (see selectJobsPastDeadline). */
  async jobsPastDeadline(nowMs: number, limit: number): Promise<{ namespace: string; name: string }[]> {
    return this.rows<{ namespace: string; name: string }>(q.selectJobsPastDeadline(nowMs, limit));
  }

  async compact(windowMs: number, keep: number): Promise<number> {
    await this.batch(q.compactStatements(this.now() - windowMs, keep));
    return this.compacted();
  }
}
