// The SQL dialect layer: every statement the store issues, built with Drizzle against schema.ts.
// Writes are conditional so that a batch either applies whole or changes nothing: the changelog
// insert and the object write carry the same condition, evaluated in one D1 transaction.
import { and, asc, eq, gt, isNull, or, sql, type SQL } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { changelog, meta, objects, owners } from "./schema";

export type Db = DrizzleD1Database;

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

const keyIs = (k: ObjectKey) => and(eq(objects.resource, k.resource), eq(objects.namespace, k.namespace), eq(objects.name, k.name));

/** The revision this batch just wrote: D1 runs one batch at a time, so the log's maximum is ours. */
const ourRevision = sql`(SELECT max(${changelog.id}) FROM ${changelog})`;

/** Conditions a write may be guarded by. All of them are evaluated inside the write batch. */
export function objectAbsent(k: ObjectKey): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM ${objects} WHERE ${keyIs(k)})`;
}

export function objectAtRevision(k: ObjectKey, rv: number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${objects} WHERE ${keyIs(k)} AND ${objects.rv} = ${rv})`;
}

/** The namespace exists and is not terminating (creation in a terminating namespace is Forbidden in Kubernetes). */
export function namespaceActive(namespace: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${objects} WHERE ${objects.resource} = 'namespaces' AND ${objects.namespace} = '' AND ${objects.name} = ${namespace}
    AND json_extract(${objects.data}, '$.metadata.deletionTimestamp') IS NULL)`;
}

export function both(a: SQL, b: SQL): SQL {
  return sql`(${a}) AND (${b})`;
}

export function appendChange(db: Db, k: ObjectKey, rev: NewRevision, when: SQL) {
  return db.all<{ id: number }>(sql`INSERT INTO ${changelog} (${sql.identifier("resource")}, ${sql.identifier("namespace")}, ${sql.identifier("name")}, ${sql.identifier("type")}, ${sql.identifier("data")}, ${sql.identifier("prev")}, ${sql.identifier("created_at")})
    SELECT ${k.resource}, ${k.namespace}, ${k.name}, ${rev.type}, ${rev.data}, ${rev.prev}, ${rev.now} WHERE ${when} RETURNING ${changelog.id} AS id`);
}

export function insertObject(db: Db, k: ObjectKey, row: Indexed & { uid: string }, when: SQL) {
  return db.run(sql`INSERT INTO ${objects} (${sql.identifier("resource")}, ${sql.identifier("namespace")}, ${sql.identifier("name")}, ${sql.identifier("uid")}, ${sql.identifier("rv")}, ${sql.identifier("node_name")}, ${sql.identifier("controller_uid")}, ${sql.identifier("data")})
    SELECT ${k.resource}, ${k.namespace}, ${k.name}, ${row.uid}, ${ourRevision}, ${row.nodeName}, ${row.controllerUid}, ${row.data} WHERE ${when}`);
}

export function updateObject(db: Db, k: ObjectKey, expectedRv: number, row: Indexed) {
  return db
    .update(objects)
    .set({ rv: ourRevision, nodeName: row.nodeName, controllerUid: row.controllerUid, data: row.data })
    .where(and(keyIs(k), eq(objects.rv, expectedRv)));
}

export function deleteObject(db: Db, k: ObjectKey, expectedRv: number) {
  return db.delete(objects).where(and(keyIs(k), eq(objects.rv, expectedRv)));
}

/** Replace the owner index of an object, only if this batch's write to it took effect. */
export function replaceOwners(db: Db, k: ObjectKey, ownerUids: string[]) {
  const applied = sql`(SELECT ${objects.rv} FROM ${objects} WHERE ${keyIs(k)}) = ${ourRevision}`;
  const ownerKey = and(eq(owners.resource, k.resource), eq(owners.namespace, k.namespace), eq(owners.name, k.name));
  const statements = [db.run(sql`DELETE FROM ${owners} WHERE ${ownerKey} AND ${applied}`)];
  for (const uid of ownerUids) {
    statements.push(
      db.run(sql`INSERT OR IGNORE INTO ${owners} (${sql.identifier("owner_uid")}, ${sql.identifier("resource")}, ${sql.identifier("namespace")}, ${sql.identifier("name")})
        SELECT ${uid}, ${k.resource}, ${k.namespace}, ${k.name} WHERE ${applied}`),
    );
  }
  return statements;
}

/** Drop the owner index of an object this batch deleted. */
export function dropOwners(db: Db, k: ObjectKey) {
  return db.run(sql`DELETE FROM ${owners} WHERE ${owners.resource} = ${k.resource} AND ${owners.namespace} = ${k.namespace} AND ${owners.name} = ${k.name}
    AND ${objectAbsent(k)}`);
}

export function selectObject(db: Db, k: ObjectKey) {
  return db.select().from(objects).where(keyIs(k)).limit(1);
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

export function selectObjects(db: Db, q: ListQuery) {
  const conditions = [eq(objects.resource, q.resource)];
  if (q.namespace !== undefined) conditions.push(eq(objects.namespace, q.namespace));
  if (q.nodeName !== undefined) conditions.push(eq(objects.nodeName, q.nodeName));
  if (q.controllerUid !== undefined) conditions.push(q.controllerUid === null ? isNull(objects.controllerUid) : eq(objects.controllerUid, q.controllerUid));
  if (q.after) {
    const after = or(gt(objects.namespace, q.after.namespace), and(eq(objects.namespace, q.after.namespace), gt(objects.name, q.after.name)));
    if (after) conditions.push(after);
  }
  return db
    .select()
    .from(objects)
    .where(and(...conditions))
    .orderBy(asc(objects.namespace), asc(objects.name))
    .limit(q.limit);
}

export function selectRevision(db: Db) {
  return db.all<{ rv: number | null }>(sql`SELECT max(${changelog.id}) AS rv FROM ${changelog}`);
}

export function selectCompacted(db: Db) {
  return db.select({ value: meta.value }).from(meta).where(eq(meta.key, "compacted"));
}

export function selectChanges(db: Db, resource: string, afterId: number, limit: number) {
  return db
    .select({
      id: changelog.id,
      resource: changelog.resource,
      namespace: changelog.namespace,
      name: changelog.name,
      type: changelog.type,
      data: changelog.data,
      prev: changelog.prev,
    })
    .from(changelog)
    .where(and(eq(changelog.resource, resource), gt(changelog.id, afterId)))
    .orderBy(asc(changelog.id))
    .limit(limit);
}

/** The objects that name `ownerUid` in their ownerReferences, through the owner index. */
export function selectOwned(db: Db, ownerUid: string) {
  return db
    .select({
      resource: objects.resource,
      namespace: objects.namespace,
      name: objects.name,
      uid: objects.uid,
      rv: objects.rv,
      nodeName: objects.nodeName,
      controllerUid: objects.controllerUid,
      data: objects.data,
    })
    .from(owners)
    .innerJoin(objects, and(eq(owners.resource, objects.resource), eq(owners.namespace, objects.namespace), eq(owners.name, objects.name)))
    .where(eq(owners.ownerUid, ownerUid));
}

/** Everything in a namespace, across kinds, through the namespace index. */
export function selectInNamespace(db: Db, namespace: string, limit: number) {
  return db.select().from(objects).where(eq(objects.namespace, namespace)).limit(limit);
}

/** Owner uids that no object has any more: dependents left behind by a lost trigger. */
export function selectDanglingOwners(db: Db, limit: number) {
  return db.all<{ ownerUid: string }>(sql`SELECT DISTINCT ${owners.ownerUid} AS ownerUid FROM ${owners}
    WHERE NOT EXISTS (SELECT 1 FROM ${objects} WHERE ${objects.uid} = ${owners.ownerUid}) LIMIT ${limit}`);
}

/**
 * Compaction: forget revisions older than `beforeMs` but always keep the newest `keep`, and
 * remember the highest forgotten revision so that older watches and continues get 410.
 */
export function compactStatements(db: Db, beforeMs: number, keep: number) {
  const bound = sql`min(
      COALESCE((SELECT max(${changelog.id}) FROM ${changelog} WHERE ${changelog.createdAt} < ${beforeMs}), 0),
      COALESCE((SELECT max(${changelog.id}) FROM ${changelog}), 0) - ${keep})`;
  return [
    db.run(sql`INSERT INTO ${meta} (${sql.identifier("key")}, ${sql.identifier("value")}) SELECT 'compacted', CAST(${bound} AS TEXT) WHERE ${bound} > 0
      ON CONFLICT(${sql.identifier("key")}) DO UPDATE SET ${sql.identifier("value")} = excluded.${sql.identifier("value")}
      WHERE CAST(excluded.${sql.identifier("value")} AS INTEGER) > CAST(${meta.value} AS INTEGER)`),
    db.run(sql`DELETE FROM ${changelog} WHERE ${changelog.id} <= COALESCE((SELECT CAST(${meta.value} AS INTEGER) FROM ${meta} WHERE ${meta.key} = 'compacted'), 0)`),
  ] as const;
}
