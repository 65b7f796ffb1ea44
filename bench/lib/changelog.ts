// What the cluster wrote, read straight from D1 through Miniflare: every store write is one
// changelog row (src/store/statements.ts), so rows per resource are writes per resource, and
// their created_at (the Worker's clock at the write) times bindings and creates. Writes that
// make no changelog row (compaction, audit, meta) show up in the table inventory instead.
import type { D1 } from "./miniflare";

export interface Tally {
  /** "resource type" -> rows, e.g. "pods MODIFIED" -> 10000. */
  rows: Map<string, number>;
  total: number;
}

export async function headRevision(db: D1): Promise<number> {
  const row = await db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM changelog").first<{ id: number }>();
  return row?.id ?? 0;
}

/** Changelog rows after `afterId` (up to `toId`) by resource and type. */
export async function tally(db: D1, afterId: number, toId = Number.MAX_SAFE_INTEGER): Promise<Tally> {
  const { results } = await db
    .prepare("SELECT resource, type, COUNT(*) AS n FROM changelog WHERE id > ? AND id <= ? GROUP BY resource, type")
    .bind(afterId, toId)
    .all<{ resource: string; type: string; n: number }>();
  const rows = new Map(results.map((r) => [`${r.resource} ${r.type}`, r.n]));
  return { rows, total: results.reduce((s, r) => s + r.n, 0) };
}

/**
 * Counts changelog rows as they come, for windows longer than the changelog keeps them: the
 * cron's compaction drops rows older than COMPACTION_WINDOW_SECONDS (300 s), so poll well
 * inside that.
 */
export class ChangelogCounter {
  readonly rows = new Map<string, number>();
  private constructor(
    private readonly db: D1,
    private cursor: number,
  ) {}

  static async from(db: D1): Promise<ChangelogCounter> {
    return new ChangelogCounter(db, await headRevision(db));
  }

  async poll(): Promise<void> {
    const head = await headRevision(this.db);
    const t = await tally(this.db, this.cursor, head);
    for (const [k, n] of t.rows) this.rows.set(k, (this.rows.get(k) ?? 0) + n);
    this.cursor = head;
  }

  total(filter: (key: string) => boolean = () => true): number {
    let n = 0;
    for (const [k, v] of this.rows) if (filter(k)) n += v;
    return n;
  }
}

/** Rows per table (and the highest rowid, which moves on inserts even when deletes balance them). */
export type Inventory = Map<string, { rows: number; maxRowid: number }>;

export async function inventory(db: D1): Promise<Inventory> {
  const { results } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'")
    .all<{ name: string }>();
  const out: Inventory = new Map();
  for (const { name } of results) {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    // WITHOUT ROWID tables have no rowid: count rows only.
    const row = await db
      .prepare(`SELECT COUNT(*) AS n, COALESCE(MAX(rowid), 0) AS r FROM ${quoted}`)
      .first<{ n: number; r: number }>()
      .catch(async () => ({ ...(await db.prepare(`SELECT COUNT(*) AS n FROM ${quoted}`).first<{ n: number }>()), r: 0 }));
    out.set(name, { rows: row?.n ?? 0, maxRowid: row?.r ?? 0 });
  }
  return out;
}

/** Tables whose rows or highest rowid moved between two inventories: "table: +inserted / rows before -> after". */
export function inventoryChanges(before: Inventory, after: Inventory): string[] {
  const out: string[] = [];
  for (const [name, a] of after) {
    const b = before.get(name) ?? { rows: 0, maxRowid: 0 };
    if (a.rows === b.rows && a.maxRowid === b.maxRowid) continue;
    const inserted = a.maxRowid > b.maxRowid ? `${a.maxRowid - b.maxRowid} inserted, ` : "";
    out.push(`${name}: ${inserted}rows ${b.rows} → ${a.rows}`);
  }
  return out;
}

export interface PodStages {
  /** Its ADDED row. */
  created?: number;
  /** Its first row with spec.nodeName: the binding. */
  bound?: number;
  /** Its first row with status.phase Running: the agent's status write. */
  running?: number;
}

/** Per pod written after `afterId` ("namespace/name"), the times (ms, the Worker's clock) of its stages, from the changelog. */
export async function podStages(db: D1, afterId: number): Promise<Map<string, PodStages>> {
  const { results } = await db
    .prepare(
      `SELECT namespace, name,
          MIN(CASE WHEN type = 'ADDED' THEN created_at END) AS created,
          MIN(CASE WHEN type <> 'DELETED' AND COALESCE(json_extract(data, '$.spec.nodeName'), '') <> '' THEN created_at END) AS bound,
          MIN(CASE WHEN type <> 'DELETED' AND json_extract(data, '$.status.phase') = 'Running' THEN created_at END) AS running
        FROM changelog WHERE id > ? AND resource = 'pods' GROUP BY namespace, name`,
    )
    .bind(afterId)
    .all<{ namespace: string; name: string; created: number | null; bound: number | null; running: number | null }>();
  const defined = (x: number | null): number | undefined => (x === null ? undefined : x);
  return new Map(results.map((r) => [`${r.namespace}/${r.name}`, { created: defined(r.created), bound: defined(r.bound), running: defined(r.running) }]));
}

export interface PodTimes {
  created: number[];
  bound: number[];
  running: number[];
}

/** The stages' times as lists, for rates and last times. */
export async function podTimes(db: D1, afterId: number): Promise<PodTimes> {
  const stages = [...(await podStages(db, afterId)).values()];
  const pick = (k: keyof PodStages): number[] => stages.flatMap((s) => (s[k] === undefined ? [] : [s[k]]));
  return { created: pick("created"), bound: pick("bound"), running: pick("running") };
}

/**
 * Waits until the changelog has had no rows but those of `ignore` (resources such as leases,
 * which a healthy cluster writes forever) for `quietMs`; gives up after `maxMs`. Returns the
 * head revision and how long it waited.
 */
export async function quiet(db: D1, ignore: readonly string[], quietMs: number, maxMs: number): Promise<{ rv: number; waitedMs: number; settled: boolean }> {
  const start = performance.now();
  let rv = await headRevision(db);
  let lastChange = start;
  while (performance.now() - start < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const head = await headRevision(db);
    const t = await tally(db, rv, head);
    const moved = [...t.rows.keys()].some((k) => !ignore.includes(k.split(" ")[0]));
    rv = head;
    if (moved) lastChange = performance.now();
    else if (performance.now() - lastChange >= quietMs) return { rv, waitedMs: performance.now() - start, settled: true };
  }
  return { rv, waitedMs: performance.now() - start, settled: false };
}

/** Counts per whole second from `origin` (ms): index i holds the events in [origin + i s, origin + (i+1) s). */
export function perSecond(times: readonly number[], origin: number): number[] {
  const out: number[] = [];
  for (const t of times) {
    const i = Math.max(0, Math.floor((t - origin) / 1000));
    while (out.length <= i) out.push(0);
    out[i]++;
  }
  return out;
}

/** The table as markdown-ish lines, largest first. */
export function describeRows(rows: Map<string, number>): string[] {
  return [...rows].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`);
}
