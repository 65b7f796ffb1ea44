import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Store } from "../../src/store/store";
import { configMap, del, get, namespace, patch, post, watchEvents } from "./client";

type Obj = { metadata: { name: string; resourceVersion: string; labels?: Record<string, string> }; data?: Record<string, string> };

async function listRv(path: string): Promise<string> {
  const r = await get<{ metadata: { resourceVersion: string } }>(path);
  return r.body.metadata.resourceVersion;
}

describe("watch", () => {
  it("sends the current state as ADDED from resourceVersion 0, then changes", async () => {
    await namespace("w-initial");
    await post("/api/v1/namespaces/w-initial/configmaps", configMap("one"));
    const pending = watchEvents("/api/v1/namespaces/w-initial/configmaps?watch=1&resourceVersion=0", 3);
    await new Promise((r) => setTimeout(r, 200));
    await post("/api/v1/namespaces/w-initial/configmaps", configMap("two"));
    const events = await pending;
    expect(events.map((e) => [e.type, (e.object as Obj).metadata.name])).toEqual([
      ["ADDED", "kube-root-ca.crt"],
      ["ADDED", "one"],
      ["ADDED", "two"],
    ]);
  });

  it("resumes from a resourceVersion in revision order with no gaps or duplicates", async () => {
    await namespace("w-resume");
    const rv = await listRv("/api/v1/namespaces/w-resume/configmaps");
    for (let i = 0; i < 10; i++) await post("/api/v1/namespaces/w-resume/configmaps", configMap(`c${i}`));
    await patch("/api/v1/namespaces/w-resume/configmaps/c3", { data: { k: "v" } }, "application/merge-patch+json");
    await del("/api/v1/namespaces/w-resume/configmaps/c5");
    const events = await watchEvents(`/api/v1/namespaces/w-resume/configmaps?watch=1&resourceVersion=${rv}`, 12);
    expect(events.map((e) => `${e.type}:${(e.object as Obj).metadata.name}`)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `ADDED:c${i}`),
      "MODIFIED:c3",
      "DELETED:c5",
    ]);
    const rvs = events.map((e) => Number((e.object as Obj).metadata.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    expect(new Set(rvs).size).toBe(rvs.length);
    const fromMiddle = await watchEvents(`/api/v1/namespaces/w-resume/configmaps?watch=1&resourceVersion=${rvs[9]}`, 2);
    expect(fromMiddle.map((e) => e.type)).toEqual(["MODIFIED", "DELETED"]);
  });

  it("delivers to many concurrent watchers the same ordered stream", async () => {
    await namespace("w-many");
    const rv = await listRv("/api/v1/namespaces/w-many/configmaps");
    const watchers = Array.from({ length: 10 }, () => watchEvents(`/api/v1/namespaces/w-many/configmaps?watch=1&resourceVersion=${rv}`, 20, 10_000));
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all(Array.from({ length: 20 }, (_, i) => post("/api/v1/namespaces/w-many/configmaps", configMap(`m${i}`))));
    const streams = await Promise.all(watchers);
    const first = streams[0].map((e) => (e.object as Obj).metadata.resourceVersion);
    expect(first).toHaveLength(20);
    for (const s of streams) expect(s.map((e) => (e.object as Obj).metadata.resourceVersion)).toEqual(first);
  });

  it("sees objects enter and leave a label selection", async () => {
    await namespace("w-select");
    await post("/api/v1/namespaces/w-select/configmaps", configMap("s", {}, { labels: { tier: "web" } }));
    const rv = await listRv("/api/v1/namespaces/w-select/configmaps");
    const pending = watchEvents(`/api/v1/namespaces/w-select/configmaps?watch=1&labelSelector=tier%3Ddb&resourceVersion=${rv}`, 2);
    await new Promise((r) => setTimeout(r, 200));
    await patch("/api/v1/namespaces/w-select/configmaps/s", { metadata: { labels: { tier: "db" } } }, "application/merge-patch+json");
    await patch("/api/v1/namespaces/w-select/configmaps/s", { metadata: { labels: { tier: "cache" } } }, "application/merge-patch+json");
    const events = await pending;
    expect(events.map((e) => e.type)).toEqual(["ADDED", "DELETED"]);
  });

  it("answers 410 Expired for a compacted resourceVersion", async () => {
    await namespace("w-expired");
    const old = await listRv("/api/v1/namespaces/w-expired/configmaps");
    for (let i = 0; i < 5; i++) await post("/api/v1/namespaces/w-expired/configmaps", configMap(`e${i}`));
    await new Store(env.DB, { now: () => Date.now() + 3600_000 }).compact(1000, 1);
    const events = await watchEvents(`/api/v1/namespaces/w-expired/configmaps?watch=1&resourceVersion=${old}`, 1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
    const listed = await get<{ metadata: { continue?: string } }>("/api/v1/namespaces/w-expired/configmaps?limit=2");
    expect(listed.body.metadata.continue).toBeTruthy();
    await post("/api/v1/namespaces/w-expired/configmaps", configMap("later"));
    await new Store(env.DB, { now: () => Date.now() + 7200_000 }).compact(1000, 1);
    const cont = await get(`/api/v1/namespaces/w-expired/configmaps?limit=2&continue=${listed.body.metadata.continue}`);
    expect(cont.status).toBe(410);
  });

  it("ends its watches with 410 when compaction overtook the hub, rather than leave a gap", async () => {
    await namespace("w-behind");
    const rv = await listRv("/api/v1/namespaces/w-behind/configmaps");
    const pending = watchEvents(`/api/v1/namespaces/w-behind/configmaps?watch=1&resourceVersion=${rv}`, 2, 5000);
    await new Promise((r) => setTimeout(r, 200));
    // Written past the wiring, so the hub is not told (as if its notifications were lost), then compacted away.
    const quiet = new Store(env.DB);
    for (let i = 0; i < 3; i++) await quiet.create("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `unseen${i}`, namespace: "w-behind", uid: crypto.randomUUID() } });
    await new Store(env.DB, { now: () => Date.now() + 3600_000 }).compact(1000, 1);
    await post("/api/v1/namespaces/w-behind/configmaps", configMap("seen"));
    const events = await pending;
    expect(events.map((e) => e.type)).toEqual(["ERROR"]);
    expect(events[0].object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
  });

  it("delivers the changes writers hand it, reads the others from the log, and keeps revision order", async () => {
    await namespace("w-handed");
    const rv = await listRv("/api/v1/namespaces/w-handed/configmaps");
    const pending = watchEvents(`/api/v1/namespaces/w-handed/configmaps?watch=1&resourceVersion=${rv}`, 4, 8000);
    await new Promise((r) => setTimeout(r, 200));
    const hub = env.WATCH_HUB.get(env.WATCH_HUB.idFromName("configmaps"));
    // Written past the wiring, so only what this test tells the hub reaches it.
    const quiet = new Store(env.DB);
    const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "w-handed", uid: crypto.randomUUID() }, data: { from: "log" } });
    const write = async (name: string) => {
      const outcome = await quiet.create("configmaps", cm(name));
      if (!outcome.ok) throw new Error(`create ${name}: ${outcome.why}`);
      return outcome;
    };
    const handing = (rv: number, name: string) => [{ rv, type: "ADDED" as const, object: { ...cm(name), metadata: { ...cm(name).metadata, resourceVersion: String(rv) }, data: { from: "hand" } } }];
    // A notification without changes: read from the log. The hub answers that it has watchers (writers hand changes only to such hubs).
    const a = await write("a");
    expect(await hub.notify("configmaps", a.rv)).toBe(true);
    // The next revision handed over before it is written (nothing else writes here meanwhile), then its notification: delivered as handed.
    const b = (await quiet.revision()) + 1;
    await hub.notify("configmaps", b, handing(b, "b"));
    expect((await write("b")).rv).toBe(b);
    await hub.notify("configmaps", b, handing(b, "b"));
    // A change whose notification never comes, then a handed one: the hub waits for the first, reads it from the log, and keeps the order.
    await write("c");
    const d = await write("d");
    await hub.notify("configmaps", d.rv, handing(d.rv, "d"));
    const events = await pending;
    expect(await env.WATCH_HUB.get(env.WATCH_HUB.idFromName("nobody-watches-this")).notify("nobody-watches-this", d.rv)).toBe(false);
    expect(events.map((e) => [e.type, (e.object as Obj).metadata.name, (e.object as Obj).data?.from])).toEqual([
      ["ADDED", "a", "log"],
      ["ADDED", "b", "hand"],
      ["ADDED", "c", "log"],
      ["ADDED", "d", "log"],
    ]);
  });

  it("renders one-row Tables when asked, and bookmarks", async () => {
    await namespace("w-table");
    const rv = await listRv("/api/v1/namespaces/w-table/configmaps");
    const pending = watchEvents(`/api/v1/namespaces/w-table/configmaps?watch=1&resourceVersion=${rv}`, 1, 5000, {
      accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
    });
    await new Promise((r) => setTimeout(r, 200));
    await post("/api/v1/namespaces/w-table/configmaps", configMap("t"));
    const [event] = await pending;
    expect(event.type).toBe("ADDED");
    expect(event.object).toMatchObject({ kind: "Table", rows: [{ cells: ["t", 0, expect.any(String)] }] });

    const bookmarks = watchEvents(`/api/v1/namespaces/w-table/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`, 2, 8000);
    const events = await bookmarks;
    expect(events.map((e) => e.type)).toEqual(["ADDED", "BOOKMARK"]);
  });

  it("ends the stream after timeoutSeconds", async () => {
    const started = Date.now();
    const events = await watchEvents("/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&resourceVersion=0", 1000, 5000);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(events.every((e) => e.type === "ADDED")).toBe(true);
  });
});
