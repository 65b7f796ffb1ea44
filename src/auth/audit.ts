// Audit records: one for every request that changes something and every denied request (401,
// 403), at Kubernetes' Metadata level: who, which verb on what, the response code and the time.
// Never a request or response body, so no Secret payload can land here. Records older than the
// retention are pruned as new ones are written (at most once a minute). Requests hand their
// records to the audit sink (auditsink.ts), which writes them in batches.
import { and, desc, fillPlaceholders, gt, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { auditEvents } from "./schema";

const PRUNE_EVERY_MS = 60_000;

export interface AuditRecord {
  time: number;
  username: string;
  groups: string[];
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
  code: number;
  sourceIp: string;
  userAgent: string;
}

/** A record is a few hundred bytes: a statement's parameter stays well under D1's limits. */
const RECORDS_PER_STATEMENT = 500;

/** The record's fields in the order of `insertRecords`' columns. */
const FIELDS = ["time", "username", "groups", "verb", "apiGroup", "resource", "subresource", "namespace", "name", "path", "code", "sourceIp", "userAgent"] as const;

/**
 * Any number of records in one statement: they travel as one JSON parameter (an array per
 * record), so a batch of a hundred is one small statement rather than one per seven rows (D1
 * binds at most 100 parameters), and Drizzle renders it once.
 */
const insertRecords = new SQLiteAsyncDialect().sqlToQuery(
  sql`INSERT INTO ${auditEvents} (${sql.join(
    FIELDS.map((f) => sql.identifier(auditEvents[f].name)),
    sql`, `,
  )}) SELECT ${sql.raw(FIELDS.map((_, i) => `json_extract(value, '$[${i}]')`).join(", "))} FROM json_each(${sql.placeholder("records")})`,
);

let lastPrune = 0;

export class AuditLog {
  private readonly db;

  constructor(
    private readonly d1: D1Database,
    private readonly retentionMs: number,
  ) {
    this.db = drizzle(d1);
  }

  /** Writes records in one D1 batch, pruning expired ones at most once a minute. */
  async write(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map((r) => FIELDS.map((f) => (f === "groups" ? JSON.stringify(r.groups) : r[f])));
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < rows.length; i += RECORDS_PER_STATEMENT) {
      const records = JSON.stringify(rows.slice(i, i + RECORDS_PER_STATEMENT));
      statements.push(this.d1.prepare(insertRecords.sql).bind(...fillPlaceholders(insertRecords.params, { records })));
    }
    const now = Math.max(...records.map((r) => r.time));
    if (now - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = now;
      const prune = this.db.delete(auditEvents).where(lt(auditEvents.time, now - this.retentionMs)).toSQL();
      statements.push(this.d1.prepare(prune.sql).bind(...prune.params));
    }
    await this.d1.batch(statements);
  }

  /** Newest first; `before` (an id) pages on, `since` (ms) stops at a time. */
  async list(opts: { limit: number; before?: number; since?: number }): Promise<(AuditRecord & { id: number })[]> {
    const where = and(opts.before !== undefined ? lt(auditEvents.id, opts.before) : undefined, opts.since !== undefined ? gt(auditEvents.time, opts.since) : undefined);
    const rows = await this.db.select().from(auditEvents).where(where).orderBy(desc(auditEvents.id)).limit(opts.limit);
    return rows.map((row) => ({ ...row, groups: JSON.parse(row.groups) as string[] }));
  }
}
