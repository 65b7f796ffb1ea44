// Re-encryption: every stored Secret row (objects and changelog) not yet sealed with the current
// key is opened with the key it names and sealed again with the current one. Each row is
// rewritten only if it has not changed since it was read, and the revision is not bumped: the
// object is the same, only its stored form changes. Work is done in bounded passes; the report
// says how many rows are still under another key (or in plaintext), so callers repeat until 0.
import { and, count, eq, ne, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { changelog, objects } from "../../store/schema";
import { open, seal } from "./codec";
import type { KeyRing } from "./keys";

export interface ReencryptReport {
  /** Rows sealed again under the current key by this call. */
  rewritten: number;
  /** Rows still not under the current key (plaintext or an older key). */
  stale: number;
  currentKey: string;
}

const RESOURCE = "secrets";
const ROWS_PER_BATCH = 50;

function staleData(data: typeof objects.data | typeof changelog.data, prefix: string): SQL {
  return ne(sql`substr(${data}, 1, ${prefix.length})`, prefix);
}

export async function reencryptSecrets(d1: D1Database, ring: KeyRing, maxRows = 500): Promise<ReencryptReport> {
  const db = drizzle(d1);
  const prefix = `enc:aesgcm:v1:${ring.current.id}:`;
  const staleObjects = and(eq(objects.resource, RESOURCE), staleData(objects.data, prefix));
  const staleChanges = and(eq(changelog.resource, RESOURCE), staleData(changelog.data, prefix));
  let rewritten = 0;
  while (rewritten < maxRows) {
    const limit = Math.min(ROWS_PER_BATCH, maxRows - rewritten);
    const objs = await db.select({ namespace: objects.namespace, name: objects.name, rv: objects.rv, data: objects.data }).from(objects).where(staleObjects).limit(limit);
    const changes =
      objs.length < limit
        ? await db.select({ id: changelog.id, namespace: changelog.namespace, name: changelog.name, data: changelog.data }).from(changelog).where(staleChanges).limit(limit - objs.length)
        : [];
    if (objs.length === 0 && changes.length === 0) break;
    const reseal = async (r: { namespace: string; name: string; data: string }) => {
      const key = { resource: RESOURCE, namespace: r.namespace, name: r.name };
      return seal(ring, key, await open(ring, key, r.data));
    };
    // Seal first: a query builder is a thenable, so it must not pass through an async function.
    const sealedObjs = await Promise.all(objs.map(reseal));
    const sealedChanges = await Promise.all(changes.map(reseal));
    const updates = [
      ...objs.map((r, i) =>
        db
          .update(objects)
          .set({ data: sealedObjs[i] })
          .where(and(eq(objects.resource, RESOURCE), eq(objects.namespace, r.namespace), eq(objects.name, r.name), eq(objects.rv, r.rv), eq(objects.data, r.data))),
      ),
      ...changes.map((r, i) => db.update(changelog).set({ data: sealedChanges[i] }).where(and(eq(changelog.id, r.id), eq(changelog.data, r.data)))),
    ];
    const [first, ...rest] = updates;
    await db.batch([first, ...rest]);
    rewritten += updates.length;
  }
  const [[o], [c]] = await Promise.all([db.select({ n: count() }).from(objects).where(staleObjects), db.select({ n: count() }).from(changelog).where(staleChanges)]);
  return { rewritten, stale: (o?.n ?? 0) + (c?.n ?? 0), currentKey: ring.current.id };
}
