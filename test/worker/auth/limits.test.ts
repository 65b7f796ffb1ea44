// Audit records and rate limiting.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { AuditLog, type AuditRecord } from "../../../src/auth/audit";
import { get, post } from "../client";
import { as, namespaceOnce, ok, serviceAccountToken } from "./helpers";

type Audit = { items: { id: number; username: string; groups: string[]; verb: string; resource: string; namespace: string; name: string; code: number; path: string }[] };

describe("audit", () => {
  it("records every change and every denial, never a Secret's payload, for admins to read", async () => {
    await namespaceOnce("audited");
    const value = "audit-me-not-0xdeadbeef";
    await ok(post("/api/v1/namespaces/audited/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "creds" }, stringData: { password: value } }));
    const token = await serviceAccountToken("audited", "snoop");
    expect((await as(token).get("/api/v1/namespaces/audited/secrets/creds")).status).toBe(403);
    expect((await as("nope.0123456789abcdef").get("/api/v1/pods")).status).toBe(401);
    await get("/api/v1/namespaces/audited/secrets/creds"); // a read: not audited
    // Records are written after the response, gathered into batches: the last one is the 401.
    const log = await vi.waitFor(
      async () => {
        const log = await ok(get<Audit>("/admin/audit?limit=50"), 200);
        expect(log.items.some((i) => i.code === 401)).toBe(true);
        return log;
      },
      { timeout: 5_000, interval: 50 },
    );
    const created = log.items.find((i) => i.verb === "create" && i.resource === "secrets" && i.name === "" && i.namespace === "audited");
    expect(created).toMatchObject({ username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"], code: 201, path: "/api/v1/namespaces/audited/secrets" });
    expect(log.items.find((i) => i.code === 403 && i.name === "creds")).toMatchObject({ username: "system:serviceaccount:audited:snoop", verb: "get", resource: "secrets", namespace: "audited" });
    expect(log.items.find((i) => i.code === 401)).toMatchObject({ username: "", verb: "list", resource: "pods" });
    expect(log.items.some((i) => i.verb === "get" && i.code === 200)).toBe(false);
    expect(JSON.stringify(log)).not.toContain(value);
    expect(JSON.stringify(log)).not.toContain(btoa(value));
    const older = await ok(get<Audit>(`/admin/audit?limit=1&before=${log.items[0].id}`), 200);
    expect(older.items[0].id).toBeLessThan(log.items[0].id);
    expect((await as(token).get("/admin/audit")).status).toBe(403);
  });

  it("writes a burst of records in one batch, every field intact", async () => {
    const log = new AuditLog(env.DB, 3_600_000);
    const time = Date.now();
    const records: AuditRecord[] = Array.from({ length: 1_201 }, (_, i) => ({
      time,
      username: `burst-${i}`,
      groups: ["g1", `g"${i}`],
      verb: "patch",
      apiGroup: "apps",
      resource: "deployments",
      subresource: "status",
      namespace: "burst",
      name: `d${i}`,
      path: `/apis/apps/v1/namespaces/burst/deployments/d${i}/status`,
      code: 200 + (i % 3),
      sourceIp: "127.0.0.1",
      userAgent: "it's \\ a test",
    }));
    await log.write(records);
    const read = (await log.list({ limit: 2_000, since: time - 1 })).filter((r) => r.namespace === "burst");
    expect(read).toHaveLength(records.length);
    const byName = new Map(read.map(({ id: _id, ...r }) => [r.name, r]));
    for (const r of records) expect(byName.get(r.name)).toEqual(r);
  });
});

describe("rate limiting", () => {
  it("answers 429 with Retry-After once an identity has used its burst, and spares cluster admins", async () => {
    await namespaceOnce("limited");
    const token = await serviceAccountToken("limited", "chatty");
    const client = as(token);
    // At once, so the bucket (burst 200, refilled at 50/s) cannot keep up.
    const replies = await Promise.all(Array.from({ length: 320 }, () => client.get("/version")));
    expect(replies.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    const limited = replies.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(200);
    expect(limited!.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(limited!.body).toMatchObject({ kind: "Status", reason: "TooManyRequests", code: 429, message: "Too many requests, please try again later.", details: { retryAfterSeconds: Number(limited!.headers.get("retry-after")) } });
    // Another identity is not affected; cluster admins are never limited.
    expect((await as(await serviceAccountToken("limited", "quiet")).get("/version")).status).toBe(200);
    for (let i = 0; i < 250; i++) expect((await get("/version")).status).toBe(200);
  });
  it("keeps one bucket per identity for the cluster: tokens another isolate leased are gone here too", async () => {
    await namespaceOnce("limited");
    const token = await serviceAccountToken("limited", "elsewhere");
    // Another isolate serving this identity takes the whole burst from its bucket...
    const bucket = env.RATE_LIMITS.get(env.RATE_LIMITS.idFromName("user:system:serviceaccount:limited:elsewhere"));
    expect((await bucket.lease(1_000, { qps: 50, burst: 200 })).granted).toBe(200);
    // ...and this isolate, which has served it nothing yet, is refused.
    const reply = await as(token).get("/version");
    expect(reply.status).toBe(429);
    expect(Number(reply.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});
