import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/apis/types";
import { podKind } from "../../src/apis/core/v1/pod";
import { projection } from "../../src/api/selection";
import { keyOf, Store } from "../../src/store/store";

/** D1 with its batches counted. */
function countingD1(db: D1Database): { db: D1Database; batches: number } {
  const counter = { db, batches: 0 };
  counter.db = new Proxy(db, {
    get(target, prop) {
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          counter.batches++;
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return counter;
}

function configMap(name: string, namespace = "default", data: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, uid: crypto.randomUUID() }, data };
}

const ns = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, uid: crypto.randomUUID() } });
const noPrev = { labels: {}, fields: {} };

describe("store", () => {
  const store = new Store(env.DB);

  it("creates only inside an existing namespace, once", async () => {
    expect((await store.create("configmaps", configMap("a", "store-ns"))).ok).toBe(false);
    expect((await store.create("namespaces", ns("store-ns"))).ok).toBe(true);
    const first = await store.create("configmaps", configMap("a", "store-ns"));
    expect(first.ok).toBe(true);
    const again = await store.create("configmaps", configMap("a", "store-ns"));
    expect(again).toMatchObject({ ok: false, why: "exists" });
  });

  it("updates conditionally on the resourceVersion and bumps it", async () => {
    await store.create("namespaces", ns("upd"));
    const created = await store.create("configmaps", configMap("b", "upd"));
    if (!created.ok) throw new Error("create failed");
    const updated = await store.update("configmaps", configMap("b", "upd", { k: "v" }), created.rv, noPrev);
    expect(updated.ok).toBe(true);
    if (!updated.ok) return;
    expect(updated.rv).toBeGreaterThan(created.rv);
    const stale = await store.update("configmaps", configMap("b", "upd", { k: "lost" }), created.rv, noPrev);
    expect(stale).toMatchObject({ ok: false, why: "conflict" });
    const read = await store.get({ resource: "configmaps", namespace: "upd", name: "b" });
    expect(read?.data).toEqual({ k: "v" });
    expect(read?.metadata.resourceVersion).toBe(String(updated.rv));
  });

  it("logs every change in revision order and deletes conditionally", async () => {
    await store.create("namespaces", ns("log"));
    const start = await store.revision();
    const c = await store.create("configmaps", configMap("c", "log"));
    if (!c.ok) throw new Error("create failed");
    expect((await store.delete("configmaps", c.object, c.rv - 1)).ok).toBe(false);
    const d = await store.delete("configmaps", c.object, c.rv);
    expect(d.ok).toBe(true);
    const { changes } = await store.changes("configmaps", start, 100);
    expect(changes.map((x) => [x.type, x.object.metadata.name])).toEqual([
      ["ADDED", "c"],
      ["DELETED", "c"],
    ]);
    expect(await store.get({ resource: "configmaps", namespace: "log", name: "c" })).toBeUndefined();
  });

  it("lists in pages with a consistent revision", async () => {
    await store.create("namespaces", ns("page"));
    for (let i = 0; i < 5; i++) await store.create("configmaps", configMap(`p${i}`, "page"));
    const first = await store.list({ resource: "configmaps", namespace: "page", limit: 2 });
    expect(first.items.map((o) => o.metadata.name)).toEqual(["p0", "p1"]);
    const second = await store.list({ resource: "configmaps", namespace: "page", limit: 10, after: first.next });
    expect(second.items.map((o) => o.metadata.name)).toEqual(["p2", "p3", "p4"]);
    expect(second.next).toBeUndefined();
  });

  it("compacts old revisions but keeps the newest", async () => {
    const head = await store.revision();
    const compacted = await new Store(env.DB, { now: () => Date.now() + 3600_000 }).compact(60_000, 2);
    expect(compacted).toBe(head - 2);
    const { changes } = await store.changes("configmaps", 0, 1000);
    expect(changes.every((c) => c.rv > compacted)).toBe(true);
  });
});

