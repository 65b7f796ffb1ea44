import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { call, configMap, del, get, namespace, patch, post, put } from "./client";

type Obj = { metadata: Record<string, unknown>; [k: string]: unknown };

const deployment = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image: "nginx:1.7.9", ports: [{ containerPort: 80 }] }] } },
    ...extra,
  },
});

describe("access", () => {
  it("forbids anonymous requests beyond discovery and refuses unknown tokens", async () => {
    const res = await exports.default.fetch(new Request("http://edgeplane.test/api/v1/namespaces"));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ kind: "Status", reason: "Forbidden", code: 403, message: 'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope' });
    const bad = await exports.default.fetch(new Request("http://edgeplane.test/api/v1/namespaces", { headers: { authorization: "Bearer nope" } }));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
  });

  it("serves health without a token and version with one", async () => {
    expect((await exports.default.fetch(new Request("http://edgeplane.test/readyz"))).status).toBe(200);
    expect((await get("/version")).body).toMatchObject({ major: "1", minor: "32" });
  });
});

describe("namespaces", () => {
  it("has the system namespaces from the start", async () => {
    const r = await get<{ items: Obj[] }>("/api/v1/namespaces");
    const names = r.body.items.map((n) => n.metadata.name);
    expect(names).toEqual(expect.arrayContaining(["default", "kube-system", "kube-public", "kube-node-lease"]));
  });

  it("refuses to create in a missing namespace with 404", async () => {
    const r = await post("/api/v1/namespaces/nowhere/configmaps", configMap("x"));
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ reason: "NotFound", message: 'namespaces "nowhere" not found' });
  });
});

describe("create and get", () => {
  it("creates with defaults and server metadata", async () => {
    const r = await post<Obj>("/apis/apps/v1/namespaces/default/deployments", deployment("web"));
    expect(r.status).toBe(201);
    const spec = r.body.spec as Record<string, unknown>;
    expect(spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    expect(r.body.metadata).toMatchObject({ name: "web", namespace: "default", generation: 1 });
    expect(r.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const got = await get<Obj>("/apis/apps/v1/namespaces/default/deployments/web");
    expect(got.body.metadata.resourceVersion).toBe(r.body.metadata.resourceVersion);
  });

  it("answers AlreadyExists, NotFound and generateName as Kubernetes does", async () => {
    await post("/api/v1/namespaces/default/configmaps", configMap("dup"));
    const again = await post("/api/v1/namespaces/default/configmaps", configMap("dup"));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: "AlreadyExists", message: 'configmaps "dup" already exists', details: { name: "dup", kind: "configmaps" } });
    const missing = await get("/api/v1/namespaces/default/configmaps/absent");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: "NotFound", message: 'configmaps "absent" not found' });
    const generated = await post<Obj>("/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "gen-" } });
    expect(generated.status).toBe(201);
    expect(generated.body.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it("does not write on dryRun=All", async () => {
    const r = await post("/api/v1/namespaces/default/configmaps?dryRun=All", configMap("dry"));
    expect(r.status).toBe(201);
    expect((await get("/api/v1/namespaces/default/configmaps/dry")).status).toBe(404);
  });
});

describe("errors", () => {
  it("rejects malformed JSON and YAML with 400", async () => {
    const json = await call("POST", "/api/v1/namespaces/default/configmaps", "{not json", { "content-type": "application/json" });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ kind: "Status", reason: "BadRequest" });
    const yaml = await call("POST", "/api/v1/namespaces/default/configmaps", "a: [b", { "content-type": "application/yaml" });
    expect(yaml.status).toBe(400);
  });

  it("accepts YAML bodies", async () => {
    const r = await call("POST", "/api/v1/namespaces/default/configmaps", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: b\n", { "content-type": "application/yaml" });
    expect(r.status).toBe(201);
  });

  it("answers 415 for an unknown content type and 413 for a huge body", async () => {
    const r = await call("POST", "/api/v1/namespaces/default/configmaps", "x", { "content-type": "text/plain" });
    expect(r.status).toBe(415);
    const big = configMap("big", { blob: "x".repeat(4 * 1024 * 1024) });
    const tooBig = await post("/api/v1/namespaces/default/configmaps", big);
    expect(tooBig.status).toBe(413);
    expect((await get("/api/v1/namespaces/default/configmaps/big")).status).toBe(404);
  });

  it("lists every invalid field in a 422", async () => {
    const bad = deployment("Bad_Name");
    (bad.spec.template.metadata.labels as Record<string, string>).app = "other";
    const r = await post<{ details: { causes: { field: string }[] } }>("/apis/apps/v1/namespaces/default/deployments", bad);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ reason: "Invalid" });
    const fields = r.body.details.causes.map((c) => c.field);
    expect(fields).toContain("metadata.name");
    expect(fields).toContain("spec.template.metadata.labels");
  });

  it("handles unknown fields per fieldValidation", async () => {
    const body = { ...configMap("unknown-strict"), bogus: 1 };
    const strict = await post("/api/v1/namespaces/default/configmaps?fieldValidation=Strict", body);
    expect(strict.status).toBe(400);
    expect(String(strict.body.message)).toContain('unknown field "bogus"');
    const warn = await post<Obj>("/api/v1/namespaces/default/configmaps?fieldValidation=Warn", { ...body, metadata: { name: "unknown-warn" } });
    expect(warn.status).toBe(201);
    expect(warn.headers.get("warning")).toContain('unknown field \\"bogus\\"');
    expect(warn.body.bogus).toBeUndefined();
    const ignore = await post<Obj>("/api/v1/namespaces/default/configmaps?fieldValidation=Ignore", { ...body, metadata: { name: "unknown-ignore" } });
    expect(ignore.status).toBe(201);
    expect(ignore.headers.get("warning")).toBeNull();
  });

  it("keeps the selector immutable", async () => {
    await post("/apis/apps/v1/namespaces/default/deployments", deployment("immutable"));
    const cur = await get<ReturnType<typeof deployment> & Obj>("/apis/apps/v1/namespaces/default/deployments/immutable");
    const changed = structuredClone(cur.body);
    changed.spec.selector = { matchLabels: { app: "other" } };
    changed.spec.template.metadata.labels = { app: "other" };
    const r = await put<{ details: { causes: { field: string }[] } }>("/apis/apps/v1/namespaces/default/deployments/immutable", changed);
    expect(r.status).toBe(422);
    expect(r.body.details.causes.map((c) => c.field)).toContain("spec.selector");
  });
});

