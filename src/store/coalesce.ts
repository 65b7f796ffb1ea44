// The store's D1 work, coalesced: everything asked of one store in the same turn of the event
// loop (a controller creating many pods, the scheduler's bindings and Events, reads issued
// together) goes to D1 as one batch, as DataLoader coalesces loads, with one batch in flight at a
// time. Creates and conditional updates asked together become one bulk write of a few statements
// (statements.ts bulkWrite). Each write keeps its own condition and they run in the order asked,
// so sharing a transaction changes no outcome, only the number of round trips and statements.
import * as q from "./statements";

export type Rows = Record<string, unknown>[];

/** A write that may join others in a bulk write: it resolves to its revision, or undefined when its condition failed. */
export type BulkWrite = { create: q.BulkCreate; update?: never } | { update: q.BulkUpdate; create?: never };

interface Unit {
  statements: q.Statement[];
  /** The objects' data it carries, to keep a D1 batch's size bounded. */
  bytes: number;
  settle(results: Rows[]): void;
  fail(err: unknown): void;
  /** Smaller units to run alone when the batch failed, so one bad write fails alone. */
  parts(): Unit[];
}

type Queued = { statements: q.Statement[]; resolve(rows: Rows[]): void; reject(err: unknown): void } | { write: BulkWrite; resolve(rv: number | undefined): void; reject(err: unknown): void };
type QueuedWrite = Extract<Queued, { write: BulkWrite }>;

/** Statements and bytes of data per D1 batch, objects and bytes per bulk write: well under D1's limits. */
const MAX_STATEMENTS = 400;
const MAX_BATCH_BYTES = 2_000_000;
const MAX_BULK_ITEMS = 200;
const MAX_BULK_BYTES = 500_000;

const keyString = (k: q.ObjectKey) => `${k.resource}\u0000${k.namespace}\u0000${k.name}`;
const itemOf = (w: BulkWrite): q.BulkItem => w.create ?? w.update;

function statementsUnit(entry: Extract<Queued, { statements: q.Statement[] }>): Unit {
  const unit: Unit = { statements: entry.statements, bytes: 0, settle: entry.resolve, fail: entry.reject, parts: () => [unit] };
  return unit;
}

function bulkUnit(writes: QueuedWrite[], now: number): Unit {
  const creates = writes.flatMap((w) => (w.write.create ? [w.write.create] : []));
  const updates = writes.flatMap((w) => (w.write.update ? [w.write.update] : []));
  const { statements, returning } = q.bulkWrite(creates, updates, now);
  return {
    statements,
    bytes: writes.reduce((sum, w) => sum + itemOf(w.write).data.length, 0),
    settle(results) {
      const written = new Map<string, number>();
      for (const at of returning) for (const row of results[at]) written.set(keyString(row as unknown as q.ObjectKey), Number(row.id));
      for (const w of writes) w.resolve(written.get(keyString(itemOf(w.write))));
    },
    fail(err) {
      for (const w of writes) w.reject(err);
    },
    parts: () => (writes.length === 1 ? [bulkUnit(writes, now)] : writes.map((w) => bulkUnit([w], now))),
  };
}

/** Consecutive writes of distinct objects, within the size limits, become one bulk unit. */
function toUnits(queued: Queued[], now: number): Unit[] {
  const units: Unit[] = [];
  let group: QueuedWrite[] = [];
  let keys = new Set<string>();
  let bytes = 0;
  const close = () => {
    if (group.length) units.push(bulkUnit(group, now));
    group = [];
    keys = new Set();
    bytes = 0;
  };
  for (const entry of queued) {
    if (!("write" in entry)) {
      close();
      units.push(statementsUnit(entry));
      continue;
    }
    const item = itemOf(entry.write);
    const key = keyString(item);
    if (keys.has(key) || group.length >= MAX_BULK_ITEMS || bytes + item.data.length > MAX_BULK_BYTES) close();
    group.push(entry);
    keys.add(key);
    bytes += item.data.length;
  }
  close();
  return units;
}

export class Coalescer {
  private queued: Queued[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly d1: D1Database,
    private readonly now: () => number,
  ) {}

  /** Statements run in one transaction; their rows, in order. */
  statements(statements: q.Statement[]): Promise<Rows[]> {
    return new Promise((resolve, reject) => this.enqueue({ statements, resolve, reject }));
  }

  write(write: BulkWrite): Promise<number | undefined> {
    return new Promise((resolve, reject) => this.enqueue({ write, resolve, reject }));
  }

  private enqueue(entry: Queued): void {
    this.queued.push(entry);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // A macrotask, so that every call the current turn's promise chains make is in.
    setTimeout(() => {
      this.flushing = this.flushing.then(() => this.flush());
    }, 0);
  }

  private async flush(): Promise<void> {
    const units = toUnits(this.queued, this.now());
    this.queued = [];
    this.flushScheduled = false;
    for (let start = 0; start < units.length; ) {
      let end = start;
      let count = 0;
      let bytes = 0;
      const fits = (u: Unit) => count + u.statements.length <= MAX_STATEMENTS && bytes + u.bytes <= MAX_BATCH_BYTES;
      while (end < units.length && (end === start || fits(units[end]))) {
        count += units[end].statements.length;
        bytes += units[end++].bytes;
      }
      await this.run(units.slice(start, end));
      start = end;
    }
  }

  private async run(units: Unit[]): Promise<void> {
    let results: Rows[];
    try {
      results = await q.run(this.d1, units.flatMap((u) => u.statements));
    } catch (err) {
      const parts = units.flatMap((u) => u.parts());
      if (parts.length === 1) parts[0].fail(err);
      else for (const part of parts) await this.run([part]);
      return;
    }
    let at = 0;
    for (const unit of units) {
      unit.settle(results.slice(at, at + unit.statements.length));
      at += unit.statements.length;
    }
  }
}