describe("log reads that omit agents' status reports", () => {
  const store = new Store(env.DB);
  const pod = (status: Record<string, unknown>, labels = { app: "a" }, nodeName?: string): KubeObject =>
    ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "omit", uid: "omit-pod", labels }, spec: { containers: [{ name: "c", image: "i" }], nodeName }, status });

  it("leave out updates of a bound pod that keep its node, phase and labels, and nothing else", async () => {
    await store.create("namespaces", ns("omit"));
    const start = await store.revision();
    const states = [
      pod({ phase: "Pending" }), // created, pending
      pod({ phase: "Pending" }, undefined, "n1"), // bound
      pod({ phase: "Pending", message: "pulling" }, undefined, "n1"), // a report: omitted
      pod({ phase: "Running" }, undefined, "n1"), // the phase changed
      pod({ phase: "Running", podIP: "10.0.0.1" }, undefined, "n1"), // a report: omitted
      pod({ phase: "Running" }, { app: "b" }, "n1"), // relabelled
      pod({ phase: "Failed" }, { app: "b" }, "n1"), // finished
    ];
    let rv = 0;
    let previous: KubeObject | undefined;
    const written: number[] = [];
    for (const state of states) {
      const outcome = previous ? await store.update("pods", state, rv, projection(podKind, previous)) : await store.create("pods", state);
      if (!outcome.ok) throw new Error(`write failed: ${outcome.why}`);
      rv = outcome.rv;
      written.push(rv);
      previous = state;
    }
    const [all, omitting, knowing] = await store.changesOf(
      [
        { resource: "pods", afterRv: start },
        { resource: "pods", afterRv: start, omit: "podStatusReports" },
        // A reader that wrote the binding and the relabelling itself.
        { resource: "pods", afterRv: start, omit: "podStatusReports", known: [written[1], written[5]] },
      ],
      100,
    );
    expect(all.changes.map((c) => c.rv)).toEqual(written);
    expect(omitting.changes.map((c) => c.rv)).toEqual([written[0], written[1], written[3], written[5], written[6]]);
    expect(knowing.changes.map((c) => c.rv)).toEqual([written[0], written[3], written[6]]);
    // Every reader is brought up to the same point.
    expect(omitting.rv).toBe(all.rv);
    expect(knowing.rv).toBe(all.rv);
    await store.delete("pods", previous!, rv);
    const [afterDelete] = await store.changesOf([{ resource: "pods", afterRv: rv, omit: "podStatusReports" }], 100);
    expect(afterDelete.changes.map((c) => c.type)).toEqual(["DELETED"]);
  });
});