describe("update", () => {
  it("conflicts on a stale resourceVersion and bumps generation on spec changes only", async () => {
    const created = await post<ReturnType<typeof deployment> & Obj>("/apis/apps/v1/namespaces/default/deployments", deployment("gen"));
    const v1 = structuredClone(created.body);
    v1.spec.replicas = 3;
    const updated = await put<Obj>("/apis/apps/v1/namespaces/default/deployments/gen", v1);
    expect(updated.status).toBe(200);
    expect(updated.body.metadata.generation).toBe(2);
    const stale = await put("/apis/apps/v1/namespaces/default/deployments/gen", v1);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: "Conflict" });
    const labelled = structuredClone(updated.body);
    labelled.metadata.labels = { team: "a" };
    const relabelled = await put<Obj>("/apis/apps/v1/namespaces/default/deployments/gen", labelled);
    expect(relabelled.body.metadata.generation).toBe(2);
  });

  it("retries an update without a resourceVersion when another writer got in first, as Kubernetes' unconditional update does", async () => {
    await post("/api/v1/namespaces/default/configmaps", configMap("uncond", { writer: "none" }));
    const path = "/api/v1/namespaces/default/configmaps/uncond";
    // Twenty PUTs at once, none naming a resourceVersion: each reads, then writes over what it read.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => put<Obj>(path, configMap("uncond", { writer: String(i) }))));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    const revisions = new Set(results.map((r) => r.body.metadata.resourceVersion));
    expect(revisions.size).toBe(20);
  });

  it("writes status only through the status subresource", async () => {
    const created = await post<Obj>("/apis/apps/v1/namespaces/default/deployments", deployment("stat"));
    const withStatus = { ...created.body, status: { replicas: 7 } };
    const main = await put<Obj>("/apis/apps/v1/namespaces/default/deployments/stat", withStatus);
    expect(main.body.status).toEqual({});
    const status = await put<Obj>("/apis/apps/v1/namespaces/default/deployments/stat/status", { ...main.body, status: { replicas: 7 }, spec: { ...(main.body.spec as object), replicas: 9 } });
    expect(status.status).toBe(200);
    expect(status.body.status).toEqual({ replicas: 7 });
    expect((status.body.spec as { replicas: number }).replicas).toBe(2);
    expect(status.body.metadata.generation).toBe(1);
  });

  it("serves the scale subresource", async () => {
    await post("/apis/apps/v1/namespaces/default/deployments", deployment("scaled"));
    const scale = await get<Obj>("/apis/apps/v1/namespaces/default/deployments/scaled/scale");
    expect(scale.body).toMatchObject({ apiVersion: "autoscaling/v1", kind: "Scale", spec: { replicas: 2 } });
    const patched = await patch<Obj>("/apis/apps/v1/namespaces/default/deployments/scaled/scale", { spec: { replicas: 5 } }, "application/merge-patch+json");
    expect(patched.status).toBe(200);
    expect(patched.body.spec).toEqual({ replicas: 5 });
    const d = await get<Obj>("/apis/apps/v1/namespaces/default/deployments/scaled");
    expect((d.body.spec as { replicas: number }).replicas).toBe(5);
  });
});

