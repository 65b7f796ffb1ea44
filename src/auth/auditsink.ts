// The audit sink: one Durable Object that writes the cluster's audit records to D1. Requests
// hand it their record (after the response, in waitUntil); records arriving while a batch is
// being written wait for the next one, so a busy API costs a few D1 batches, not a write per
// request. (A stateless Worker cannot batch across requests: it may not share promises between them.)
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { AuditLog, type AuditRecord } from "./audit";
import { authConfig } from "./config";

export class AuditSink extends DurableObject<Env> {
  private buffer: AuditRecord[] = [];
  private flushing?: Promise<void>;

  /** Resolves once the records are written. */
  async record(records: AuditRecord[]): Promise<void> {
    this.buffer.push(...records);
    while (this.flushing) await this.flushing;
    // Another caller's batch took these along.
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = new AuditLog(this.env.DB, authConfig(this.env).auditRetentionMs).write(batch).finally(() => (this.flushing = undefined));
    await this.flushing;
  }
}
