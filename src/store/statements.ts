// The SQL dialect layer: every statement the store issues, written with Drizzle's `sql` against
// the tables of schema.ts and run in D1 batches by `run` below. Writes are conditional so that a
// batch either applies whole or changes nothing: the changelog insert and the object write carry
// the same condition, evaluated in one D1 transaction.
//
// Drizzle's own `db.batch()` cannot run raw `sql` statements that have parameters (its raw query
// has no prepared statement to bind), so the batch is handed to D1 directly, with Drizzle's
// dialect turning each statement into SQL text and parameters.
import { fillPlaceholders, SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { allocations, changelog, meta, objects, owners } from "./schema";

export interface ObjectKey {
  resource: string;
  namespace: string;
  name: string;
}

export interface ObjectRow extends ObjectKey {
  uid: string;
  rv: number;
  nodeName: string | null;
  controllerUid: string | null;
  data: string;
}

/** The indexed columns derived from an object, besides its key. */
export interface Indexed {
  nodeName: string | null;
  controllerUid: string | null;
  data: string;
}

export interface ChangeRow extends ObjectKey {
  id: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  data: string;
  prev: string | null;
}

export interface NewRevision {
  type: ChangeRow["type"];
  data: string;
  prev: string | null;
  now: number;
}

const dialect = new SQLiteAsyncDialect();

/** SQL text and its parameters, as D1 takes them. */
export interface Query {
  sql: string;
  params: unknown[];
}

/** A statement as Drizzle's `sql` builds it, or already rendered (see `shaped`). */
export type Statement = SQL | Query;

const rendered = new Map<string, Query[]>();

/**
 * Statements the store issues on every read or write, rendered once per shape and bound with
 * each call's values: Drizzle walks every fragment of a statement to render it, a few percent of
 * a write's CPU. `build` writes the statements with `sql.placeholder(name)` for each value; the
 * shape names everything that changes their text.
 */
function shapedAll(shape: string, build: () => SQL[], values: Record<string, unknown>): Query[] {
  let queries = rendered.get(shape);
  if (!queries) rendered.set(shape, (queries = build().map((statement) => dialect.sqlToQuery(statement))));
  return queries.map((q) => ({ sql: q.sql, params: fillPlaceholders(q.params, values) }));
}

function shaped(shape: string, build: () => SQL, values: Record<string, unknown>): Query {
  return shapedAll(shape, () => [build()], values)[0];
}

const p = sql.placeholder;
const KEY = { resource: p("resource"), namespace: p("namespace"), name: p("name") };

/** Run statements as one D1 batch (one transaction); each result's rows, in order. */
export async function run(d1: D1Database, statements: Statement[]): Promise<Record<string, unknown>[][]> {
  const prepared = statements.map((s) => {
    const q = s instanceof SQL ? dialect.sqlToQuery(s) : s;
    return d1.prepare(q.sql).bind(...q.params);
  });
  const results = await d1.batch<Record<string, unknown>>(prepared);
  return results.map((r) => r.results ?? []);
}

const col = sql.identifier;

const keyIs = (k: Record<keyof ObjectKey, unknown>) => sql`${objects.resource} = ${k.resource} AND ${objects.namespace} = ${k.namespace} AND ${objects.name} = ${k.name}`;

/** The revision this batch just wrote: D1 runs one batch at a time, so the log's maximum is ours. */
const ourRevision = sql`(SELECT max(${changelog.id}) FROM ${changelog})`;

const objectColumns = sql`${objects.resource} AS resource, ${objects.namespace} AS namespace, ${objects.name} AS name, ${objects.uid} AS uid,
  ${objects.rv} AS rv, ${objects.nodeName} AS nodeName, ${objects.controllerUid} AS controllerUid, ${objects.data} AS data`;

/** Conditions a write may be guarded by. All of them are evaluated inside the write batch. */
export function objectAbsent(k: ObjectKey): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM ${objects} WHERE ${keyIs(k)})`;
}

export function objectAtRevision(k: ObjectKey, rv: number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${objects} WHERE ${keyIs(k)} AND ${objects.rv} = ${rv})`;
}