describe("patch", () => {
  it("applies JSON, merge and strategic merge patches", async () => {
    await post("/apis/apps/v1/namespaces/default/deployments", deployment("patched"));
    const json = await patch<Obj>("/apis/apps/v1/namespaces/default/deployments/patched", [{ op: "replace", path: "/spec/replicas", value: 4 }], "application/json-patch+json");
    expect((json.body.spec as { replicas: number }).replicas).toBe(4);
    const merge = await patch<Obj>("/apis/apps/v1/namespaces/default/deployments/patched", { metadata: { labels: { a: "b" } } }, "application/merge-patch+json");
    expect(merge.body.metadata.labels).toEqual({ a: "b" });
    const smp = await patch<ReturnType<typeof deployment> & Obj>(
      "/apis/apps/v1/namespaces/default/deployments/patched",
      { spec: { template: { spec: { containers: [{ name: "sidecar", image: "busybox" }] } } } },
      "application/strategic-merge-patch+json",
    );
    expect(smp.status).toBe(200);
    // Without $setElementOrder, Kubernetes puts the patch's items first, then the server-only ones.
    expect(smp.body.spec.template.spec.containers.map((c) => c.name)).toEqual(["sidecar", "web"]);
    const unsupported = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/patched", "{}", { "content-type": "application/json" });
    expect(unsupported.status).toBe(415);
  });

  it("creates and conflicts with server-side apply", async () => {
    const path = "/apis/apps/v1/namespaces/default/deployments/ssa";
    const first = await call<Obj>("PATCH", `${path}?fieldManager=alice`, JSON.stringify(deployment("ssa")), { "content-type": "application/apply-patch+yaml" });
    expect(first.status).toBe(201);
    const bob = deployment("ssa", { replicas: 5 });
    const conflict = await call("PATCH", `${path}?fieldManager=bob`, JSON.stringify(bob), { "content-type": "application/apply-patch+yaml" });
    expect(conflict.status).toBe(409);
    const forced = await call<Obj>("PATCH", `${path}?fieldManager=bob&force=true`, JSON.stringify(bob), { "content-type": "application/apply-patch+yaml" });
    expect(forced.status).toBe(200);
    expect((forced.body.spec as { replicas: number }).replicas).toBe(5);
    expect((forced.body.metadata.managedFields as { manager: string }[]).map((m) => m.manager)).toEqual(expect.arrayContaining(["alice", "bob"]));
  });
});

