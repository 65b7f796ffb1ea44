// Audit records: one for every request that changes something and every denied request (401,
// 403), at Kubernetes' Metadata level: who, which verb on what, the response code and the time.
// Never a request or response body, so no Secret payload can land here. Records older than the
// retention are pruned as new ones are written (at most once a minute per isolate).
import { and, desc, gt, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Attributes } from "./attributes";
import { auditEvents } from "./schema";

const MUTATING = new Set(["create", "update", "patch", "delete", "deletecollection", "post", "put"]);
const PRUNE_EVERY_MS = 60_000;

/** Creates that change nothing: asking what someone may do or who they are. */
const REVIEWS = new Set(["selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews", "localsubjectaccessreviews", "tokenreviews", "selfsubjectreviews"]);

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

/** Whether a request with these attributes and response code is audited. */
export function audited(attrs: Attributes, code: number): boolean {
  if (code === 401 || code === 403) return true;
  return MUTATING.has(attrs.verb) && !REVIEWS.has(attrs.resource);
}

let lastPrune = 0;

export class AuditLog {
  private readonly db;

  constructor(
    d1: D1Database,
    private readonly retentionMs: number,
  ) {
    this.db = drizzle(d1);
  }

  async record(r: AuditRecord): Promise<void> {
    await this.db.insert(auditEvents).values({ ...r, groups: JSON.stringify(r.groups) });
    if (r.time - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = r.time;
      await this.db.delete(auditEvents).where(lt(auditEvents.time, r.time - this.retentionMs));
    }
  }

  /** Newest first; `before` (an id) pages on, `since` (ms) stops at a time. */
  async list(opts: { limit: number; before?: number; since?: number }): Promise<(AuditRecord & { id: number })[]> {
    const where = and(opts.before !== undefined ? lt(auditEvents.id, opts.before) : undefined, opts.since !== undefined ? gt(auditEvents.time, opts.since) : undefined);
    const rows = await this.db.select().from(auditEvents).where(where).orderBy(desc(auditEvents.id)).limit(opts.limit);
    return rows.map((row) => ({ ...row, groups: JSON.parse(row.groups) as string[] }));
  }
}