describe("owner index", () => {
  it("is not rewritten by a losing concurrent update", async () => {
    const store = new Store(env.DB);
    await store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "owners", uid: crypto.randomUUID() } });
    const owned = (owner: string): KubeObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "dep", namespace: "owners", uid: "dep-uid", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: owner, uid: owner }] },
    });
    const created = await store.create("configmaps", owned("first"));
    if (!created.ok) throw new Error("create failed");
    const winner = await store.update("configmaps", owned("second"), created.rv, { labels: {}, fields: {} });
    expect(winner.ok).toBe(true);
    const loser = await store.update("configmaps", owned("third"), created.rv, { labels: {}, fields: {} });
    expect(loser.ok).toBe(false);
    expect((await store.owned("second")).map((d) => d.object.metadata.name)).toEqual(["dep"]);
    expect(await store.owned("third")).toEqual([]);
    expect(await store.owned("first")).toEqual([]);
  });

  it("writes what is asked together as one bulk write, each object on its own condition", async () => {
    const d1 = countingD1(env.DB);
    const together = new Store(d1.db);
    await together.create("namespaces", ns("bulk"));
    const owner = crypto.randomUUID();
    const owned = (name: string): KubeObject => ({ ...configMap(name, "bulk"), metadata: { ...configMap(name, "bulk").metadata, ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "o", uid: owner, controller: true }] } });
    const existing = await together.create("configmaps", configMap("taken", "bulk"));
    if (!existing.ok) throw new Error("create failed");
    const before = await together.revision();
    d1.batches = 0;
    const outcomes = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => together.create("configmaps", owned(`m${i}`))),
      together.create("configmaps", configMap("taken", "bulk")),
      together.create("configmaps", configMap("lost", "no-such-namespace")),
      together.update("configmaps", configMap("taken", "bulk", { k: "v" }), existing.rv, noPrev),
    ]);
    const applied = outcomes.filter((o) => o.ok);
    expect(applied).toHaveLength(31);
    expect(outcomes[30]).toMatchObject({ ok: false, why: "exists" });
    expect(outcomes[31]).toMatchObject({ ok: false, why: "namespace" });
    // The writes went in one batch; the losers' follow-up reads in one more.
    expect(d1.batches).toBeLessThanOrEqual(2);
    const revisions = applied.map((o) => (o.ok ? o.rv : 0)).sort((a, b) => a - b);
    expect(new Set(revisions).size).toBe(31);
    expect(revisions[0]).toBe(before + 1);
    expect(revisions[30]).toBe(before + 31);
    for (const o of applied) {
      if (!o.ok) continue;
      const read = await together.get(keyOf("configmaps", o.object));
      expect(read?.metadata.resourceVersion).toBe(String(o.rv));
    }
    const { changes } = await together.changes("configmaps", before, 100);
    expect(changes.map((c) => c.rv)).toEqual(revisions);
    expect(changes.find((c) => c.object.metadata.name === "taken")).toMatchObject({ type: "MODIFIED", prev: noPrev });
    expect((await together.owned(owner)).map((o) => o.object.metadata.name).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`).sort());
    // A stale update in a later bulk write loses alone; the owner index follows ownerReferences.
    const m0 = outcomes[0];
    if (!m0.ok) throw new Error("create failed");
    const [stale, released] = await Promise.all([
      together.update("configmaps", configMap("taken", "bulk", { k: "lost" }), existing.rv, noPrev),
      together.update("configmaps", configMap("m0", "bulk"), m0.rv, noPrev),
    ]);
    expect(stale).toMatchObject({ ok: false, why: "conflict" });
    expect(released.ok).toBe(true);
    expect((await together.owned(owner)).map((o) => o.object.metadata.name)).not.toContain("m0");
  });
});

describe("snapshots of paged lists", () => {
  const store = new Store(env.DB);
  /** Compact everything at or below `bound` (the newest revisions above it stay). */
  const compactTo = async (bound: number) => new Store(env.DB, { now: () => Date.now() + 3600_000 }).compact(1000, (await store.revision()) - bound);
  const logged = async (namespace: string) =>
    (await env.DB.prepare("SELECT id, type, name FROM changelog WHERE namespace = ? ORDER BY id").bind(namespace).all<{ id: number; type: string; name: string }>()).results;
  const written = (outcome: Awaited<ReturnType<Store["create"]>>) => {
    if (!outcome.ok) throw new Error(`write failed: ${outcome.why}`);
    return outcome.rv;
  };
  const names = (page: { items: KubeObject[] } | undefined) => page?.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`);

  it("compaction keeps the newest row at the bound of objects changed since, unless a deletion, and nothing else", async () => {
    const cm = (name: string, v = "") => configMap(name, "compact", { v });
    await store.create("namespaces", ns("compact"));
    const a1 = written(await store.create("configmaps", cm("a", "1")));
    const a2 = written(await store.update("configmaps", cm("a", "2"), a1, noPrev));
    const b1 = written(await store.create("configmaps", cm("b")));
    written(await store.delete("configmaps", cm("b"), b1));
    written(await store.create("configmaps", cm("c")));
    const d1 = written(await store.create("configmaps", cm("d")));
    const bound = await store.revision();
    const a3 = written(await store.update("configmaps", cm("a", "3"), a2, noPrev));
    const d2 = written(await store.delete("configmaps", cm("d"), d1));
    expect(await compactTo(bound)).toBe(bound);
    expect(await logged("compact")).toEqual([
      { id: a2, type: "MODIFIED", name: "a" },
      { id: d1, type: "ADDED", name: "d" },
      { id: a3, type: "MODIFIED", name: "a" },
      { id: d2, type: "DELETED", name: "d" },
    ]);
    // The next compaction forgets what the newly compacted rows supersede, the kept rows included.
    const e1 = written(await store.create("configmaps", cm("e")));
    await compactTo(e1 - 1);
    expect(await logged("compact")).toEqual([{ id: e1, type: "ADDED", name: "e" }]);
  });

  it("reads a page as of a revision: nothing created since, changed and deleted objects as they were", async () => {
    const cm = (name: string, v: string) => configMap(name, "snap", { v });
    const page = (at: number, after?: { namespace: string; name: string }) => store.listAt({ resource: "configmaps", namespace: "snap", after, limit: 2 }, at);
    await store.create("namespaces", ns("snap"));
    const rv: Record<string, number> = {};
    for (const name of ["p0", "p1", "p2", "p3", "p4"]) rv[name] = written(await store.create("configmaps", cm(name, "old")));
    const at = await store.revision();
    written(await store.create("configmaps", cm("p1b", "new")));
    const p2 = written(await store.update("configmaps", cm("p2", "new"), rv.p2, noPrev));
    written(await store.delete("configmaps", cm("p3", "old"), rv.p3));
    const first = await page(at);
    expect(names(first)).toEqual([`p0@${rv.p0}`, `p1@${rv.p1}`]);
    const second = await page(at, first?.next);
    expect(names(second)).toEqual([`p2@${rv.p2}`, `p3@${rv.p3}`]);
    expect(second?.items[0].data).toEqual({ v: "old" });
    expect(second?.rv).toBe(at);
    expect(names(await page(at, second?.next))).toEqual([`p4@${rv.p4}`]);

    // Compacted past the revision: gone. Objects unchanged since their rows were compacted are
    // still found once changed after a snapshot's revision (an update, a claiming update, a delete).
    await compactTo((await store.revision()) - 1);
    expect(await page(at)).toBeUndefined();
    const later = await store.revision();
    written(await store.update("configmaps", cm("p0", "newer"), rv.p0, noPrev));
    written(await store.update("configmaps", cm("p1", "newer"), rv.p1, noPrev, [{ range: "test/snap", value: "1" }]));
    written(await store.delete("configmaps", cm("p4", "old"), rv.p4));
    const all = await store.listAt({ resource: "configmaps", namespace: "snap", limit: 10 }, later);
    expect(names(all)).toEqual([`p0@${rv.p0}`, `p1@${rv.p1}`, expect.stringMatching(/^p1b@/), `p2@${p2}`, `p4@${rv.p4}`]);
    expect(all?.items.map((o) => (o.data as { v: string }).v)).toEqual(["old", "old", "new", "new", "old"]);
  });

  it("filters the rows of changed objects on their node as of the revision", async () => {
    const pod = (name: string, nodeName: string, labels: Record<string, string>): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "snap-pods", uid: `${name}-uid`, labels },
      spec: { nodeName, containers: [{ name: "c", image: "i" }] },
    });
    await store.create("namespaces", ns("snap-pods"));
    const a = written(await store.create("pods", pod("a", "n1", { v: "1" })));
    written(await store.create("pods", pod("b", "n2", { v: "1" })));
    const at = await store.revision();
    written(await store.update("pods", pod("a", "n1", { v: "2" }), a, noPrev));
    const onNode = (nodeName: string) => store.listAt({ resource: "pods", namespace: "snap-pods", nodeName, limit: 10 }, at);
    const n1 = await onNode("n1");
    expect(names(n1)).toEqual([`a@${a}`]);
    expect(n1?.items[0].metadata.labels).toEqual({ v: "1" });
    expect(names(await onNode("n2"))).toEqual([expect.stringMatching(/^b@/)]);
  });
});