describe("list", () => {
  it("filters by label and field selectors and pages with continue", async () => {
    await namespace("listing");
    for (let i = 0; i < 7; i++) {
      await post("/api/v1/namespaces/listing/configmaps", configMap(`cm-${i}`, {}, { labels: { parity: i % 2 ? "odd" : "even", n: String(i) } }));
    }
    const even = await get<{ items: Obj[] }>("/api/v1/namespaces/listing/configmaps?labelSelector=parity%3Deven");
    expect(even.body.items.map((o) => o.metadata.name)).toEqual(["cm-0", "cm-2", "cm-4", "cm-6"]);
    const setBased = await get<{ items: Obj[] }>("/api/v1/namespaces/listing/configmaps?labelSelector=" + encodeURIComponent("n in (1,2),parity!=odd"));
    expect(setBased.body.items.map((o) => o.metadata.name)).toEqual(["cm-2"]);
    const byName = await get<{ items: Obj[] }>("/api/v1/namespaces/listing/configmaps?fieldSelector=metadata.name%3Dcm-3");
    expect(byName.body.items.map((o) => o.metadata.name)).toEqual(["cm-3"]);
    const badField = await get("/api/v1/namespaces/listing/configmaps?fieldSelector=spec.nope%3Dx");
    expect(badField.status).toBe(400);
    const names: unknown[] = [];
    let token = "";
    let pages = 0;
    do {
      const page = await get<{ items: Obj[]; metadata: { continue?: string } }>(`/api/v1/namespaces/listing/configmaps?limit=3${token ? `&continue=${token}` : ""}`);
      names.push(...page.body.items.map((o) => o.metadata.name));
      token = page.body.metadata.continue ?? "";
      pages++;
    } while (token);
    expect(pages).toBe(3);
    // Every namespace holds kube-root-ca.crt, as in Kubernetes.
    expect(names).toEqual(["cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6", "kube-root-ca.crt"]);
    const garbage = await get("/api/v1/namespaces/listing/configmaps?limit=3&continue=garbage!");
    expect(garbage.status).toBe(400);
  });

  it("serves every continue page from the first page's revision", async () => {
    type Page = { items: Obj[]; metadata: { continue?: string; resourceVersion: string } };
    const names = (page: Page) => page.items.map((o) => o.metadata.name);
    const path = "/api/v1/namespaces/snapshot/configmaps";
    await namespace("snapshot");
    const created: Record<string, string> = {};
    for (const name of ["a-0", "a-1", "a-2", "a-3", "a-4", "a-5"]) {
      created[name] = (await post<Obj>(path, configMap(name, { v: "old" }))).body.metadata.resourceVersion as string;
    }
    const first = (await get<Page>(`${path}?limit=2`)).body;
    expect(names(first)).toEqual(["a-0", "a-1"]);
    // After the first page: a new object after the cursor, one not yet served changed, one deleted.
    expect((await post(path, configMap("a-1b"))).status).toBe(201);
    expect((await patch(`${path}/a-3`, { data: { v: "new" } }, "application/merge-patch+json")).status).toBe(200);
    expect((await del(`${path}/a-4`)).status).toBe(200);
    const second = (await get<Page>(`${path}?limit=2&continue=${first.metadata.continue}`)).body;
    expect(names(second)).toEqual(["a-2", "a-3"]);
    expect(second.items[1]).toMatchObject({ data: { v: "old" }, metadata: { resourceVersion: created["a-3"] } });
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const third = (await get<Page>(`${path}?limit=10&continue=${second.metadata.continue}`)).body;
    expect(names(third)).toEqual(["a-4", "a-5", "kube-root-ca.crt"]);
    expect(third.items[0]).toMatchObject({ data: { v: "old" }, metadata: { resourceVersion: created["a-4"] } });
    expect(third.metadata.continue).toBeUndefined();
    // A new list reads the present.
    const now = (await get<Page>(path)).body;
    expect(names(now)).toEqual(["a-0", "a-1", "a-1b", "a-2", "a-3", "a-5", "kube-root-ca.crt"]);
    expect(now.items[4]).toMatchObject({ data: { v: "new" } });
  });

  it("serves sealed Secrets on continue pages as they were", async () => {
    const path = "/api/v1/namespaces/snapshot/secrets";
    const secret = (name: string, value: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name }, stringData: { k: value } });
    await post(path, secret("s-0", "zero"));
    const rv = (await post<Obj>(path, secret("s-1", "one"))).body.metadata.resourceVersion;
    const first = (await get<{ items: Obj[]; metadata: { continue?: string } }>(`${path}?limit=1`)).body;
    expect((await patch(`${path}/s-1`, { stringData: { k: "changed" } }, "application/merge-patch+json")).status).toBe(200);
    const next = (await get<{ items: Obj[] }>(`${path}?limit=1&continue=${first.metadata.continue}`)).body;
    expect(next.items[0]).toMatchObject({ data: { k: btoa("one") }, metadata: { name: "s-1", resourceVersion: rv } });
  });

  it("lists across namespaces and renders Tables", async () => {
    const all = await get<{ items: Obj[] }>("/api/v1/configmaps");
    expect(new Set(all.body.items.map((o) => o.metadata.namespace)).size).toBeGreaterThan(1);
    const table = await get<{ kind: string; columnDefinitions: { name: string }[]; rows: unknown[] }>("/api/v1/namespaces/listing/configmaps", {
      accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
    });
    expect(table.body.kind).toBe("Table");
    expect(table.body.columnDefinitions.map((c) => c.name)).toEqual(["Name", "Data", "Age"]);
    expect(table.body.rows).toHaveLength(8);
  });
});

