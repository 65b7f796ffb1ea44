// The audit sink: one Durable Object that writes the cluster's audit records to D1. Requests
// hand it their record (after the response, in waitUntil); the sink gathers what arrives within
// a short window and writes it as one batch, as kube-apiserver's batching audit backend does, so a
// busy API costs a few D1 batches a second, not a write per request. (A stateless Worker cannot
// batch across requests: it may not share promises between them.)
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { AuditLog, type AuditRecord } from "./audit";
import { authConfig } from "./config";

/** How long a record waits for others to share its batch: short enough that the log reads current. */
const GATHER_MS = 100;

export class AuditSink extends DurableObject<Env> {
  private buffer: AuditRecord[] = [];
  /** The batch that will take the buffered records; the previous one, while it is written. */
  private next?: Promise<void>;
  private writing: Promise<void> = Promise.resolve();

  /** Resolves once the records are written. */
  async record(records: AuditRecord[]): Promise<void> {
    this.buffer.push(...records);
    this.next ??= this.writeGathered();
    return this.next;
  }

  private async writeGathered(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
    await this.writing;
    const batch = this.buffer;
    this.buffer = [];
    this.next = undefined;
    const written = new AuditLog(this.env.DB, authConfig(this.env).auditRetentionMs).write(batch);
    // A failed batch fails its callers (who log it), not the batches after it.
    this.writing = written.catch(() => undefined);
    return written;
  }
}