/** The namespace exists and is not terminating. */
export function namespaceActive(namespace: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${objects} WHERE ${objects.resource} = 'namespaces' AND ${objects.namespace} = '' AND ${objects.name} = ${namespace}
    AND json_extract(${objects.data}, '$.metadata.deletionTimestamp') IS NULL)`;
}

export function both(a: SQL, b: SQL): SQL {
  return sql`(${a}) AND (${b})`;
}

/** Returns one row `{ id }` when the condition held, none otherwise. */
export function appendChange(k: ObjectKey, rev: NewRevision, when: SQL): SQL {
  return sql`INSERT INTO ${changelog} (${col("resource")}, ${col("namespace")}, ${col("name")}, ${col("type")}, ${col("data")}, ${col("prev")}, ${col("created_at")})
    SELECT ${k.resource}, ${k.namespace}, ${k.name}, ${rev.type}, ${rev.data}, ${rev.prev}, ${rev.now} WHERE ${when} RETURNING ${col("id")} AS id`;
}

export function insertObject(k: ObjectKey, row: Indexed & { uid: string }, when: SQL): SQL {
  return sql`INSERT INTO ${objects} (${col("resource")}, ${col("namespace")}, ${col("name")}, ${col("uid")}, ${col("rv")}, ${col("node_name")}, ${col("controller_uid")}, ${col("data")})
    SELECT ${k.resource}, ${k.namespace}, ${k.name}, ${row.uid}, ${ourRevision}, ${row.nodeName}, ${row.controllerUid}, ${row.data} WHERE ${when}`;
}

/** `also`: a further condition of the update (claims held), evaluated with it. */
export function updateObject(k: ObjectKey, expectedRv: number, row: Indexed, also: SQL = sql`1`): SQL {
  return sql`UPDATE ${objects} SET ${col("rv")} = ${ourRevision}, ${col("node_name")} = ${row.nodeName}, ${col("controller_uid")} = ${row.controllerUid}, ${col("data")} = ${row.data}
    WHERE ${keyIs(k)} AND ${objects.rv} = ${expectedRv} AND (${also})`;
}

export function deleteObject(k: ObjectKey, expectedRv: number): SQL {
  return sql`DELETE FROM ${objects} WHERE ${keyIs(k)} AND ${objects.rv} = ${expectedRv}`;
}

const restoredColumns = sql`${col("id")}, ${col("resource")}, ${col("namespace")}, ${col("name")}, ${col("type")}, ${col("data")}, ${col("prev")}, ${col("created_at")}`;

/**
 * Ahead of a write that supersedes the object's current state: put that state's log row back if
 * compaction removed it (it keeps such a row only for objects changed after its bound), so that
 * a paged list's snapshot from before this write still finds it. Its type is unknown and matters to no reader
 * (it is at or below the compacted revision): MODIFIED.
 */
export function restorePrevious(k: ObjectKey, when: SQL, now: number): SQL {
  return sql`INSERT INTO ${changelog} (${restoredColumns})
    SELECT o.rv, o.resource, o.namespace, o.name, 'MODIFIED', o.data, NULL, ${now} FROM ${objects} AS o
    WHERE o.resource = ${k.resource} AND o.namespace = ${k.namespace} AND o.name = ${k.name} AND (${when})
      AND NOT EXISTS (SELECT 1 FROM ${changelog} AS c WHERE c.id = o.rv)`;
}

const ownerKeyIs = (k: ObjectKey) => sql`${owners.resource} = ${k.resource} AND ${owners.namespace} = ${k.namespace} AND ${owners.name} = ${k.name}`;

/**
 * Replace the owner index of an object, only if this batch's write to it took effect: the newest
 * log row is this object with exactly the data this batch wrote. (Comparing revisions alone is
 * not enough: a losing writer of the same object would find the winner's row newest.) Only the
 * owners that went are deleted and only new ones inserted, so an update that keeps its
 * ownerReferences (a Lease renewal, a status write) writes no index row.
 */
export function replaceOwners(k: ObjectKey, ownerUids: string[], data: string): SQL[] {
  const applied = sql`EXISTS (SELECT 1 FROM ${changelog} WHERE ${changelog.id} = ${ourRevision} AND ${changelog.resource} = ${k.resource}
    AND ${changelog.namespace} = ${k.namespace} AND ${changelog.name} = ${k.name} AND ${changelog.data} = ${data})`;
  const uids = JSON.stringify(ownerUids);
  const statements = [sql`DELETE FROM ${owners} WHERE ${ownerKeyIs(k)} AND ${owners.ownerUid} NOT IN (SELECT value FROM json_each(${uids})) AND ${applied}`];
  if (ownerUids.length) {
    statements.push(sql`INSERT OR IGNORE INTO ${owners} (${col("owner_uid")}, ${col("resource")}, ${col("namespace")}, ${col("name")})
      SELECT value, ${k.resource}, ${k.namespace}, ${k.name} FROM json_each(${uids}) WHERE ${applied}`);
  }
  return statements;
}

/** Drop the owner index of an object this batch deleted. */
export function dropOwners(k: ObjectKey): SQL {
  return sql`DELETE FROM ${owners} WHERE ${ownerKeyIs(k)} AND ${objectAbsent(k)}`;
}

// ---------------------------------------------------------------------------------------------
// Allocations: values an object holds exclusively. A write that claims values runs, in one batch:
//   1. release what the object holds beyond its claims   (when the write's guard holds and every claim is available)
//   2. claim the values                                  (same condition)
//   3. the changelog row and the object write            (when the guard holds and every claim is now held by the object)
// Steps 1 and 2 are evaluated before anything they depend on changes, so either the whole write
// applies with its claims, or nothing does; a taken value is a lost write, never an exception.
// The claims travel as one JSON parameter ([[range, value], ...]) to stay under D1's 100 bound
// parameters whatever their number.

/** A value drawn from a range, e.g. { range: "services/clusterIPs", value: "10.96.0.10" }. */
export interface Allocation {
  range: string;
  value: string;
}

const claimsJson = (claims: readonly Allocation[]) => JSON.stringify(claims.map((c) => [c.range, c.value]));
const claimRange = sql`json_extract(c.value, '$[0]')`;
const claimValue = sql`json_extract(c.value, '$[1]')`;
const heldBy = (k: ObjectKey) => sql`${allocations.resource} = ${k.resource} AND ${allocations.namespace} = ${k.namespace} AND ${allocations.name} = ${k.name}`;

/** Every claim is free or already held by `k`. */
export function claimsAvailable(k: ObjectKey, claims: readonly Allocation[]): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM json_each(${claimsJson(claims)}) AS c JOIN ${allocations}
    ON ${allocations.range} = ${claimRange} AND ${allocations.value} = ${claimValue} WHERE NOT (${heldBy(k)}))`;
}

