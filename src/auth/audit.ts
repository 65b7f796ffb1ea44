// Audit records: one for every request that changes something and every denied request (401,
// 403), at Kubernetes' Metadata level: who, which verb on what, the response code and the time.
// Never a request or response body, so no Secret payload can land here. Records older than the
// retention are pruned as new ones are written (at most once a minute). Requests hand their
// records to the audit sink (auditsink.ts), which writes them in batches.
import { and, desc, gt, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
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

/** D1 binds at most 100 parameters per statement: 14 columns a row. */
const ROWS_PER_STATEMENT = 7;

let lastPrune = 0;

export class AuditLog {
  private readonly db;

  constructor(
    d1: D1Database,
    private readonly retentionMs: number,
  ) {
    this.db = drizzle(d1);
  }

  /** Writes records in one D1 batch, pruning expired ones at most once a minute. */
  async write(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map((r) => ({ ...r, groups: JSON.stringify(r.groups) }));
    const statements = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) statements.push(this.db.insert(auditEvents).values(rows.slice(i, i + ROWS_PER_STATEMENT)));
    const now = Math.max(...records.map((r) => r.time));
    const [first, ...rest] = statements;
    if (now - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = now;
      await this.db.batch([first, ...rest, this.db.delete(auditEvents).where(lt(auditEvents.time, now - this.retentionMs))]);
    } else {
      await this.db.batch([first, ...rest]);
    }
  }

  /** Newest first; `before` (an id) pages on, `since` (ms) stops at a time. */
  async list(opts: { limit: number; before?: number; since?: number }): Promise<(AuditRecord & { id: number })[]> {
    const where = and(opts.before !== undefined ? lt(auditEvents.id, opts.before) : undefined, opts.since !== undefined ? gt(auditEvents.time, opts.since) : undefined);
    const rows = await this.db.select().from(auditEvents).where(where).orderBy(desc(auditEvents.id)).limit(opts.limit);
    return rows.map((row) => ({ ...row, groups: JSON.parse(row.groups) as string[] }));
  }
}
