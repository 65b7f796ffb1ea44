// The audit sink: one Durable Object that writes the cluster's audit records to D1, in batches,
// as kube-apiserver's batching audit backend does. Records are gathered twice: each isolate
// gathers its requests' records for a moment and hands them over in one call (sendAuditRecord),
// and the sink gathers what the isolates send into one D1 batch. A busy API costs a few calls and
// D1 batches a second, not one per request.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { AuditLog, type AuditRecord } from "./audit";
import { authConfig } from "./config";

/** How long a record waits for others to share its batch: short enough that the log reads current. */
const GATHER_MS = 100;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** This isolate's records not yet handed to the sink, and whether a request's waitUntil will hand them over. */
let gathered: AuditRecord[] = [];
let handOverPending = false;

/**
 * Queues a request's record. The first record of a batch hands the batch over from its own
 * request's waitUntil; later ones only join it (requests may share data, not promises).
 */
export function sendAuditRecord(env: Env, waitUntil: (p: Promise<unknown>) => void, record: AuditRecord): void {
  gathered.push(record);
  if (handOverPending) return;
  handOverPending = true;
  const handOver = async () => {
    await wait(GATHER_MS);
    const batch = gathered;
    gathered = [];
    handOverPending = false;
    await env.AUDIT_SINK.get(env.AUDIT_SINK.idFromName("audit")).record(batch);
  };
  waitUntil(handOver().catch((err: unknown) => console.error("audit records failed", err instanceof Error ? err.message : err)));
}

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
    await wait(GATHER_MS);
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
