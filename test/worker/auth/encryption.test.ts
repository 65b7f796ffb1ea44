// Secrets at rest: sealed in every D1 row that holds them (objects and changelog), readable
// through the API and watches, and re-encrypted under a new key with nothing left under the old.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { call, del, get, patch, post, put, watchEvents } from "../client";
import { codecFor } from "../../../src/auth/encryption/codec";
import { keyRing, parseKeyRing } from "../../../src/auth/encryption/keys";
import { reencryptSecrets } from "../../../src/auth/encryption/reencrypt";
import { Store } from "../../../src/store/store";
import { ok, type Obj } from "./helpers";

const VALUE = "s3cr3t-database-password-7f1c";
const b64 = (s: string) => btoa(s);

function secret(name: string, value: string) {
  return { apiVersion: "v1", kind: "Secret", metadata: { name, annotations: { note: "plain" } }, stringData: { password: value } };
}

/** Every text cell of every table in the database, as one string. */
async function everything(): Promise<string> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  const dumps: string[] = [];
  for (const { name } of tables.results) dumps.push(JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results));
  return dumps.join("\n");
}

describe("secret data in errors", () => {
  it("is not echoed by decode, patch or validation errors", async () => {
    const value = "hunter2-leak-check";
    const broken = await call("POST", "/api/v1/namespaces/default/secrets", `{"data":{"password":"${btoa(value)}"`, { "content-type": "application/json" });
    expect(broken.status).toBe(400);
    expect(JSON.stringify(broken.body)).not.toContain(btoa(value).slice(0, 8));
    expect(broken.body).toMatchObject({ message: "the object provided is unrecognized (must be of type Secret): <secret contents redacted>" });
    await ok(post("/api/v1/namespaces/default/secrets", secret("patched", "x")));
    const badPatch = await patch("/api/v1/namespaces/default/secrets/patched", `{"stringData":{"password":"${value}"`, "application/merge-patch+json");
    expect(badPatch.status).toBe(400);
    expect(JSON.stringify(badPatch.body)).not.toContain(value);
    const badBase64 = await post("/api/v1/namespaces/default/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "b64" }, data: { password: `${value}!` } });
    expect(badBase64.status).toBe(422);
    expect(JSON.stringify(badBase64.body)).not.toContain(value);
  });
});

describe("secrets at rest", () => {
  it("keep the value out of every D1 table, and still read back", async () => {
    const created = await ok(post<Obj>("/api/v1/namespaces/default/secrets", secret("db", VALUE)));
    expect((created.data as Record<string, string>).password).toBe(b64(VALUE));
    // An update and a server-side apply (last-applied annotations carry the data too).
    await ok(put("/api/v1/namespaces/default/secrets/db", { ...created, data: { password: b64(`${VALUE}-2`) } }), 200);
    await ok(
      post("/api/v1/namespaces/default/secrets?fieldManager=kubectl-client-side-apply", {
        ...secret("applied", VALUE),
        metadata: { name: "applied", annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(secret("applied", VALUE)) } },
      }),
    );
    const got = await get<Obj>("/api/v1/namespaces/default/secrets/db");
    expect((got.body.data as Record<string, string>).password).toBe(b64(`${VALUE}-2`));
    const dump = await everything();
    for (const needle of [VALUE, b64(VALUE), b64(`${VALUE}-2`), "last-applied-configuration"]) expect(dump, needle).not.toContain(needle);
    const rows = await env.DB.prepare("SELECT data FROM objects WHERE resource = 'secrets' UNION ALL SELECT data FROM changelog WHERE resource = 'secrets'").all<{ data: string }>();
    expect(rows.results.length).toBeGreaterThanOrEqual(4);
    for (const r of rows.results) expect(r.data).toMatch(/^enc:aesgcm:v1:test1:/);
  });

  it("reach watchers decrypted", async () => {
    const events = watchEvents("/api/v1/namespaces/default/secrets?watch=true&fieldSelector=metadata.name%3Dwatched", 1, 5000);
    await new Promise((r) => setTimeout(r, 200));
    await ok(post("/api/v1/namespaces/default/secrets", secret("watched", VALUE)));
    const [event] = await events;
    expect(event.type).toBe("ADDED");
    expect((event.object.data as Record<string, string>).password).toBe(b64(VALUE));
  });

  it("cannot be moved between rows: the name is authenticated", async () => {
    await ok(post("/api/v1/namespaces/default/secrets", secret("one", "a")));
    await ok(post("/api/v1/namespaces/default/secrets", secret("two", "b")));
    const one = await env.DB.prepare("SELECT data FROM objects WHERE resource = 'secrets' AND name = 'one'").first<{ data: string }>();
    await env.DB.prepare("UPDATE objects SET data = ? WHERE resource = 'secrets' AND name = 'two'").bind(one!.data).run();
    const read = await get("/api/v1/namespaces/default/secrets/two");
    expect(read.status).toBe(500);
    expect(JSON.stringify(read.body)).not.toContain(b64("a"));
    await env.DB.prepare("DELETE FROM objects WHERE resource = 'secrets' AND name = 'two'").run();
  });

  it("are re-encrypted under a new key, and none remain under the old one", async () => {
    for (let i = 0; i < 5; i++) await ok(post("/api/v1/namespaces/default/secrets", secret(`rotate-${i}`, `${VALUE}-${i}`)));
    await del("/api/v1/namespaces/default/secrets/rotate-4");
    const old = (await keyRing(env.ENCRYPTION_KEYS))!;
    const newKey = `k2:${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
    const rotated = (await parseKeyRing(`${newKey},${env.ENCRYPTION_KEYS}`))!;
    expect(rotated.current.id).toBe("k2");
    // Before: everything is under the old key and nothing under the new one.
    const before = await reencryptSecrets(env.DB, old, 0);
    expect(before).toMatchObject({ rewritten: 0, stale: 0, currentKey: "test1" });
    const report = await reencryptSecrets(env.DB, rotated, 3);
    expect(report.rewritten).toBe(3);
    expect(report.stale).toBeGreaterThan(0);
    let last = report;
    while (last.stale > 0) last = await reencryptSecrets(env.DB, rotated);
    expect(last.stale).toBe(0);
    const rows = await env.DB.prepare("SELECT data FROM objects WHERE resource = 'secrets' UNION ALL SELECT data FROM changelog WHERE resource = 'secrets'").all<{ data: string }>();
    for (const r of rows.results) expect(r.data).toMatch(/^enc:aesgcm:v1:k2:/);
    // With the old key gone, every Secret still reads back (objects and the changelog).
    const onlyNew = await parseKeyRing(newKey);
    const store = new Store(env.DB, { codec: codecFor(async () => onlyNew) });
    for (let i = 0; i < 4; i++) {
      const s = await store.get({ resource: "secrets", namespace: "default", name: `rotate-${i}` });
      expect((s?.data as Record<string, string>).password).toBe(b64(`${VALUE}-${i}`));
    }
    const { changes } = await store.changes("secrets", 0, 1000);
    expect(changes.some((c) => c.type === "DELETED" && c.object.metadata.name === "rotate-4")).toBe(true);
    // Rotating back leaves the database as the Worker's own key expects it.
    const back = (await parseKeyRing(`${env.ENCRYPTION_KEYS},${newKey}`))!;
    while ((await reencryptSecrets(env.DB, back)).stale > 0);
    // Without any key the store refuses rather than writing plaintext.
    const keyless = new Store(env.DB);
    await expect(keyless.create("secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "plain", namespace: "default", uid: "x" } })).rejects.toThrow(/encrypted/);
  });

  it("report through the admin endpoint, which only cluster admins reach", async () => {
    const r = await post<{ stale: number; currentKey: string }>("/admin/secrets/reencrypt", {});
    expect(r.status).toBe(200);
    expect(r.body.currentKey).toBe("test1");
  });
});