describe("delete", () => {
  it("deletes, honours preconditions and finalizers", async () => {
    const created = await post<Obj>("/api/v1/namespaces/default/configmaps", configMap("gone"));
    const wrongUid = await del("/api/v1/namespaces/default/configmaps/gone", { preconditions: { uid: "not-it" } });
    expect(wrongUid.status).toBe(409);
    const ok = await del("/api/v1/namespaces/default/configmaps/gone", { preconditions: { uid: created.body.metadata.uid } });
    expect(ok.status).toBe(200);
    expect((await get("/api/v1/namespaces/default/configmaps/gone")).status).toBe(404);

    await post("/api/v1/namespaces/default/configmaps", configMap("held", {}, { finalizers: ["example.com/hold"] }));
    const held = await del<Obj>("/api/v1/namespaces/default/configmaps/held");
    expect(held.status).toBe(200);
    expect(held.body.metadata.deletionTimestamp).toBeTruthy();
    const stillThere = await get<Obj>("/api/v1/namespaces/default/configmaps/held");
    expect(stillThere.status).toBe(200);
    const addFinalizer = await patch("/api/v1/namespaces/default/configmaps/held", { metadata: { finalizers: ["example.com/hold", "example.com/more"] } }, "application/merge-patch+json");
    expect(addFinalizer.status).toBe(422);
    const release = await patch("/api/v1/namespaces/default/configmaps/held", { metadata: { finalizers: null } }, "application/merge-patch+json");
    expect(release.status).toBe(200);
    expect((await get("/api/v1/namespaces/default/configmaps/held")).status).toBe(404);
  });

  it("deletes collections by selector", async () => {
    await namespace("sweep");
    for (const n of ["a", "b", "c"]) await post("/api/v1/namespaces/sweep/configmaps", configMap(n, {}, { labels: { sweep: n === "c" ? "no" : "yes" } }));
    const r = await del("/api/v1/namespaces/sweep/configmaps?labelSelector=sweep%3Dyes");
    expect(r.status).toBe(200);
    const left = await get<{ items: Obj[] }>("/api/v1/namespaces/sweep/configmaps");
    expect(left.body.items.map((o) => o.metadata.name)).toEqual(["c", "kube-root-ca.crt"]);
  });
});

describe("concurrency", () => {
  it("loses no update among 20 writers incrementing one counter 50 times each", async () => {
    await post("/api/v1/namespaces/default/configmaps", configMap("counter", { n: "0" }));
    const path = "/api/v1/namespaces/default/configmaps/counter";
    let conflicts = 0;
    async function writer(): Promise<void> {
      for (let i = 0; i < 50; ) {
        const cur = await get<Obj & { data: { n: string } }>(path);
        const next = { ...cur.body, data: { n: String(Number(cur.body.data.n) + 1) } };
        const r = await put(path, next);
        if (r.status === 200) {
          i++;
        } else if (r.status === 409) {
          // Back off with jitter as client-go's RetryOnConflict does, so writers stop colliding in lockstep.
          conflicts++;
          await new Promise((done) => setTimeout(done, Math.random() * 20));
        } else {
          throw new Error(`unexpected ${r.status}`);
        }
      }
    }
    await Promise.all(Array.from({ length: 20 }, writer));
    const final = await get<{ data: { n: string } }>(path);
    expect(final.body.data.n).toBe("1000");
    expect(conflicts).toBeGreaterThan(0);
  }, 120_000);
});