/** Every claim is held by `k`. */
export function claimsHeld(k: ObjectKey, claims: readonly Allocation[]): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM json_each(${claimsJson(claims)}) AS c WHERE NOT EXISTS (SELECT 1 FROM ${allocations}
    WHERE ${allocations.range} = ${claimRange} AND ${allocations.value} = ${claimValue} AND ${heldBy(k)}))`;
}

/** Release what `k` holds that is not among `claims`. */
export function releaseUnclaimed(k: ObjectKey, claims: readonly Allocation[], when: SQL): SQL {
  return sql`DELETE FROM ${allocations} WHERE ${heldBy(k)}
    AND (${allocations.range}, ${allocations.value}) NOT IN (SELECT ${claimRange}, ${claimValue} FROM json_each(${claimsJson(claims)}) AS c) AND ${when}`;
}

export function claim(k: ObjectKey, claims: readonly Allocation[], when: SQL): SQL {
  return sql`INSERT OR IGNORE INTO ${allocations} (${col("range")}, ${col("value")}, ${col("resource")}, ${col("namespace")}, ${col("name")})
    SELECT ${claimRange}, ${claimValue}, ${k.resource}, ${k.namespace}, ${k.name} FROM json_each(${claimsJson(claims)}) AS c WHERE ${when}`;
}

/** Release everything `k` holds once this batch has removed it. */
export function releaseAll(k: ObjectKey): SQL {
  return sql`DELETE FROM ${allocations} WHERE ${heldBy(k)} AND ${objectAbsent(k)}`;
}

/** Which of `claims` someone other than `k` holds. */
export function selectTaken(k: ObjectKey, claims: readonly Allocation[]): SQL {
  return sql`SELECT ${allocations.range} AS range, ${allocations.value} AS value FROM json_each(${claimsJson(claims)}) AS c JOIN ${allocations}
    ON ${allocations.range} = ${claimRange} AND ${allocations.value} = ${claimValue} WHERE NOT (${heldBy(k)})`;
}

/** Every value held in a range by objects other than `except`. */
export function selectAllocated(range: string, except: ObjectKey): SQL {
  return sql`SELECT ${allocations.value} AS value FROM ${allocations} WHERE ${allocations.range} = ${range} AND NOT (${heldBy(except)})`;
}

export function selectObject(k: ObjectKey): Statement {
  return shaped("selectObject", () => sql`SELECT ${objectColumns} FROM ${objects} WHERE ${keyIs(KEY)}`, { resource: k.resource, namespace: k.namespace, name: k.name });
}

export interface ListQuery {
  resource: string;
  namespace?: string;
  /** A controller's uid, or null for objects no controller owns. */
  controllerUid?: string | null;
  /** Resume after this (namespace, name), exclusive. */
  after?: { namespace: string; name: string };
  nodeName?: string;
  limit: number;
}

function listConditions(q: ListQuery): SQL[] {
  const conditions = [sql`${objects.resource} = ${q.resource}`];
  if (q.namespace !== undefined) conditions.push(sql`${objects.namespace} = ${q.namespace}`);
  if (q.nodeName !== undefined) conditions.push(sql`${objects.nodeName} = ${q.nodeName}`);
  if (q.controllerUid !== undefined) conditions.push(q.controllerUid === null ? sql`${objects.controllerUid} IS NULL` : sql`${objects.controllerUid} = ${q.controllerUid}`);
  if (q.after) {
    // Within one namespace, on the name alone: the key index then seeks to the cursor rather than filtering from the namespace's start.
    const after = q.namespace === q.after.namespace ? sql`${objects.name} > ${q.after.name}` : sql`(${objects.namespace}, ${objects.name}) > (${q.after.namespace}, ${q.after.name})`;
    conditions.push(after);
  }
  return conditions;
}

export function selectObjects(q: ListQuery): SQL {
  return sql`SELECT ${objectColumns} FROM ${objects} WHERE ${sql.join(listConditions(q), sql` AND `)}
    ORDER BY ${objects.namespace}, ${objects.name} LIMIT ${q.limit}`;
}

/**
 * One page of the objects as they were at revision `rv` (not compacted), in (namespace, name)
 * order: the objects unchanged since, and for the keys changed since (read through the
 * resource's log after `rv`, so the cost is that of the changes since), their newest log row
 * at or before `rv` unless it is a deletion. The log rows carry no indexed columns (nodeName,
 * controllerUid are NULL): the caller filters them on the object.
 */
export function selectObjectsAt(q: ListQuery, rv: number): SQL {
  const current = sql`SELECT ${objectColumns} FROM ${objects} WHERE ${sql.join(listConditions(q), sql` AND `)} AND ${objects.rv} <= ${rv}
    ORDER BY ${objects.namespace}, ${objects.name} LIMIT ${q.limit}`;
  const keys = [sql`resource = ${q.resource}`, sql`id > ${rv}`];
  if (q.namespace !== undefined) keys.push(sql`namespace = ${q.namespace}`);
  if (q.after) keys.push(sql`(namespace, name) > (${q.after.namespace}, ${q.after.name})`);
  // INDEXED BY: the object index would read the resource's whole retained log after the key.
  const changed = sql`SELECT DISTINCT namespace, name FROM ${changelog} INDEXED BY changelog_resource WHERE ${sql.join(keys, sql` AND `)}`;
  const before = sql`SELECT c.resource AS resource, c.namespace AS namespace, c.name AS name, NULL AS uid, c.id AS rv, NULL AS nodeName, NULL AS controllerUid, c.data AS data
    FROM (${changed}) AS k JOIN ${changelog} AS c ON c.id = (SELECT max(x.id) FROM ${changelog} AS x
      WHERE x.resource = ${q.resource} AND x.namespace = k.namespace AND x.name = k.name AND x.id <= ${rv})
    WHERE c.type <> 'DELETED' ORDER BY c.namespace, c.name LIMIT ${q.limit}`;
  return sql`SELECT * FROM (${current}) UNION ALL SELECT * FROM (${before}) ORDER BY namespace, name LIMIT ${q.limit}`;
}

export function selectRevision(): Statement {
  return shaped("selectRevision", () => sql`SELECT max(${changelog.id}) AS rv FROM ${changelog}`, {});
}

export function selectCompacted(): Statement {
  return shaped("selectCompacted", () => sql`SELECT ${meta.value} AS value FROM ${meta} WHERE ${meta.key} = 'compacted'`, {});
}

/**
 * Changes a reader may leave out of a log read. "podStatusReports": updates of a bound pod that
 * keep its node, phase and labels (an agent's status reports), which change nothing for the
 * scheduler's placements; compared with the previous state's projection in SQL, so those rows
 * are never sent. Anything the comparison cannot tell (missing labels, a projection without
 * the fields) is read.
 */
export type ChangeOmission = "podStatusReports";

const OMITTED: Record<ChangeOmission, SQL> = {
  podStatusReports: sql`NOT (${changelog.type} = 'MODIFIED'
      AND json_extract(${changelog.prev}, '$.fields."spec.nodeName"') <> ''
      AND json_extract(${changelog.prev}, '$.fields."spec.nodeName"') = json_extract(${changelog.data}, '$.spec.nodeName')
      AND json_extract(${changelog.prev}, '$.fields."status.phase"') = json_extract(${changelog.data}, '$.status.phase')
      AND json_extract(${changelog.prev}, '$.labels') = json_extract(${changelog.data}, '$.metadata.labels'))`,
};

/** `known`: revisions the reader already holds (its own writes), left out of the read. */
export function selectChanges(resource: string, afterId: number, limit: number, omit?: ChangeOmission, known?: readonly number[]): Statement {
  const build = () => sql`SELECT ${changelog.id} AS id, ${changelog.resource} AS resource, ${changelog.namespace} AS namespace, ${changelog.name} AS name,
      ${changelog.type} AS type, ${changelog.data} AS data, ${changelog.prev} AS prev
    FROM ${changelog} WHERE ${changelog.resource} = ${p("resource")} AND ${changelog.id} > ${p("afterId")} ${omit ? sql`AND ${OMITTED[omit]}` : sql``}
      ${known ? sql`AND ${changelog.id} NOT IN (SELECT value FROM json_each(${p("known")}))` : sql``}
    ORDER BY ${changelog.id} LIMIT ${p("limit")}`;
  return shaped(`selectChanges/${omit ?? ""}/${known ? "known" : ""}`, build, { resource, afterId, limit, ...(known ? { known: JSON.stringify(known) } : {}) });
}

/** Only the revisions of selectChanges (without omissions), from the changelog_resource index alone. */
export function selectChangeIds(resource: string, afterId: number, limit: number): Statement {
  const build = () => sql`SELECT ${changelog.id} AS id FROM ${changelog} WHERE ${changelog.resource} = ${p("resource")} AND ${changelog.id} > ${p("afterId")} ORDER BY ${changelog.id} LIMIT ${p("limit")}`;
  return shaped("selectChangeIds", build, { resource, afterId, limit });
}

/** The objects that name `ownerUid` in their ownerReferences, through the owner index. */
export function selectOwned(ownerUid: string): SQL {
  return sql`SELECT ${objectColumns} FROM ${owners} JOIN ${objects}
      ON ${objects.resource} = ${owners.resource} AND ${objects.namespace} = ${owners.namespace} AND ${objects.name} = ${owners.name}
    WHERE ${owners.ownerUid} = ${ownerUid}`;
}

/** Everything in a namespace, across kinds, through the namespace index. */
export function selectInNamespace(namespace: string, limit: number): SQL {
  return sql`SELECT ${objectColumns} FROM ${objects} WHERE ${objects.namespace} = ${namespace} LIMIT ${limit}`;
}

/** Objects whose controller has not caught up with their spec (status.observedGeneration < metadata.generation). */
export function selectLagging(resource: string, limit: number): SQL {
  return sql`SELECT ${objects.namespace} AS namespace, ${objects.name} AS name FROM ${objects}
    WHERE ${objects.resource} = ${resource}
      AND COALESCE(json_extract(${objects.data}, '$.status.observedGeneration'), 0) < COALESCE(json_extract(${objects.data}, '$.metadata.generation'), 0)
    LIMIT ${limit}`;
}

/** Events last seen before `beforeIso` (an RFC 3339 time compares correctly as text). */
export function selectExpiredEvents(beforeIso: string, limit: number): SQL {
  const seen = sql`COALESCE(json_extract(${objects.data}, '$.lastTimestamp'), json_extract(${objects.data}, '$.series.lastObservedTime'),
    json_extract(${objects.data}, '$.eventTime'), json_extract(${objects.data}, '$.metadata.creationTimestamp'))`;
  return sql`SELECT ${objectColumns} FROM ${objects} WHERE ${objects.resource} IN ('events', 'events.k8s.io/events') AND ${seen} < ${beforeIso} LIMIT ${limit}`;
}

/** Owner uids that no object has any more: dependents left behind by a lost trigger. */
export function selectDanglingOwners(limit: number): SQL {
  return sql`SELECT DISTINCT ${owners.ownerUid} AS ownerUid FROM ${owners}
    WHERE NOT EXISTS (SELECT 1 FROM ${objects} WHERE ${objects.uid} = ${owners.ownerUid}) LIMIT ${limit}`;
}

/**
 * Jobs whose activeDeadlineSeconds ran out before they finished, or whose
 * ttlSecondsAfterFinished ran out after: the cron's safety net for the reconcilers' alarms. Only
 * rows of batch/jobs are read (the primary key's prefix), the times are compared in SQL, and the
 * reconciler decides what each Job needs.
 */
export function selectJobsPastDeadline(nowMs: number, limit: number): SQL {
  const field = (path: string) => sql`json_extract(${objects.data}, ${path})`;
  const now = Math.floor(nowMs / 1000);
  const finishedAt = (when: SQL) => sql`EXISTS (SELECT 1 FROM json_each(${objects.data}, '$.status.conditions') AS c
    WHERE json_extract(c.value, '$.type') IN ('Complete', 'Failed') AND json_extract(c.value, '$.status') = 'True' AND ${when})`;
  const ttl = field("$.spec.ttlSecondsAfterFinished");
  const deadline = field("$.spec.activeDeadlineSeconds");
  return sql`SELECT ${objects.namespace} AS namespace, ${objects.name} AS name FROM ${objects} WHERE ${objects.resource} = 'batch/jobs' AND (
      (${ttl} IS NOT NULL AND ${finishedAt(sql`unixepoch(json_extract(c.value, '$.lastTransitionTime')) + ${ttl} <= ${now}`)})
      OR (${deadline} IS NOT NULL AND IFNULL(${field("$.spec.suspend")}, 0) = 0 AND NOT ${finishedAt(sql`1`)}
        AND unixepoch(${field("$.status.startTime")}) + ${deadline} <= ${now}))
    LIMIT ${limit}`;
}

const metaNumber = (key: string) => sql`COALESCE((SELECT CAST(${meta.value} AS INTEGER) FROM ${meta} WHERE ${meta.key} = ${key}), 0)`;

/**
 * Compaction: forget revisions older than `beforeMs` but always keep the newest `keep`, and
 * remember the highest forgotten revision so that older watches and continues get 410.
 *
 * What a paged list's snapshot at a revision above the bound needs stays: the newest row at or
 * below the bound of an object changed since, unless a deletion. (An object unchanged since is
 * read from `objects`; its row, once compacted, is put back by the write that changes it:
 * restorePrevious.) Only the rows above the previous bound ('compacted.from') and their
 * predecessors are examined, through the primary key and the changelog_object index, so the cost
 * is that of the revisions newly compacted, not of the log: below the previous bound only kept
 * or put back rows remain, each superseded above it.
 */
export function compactStatements(beforeMs: number, keep: number): SQL[] {
  const bound = sql`min(
      COALESCE((SELECT max(${changelog.id}) FROM ${changelog} WHERE ${changelog.createdAt} < ${beforeMs}), 0),
      COALESCE((SELECT max(${changelog.id}) FROM ${changelog}), 0) - ${keep})`;
  const sameObject = (t: string) => sql.raw(`${t}.resource = s.resource AND ${t}.namespace = s.namespace AND ${t}.name = s.name`);
  const newlyCompacted = sql`${changelog} AS s WHERE s.id > ${metaNumber("compacted.from")} AND s.id <= ${metaNumber("compacted")}`;
  return [
    sql`INSERT INTO ${meta} (${col("key")}, ${col("value")}) SELECT 'compacted.from', CAST(${metaNumber("compacted")} AS TEXT)
      ON CONFLICT(${col("key")}) DO UPDATE SET ${col("value")} = excluded.${col("value")}`,
    sql`INSERT INTO ${meta} (${col("key")}, ${col("value")}) SELECT 'compacted', CAST(${bound} AS TEXT) WHERE ${bound} > 0
      ON CONFLICT(${col("key")}) DO UPDATE SET ${col("value")} = excluded.${col("value")}
      WHERE CAST(excluded.${col("value")} AS INTEGER) > CAST(${meta.value} AS INTEGER)`,
    // Superseded at or below the bound; then the newly compacted rows that are deletions or whose object has no later row.
    sql`DELETE FROM ${changelog} WHERE ${changelog.id} IN (
      SELECT (SELECT max(p.id) FROM ${changelog} AS p WHERE ${sameObject("p")} AND p.id < s.id) FROM ${newlyCompacted}
      UNION ALL
      SELECT s.id FROM ${newlyCompacted} AND (s.type = 'DELETED'
        OR NOT EXISTS (SELECT 1 FROM ${changelog} AS n WHERE ${sameObject("n")} AND n.id > ${metaNumber("compacted")})))`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Bulk writes: many creates and conditional updates (no claims) in a handful of statements,
// however many objects, so a batch of a thousand writes costs D1 a few statements, not thousands.
// Each object's condition is its own; the objects that pass get consecutive revisions above the
// log's head, are written first, and the log rows are copied from them (the data crosses to D1
// once). "Written by this batch" is then "revision above the log's head", which needs no
// comparison of data. Keys must be distinct within one call.

/** One object of a bulk write: its key, indexed columns, stored data and owner uids. */
export interface BulkItem extends ObjectKey, Omit<Indexed, "data"> {
  data: string;
  owners: string[];
}

export interface BulkCreate extends BulkItem {
  uid: string;
}

export interface BulkUpdate extends BulkItem {
  expectedRv: number;
  /** The previous state's labels and fields (the store's SelectorProjection), kept as JSON in the log. */
  prev: object;
}

/** The log's head; the revisions a bulk write gives are above it until its log rows are in. */
const head = sql`(SELECT COALESCE(max(${changelog.id}), 0) FROM ${changelog})`;

/** The columns of a JSON array of items (the parameter `items`), one row each in order (`k` is the position). */
function itemRows(items: string, columns: string[]): SQL {
  const extracted = columns.map((c) => sql.raw(`json_extract(j.value, '$.${c}') AS ${c}`));
  return sql`(SELECT j.key AS k, ${sql.join(extracted, sql`, `)} FROM json_each(${p(items)}) AS j)`;
}

const itemObject = sql`o.resource = i.r AND o.namespace = i.ns AND o.name = i.n`;

/** The items' objects this bulk write just wrote (their revision is above the log's head), with the items' `columns`. */
function writtenBy(items: string, columns: string[], join: SQL = sql``): SQL {
  return sql`${itemRows(items, ["r", "ns", "n", ...columns])} AS i JOIN ${objects} AS o ON ${itemObject} ${join} WHERE o.rv > ${head}`;
}

/** The owner index of the objects written: `keys` names the parameter holding their keys and owners. */
function ownerStatements(keys: string, replacing: boolean): SQL[] {
  const statements: SQL[] = [];
  if (replacing) {
    // Only owners that went are deleted (an update that keeps its ownerReferences writes no index row).
    const indexed = sql`JOIN ${owners} AS w ON w.resource = o.resource AND w.namespace = o.namespace AND w.name = o.name`;
    statements.push(sql`DELETE FROM ${owners} WHERE rowid IN (SELECT w.rowid FROM ${writtenBy(keys, ["owners"], indexed)}
      AND w.owner_uid NOT IN (SELECT value FROM json_each(i.owners)))`);
  }
  statements.push(sql`INSERT OR IGNORE INTO ${owners} (${col("owner_uid")}, ${col("resource")}, ${col("namespace")}, ${col("name")})
    SELECT u.value, o.resource, o.namespace, o.name FROM ${writtenBy(`${keys}Owning`, ["owners"], sql`JOIN json_each(i.owners) AS u`)}`);
  return statements;
}

/**
 * The statements of a bulk write. The log inserts return `{ id, resource, namespace, name }` for
 * each object written; `returning` gives their positions in the statement list.
 */
export function bulkWrite(creates: BulkCreate[], updates: BulkUpdate[], now: number): { statements: Statement[]; returning: number[] } {
  const statements: Statement[] = [];
  const returning: number[] = [];
  const key = (i: BulkItem) => ({ r: i.resource, ns: i.namespace, n: i.name, owners: i.owners });
  const owning = (items: BulkItem[]) => JSON.stringify(items.filter((i) => i.owners.length > 0).map(key));
  const withOwners = (items: BulkItem[]) => items.some((i) => i.owners.length > 0);
  if (updates.length) {
    const items = updates.map((u) => ({ ...key(u), rv: u.expectedRv, node: u.nodeName, ctl: u.controllerUid, d: u.data }));
    const keys = updates.map((u) => ({ ...key(u), p: u.prev, rv: u.expectedRv }));
    statements.push(...bulkShape("updates", withOwners(updates), { items: JSON.stringify(items), keys: JSON.stringify(keys), keysOwning: owning(updates), now }));
    returning.push(statements.length - 1);
  }
  if (creates.length) {
    const items = creates.map((c) => ({ ...key(c), uid: c.uid, node: c.nodeName, ctl: c.controllerUid, d: c.data }));
    statements.push(...bulkShape("creates", withOwners(creates), { items: JSON.stringify(items), keys: JSON.stringify(creates.map(key)), keysOwning: owning(creates), now }));
    returning.push(statements.length - 1);
  }
  return { statements, returning };
}

/**
 * One side of a bulk write, rendered once per shape: (updates) the superseded states' log rows,
 * the object statement, the owner index's, then the log insert (last). The items travel as JSON
 * parameters, whatever their number: `items` with the data for the object statement, `keys`
 * without it for the others (`keysOwning`: those with owners).
 */
function bulkShape(side: "updates" | "creates", withOwners: boolean, values: { items: string; keys: string; keysOwning: string; now: number }): Statement[] {
  const owned = (all: SQL[]) => (withOwners ? all : all.slice(0, side === "updates" ? 1 : 0));
  const build = (): SQL[] =>
    side === "updates"
      ? [
          // The superseded states' log rows, where compacted (see restorePrevious).
          sql`INSERT INTO ${changelog} (${restoredColumns})
      SELECT o.rv, o.resource, o.namespace, o.name, 'MODIFIED', o.data, NULL, ${p("now")} FROM ${itemRows("keys", ["r", "ns", "n", "rv"])} AS i
      JOIN ${objects} AS o ON ${itemObject} AND o.rv = i.rv WHERE NOT EXISTS (SELECT 1 FROM ${changelog} AS c WHERE c.id = o.rv)`,
          sql`UPDATE ${objects} SET ${col("rv")} = u.rv, ${col("node_name")} = u.node, ${col("controller_uid")} = u.ctl, ${col("data")} = u.d
      FROM (SELECT i.r, i.ns, i.n, i.node, i.ctl, i.d, ${head} + ROW_NUMBER() OVER (ORDER BY i.k) AS rv
        FROM ${itemRows("items", ["r", "ns", "n", "rv", "node", "ctl", "d"])} AS i
        WHERE EXISTS (SELECT 1 FROM ${objects} AS o WHERE ${itemObject} AND o.rv = i.rv)) AS u
      WHERE ${objects.resource} = u.r AND ${objects.namespace} = u.ns AND ${objects.name} = u.n`,
          ...owned(ownerStatements("keys", true)),
          sql`INSERT INTO ${changelog} (${col("id")}, ${col("resource")}, ${col("namespace")}, ${col("name")}, ${col("type")}, ${col("data")}, ${col("prev")}, ${col("created_at")})
      SELECT o.rv, o.resource, o.namespace, o.name, 'MODIFIED', o.data, i.p, ${p("now")} FROM ${writtenBy("keys", ["p"])} ORDER BY o.rv
      RETURNING ${col("id")} AS id, ${col("resource")} AS resource, ${col("namespace")} AS namespace, ${col("name")} AS name`,
        ]
      : [
          sql`INSERT INTO ${objects} (${col("resource")}, ${col("namespace")}, ${col("name")}, ${col("uid")}, ${col("rv")}, ${col("node_name")}, ${col("controller_uid")}, ${col("data")})
      SELECT i.r, i.ns, i.n, i.uid, ${head} + ROW_NUMBER() OVER (ORDER BY i.k), i.node, i.ctl, i.d
      FROM ${itemRows("items", ["r", "ns", "n", "uid", "node", "ctl", "d"])} AS i
      WHERE NOT EXISTS (SELECT 1 FROM ${objects} AS o WHERE ${itemObject})
        AND (i.ns = '' OR EXISTS (SELECT 1 FROM ${objects} AS o WHERE o.resource = 'namespaces' AND o.namespace = '' AND o.name = i.ns
          AND json_extract(o.data, '$.metadata.deletionTimestamp') IS NULL))`,
          ...owned(ownerStatements("keys", false)),
          sql`INSERT INTO ${changelog} (${col("id")}, ${col("resource")}, ${col("namespace")}, ${col("name")}, ${col("type")}, ${col("data")}, ${col("prev")}, ${col("created_at")})
      SELECT o.rv, o.resource, o.namespace, o.name, 'ADDED', o.data, NULL, ${p("now")} FROM ${writtenBy("keys", [])} ORDER BY o.rv
      RETURNING ${col("id")} AS id, ${col("resource")} AS resource, ${col("namespace")} AS namespace, ${col("name")} AS name`,
        ];
  return shapedAll(`bulk/${side}/${withOwners ? "owners" : ""}`, build, values);
}
