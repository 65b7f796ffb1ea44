import { createExecutionContext, createScheduledController, evictDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker";
import { backoffMs, paceMs } from "../../src/controllers/reconciler";
import { targetName, type ReconcileTarget } from "../../src/controllers/targets";
import { Store } from "../../src/store/store";
import { get, namespace, patch, post } from "./client";

type Obj = { metadata: { name: string; uid: string; generation?: number }; status?: Record<string, unknown> };

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

const replicaSet = (name: string, replicas: number) => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { rs: name.slice(0, 60) } }, template: { metadata: { labels: { rs: name.slice(0, 60) } }, spec: { containers: [{ name: "c", image: "busybox" }] } } },
});

const reconciler = (t: ReconcileTarget) => env.RECONCILER.get(env.RECONCILER.idFromName(targetName(t)));
const pods = async (ns: string) => (await get<{ items: Obj[] }>(`/api/v1/namespaces/${ns}/pods`)).body.items;

describe("reconciler plumbing", () => {
  it("backs off exponentially from 5 ms to 1,000 s", () => {
    expect([1, 2, 3, 10].map(backoffMs)).toEqual([5, 10, 20, 2560]);
    expect(backoffMs(40)).toBe(1_000_000);
  });

  it("paces passes by the last one's duration: three times it, at most a second", () => {
    expect([0, 1, 20, 400].map(paceMs)).toEqual([0, 3, 60, 1_000]);
  });

  it("coalesces triggers during a pass into at most one more pass", async () => {
    await namespace("rc-coalesce");
    await post("/apis/apps/v1/namespaces/rc-coalesce/replicasets", replicaSet("many", 3));
    await eventually(() => pods("rc-coalesce"), (p) => p.length === 3);
    const target: ReconcileTarget = { type: "object", resource: "apps/replicasets", namespace: "rc-coalesce", name: "many" };
    const before = await reconciler(target).stats();
    await Promise.all(Array.from({ length: 20 }, () => reconciler(target).trigger(target)));
    const after = await reconciler(target).stats();
    expect(after.passes - before.passes).toBeLessThanOrEqual(2);
  });

  it("writes nothing on a converged pass", async () => {
    await namespace("rc-quiet");
    await post("/apis/apps/v1/namespaces/rc-quiet/replicasets", replicaSet("quiet", 2));
    // Converged: both pods made and counted (recounts are written at most twice a second).
    await eventually(() => get<Obj>("/apis/apps/v1/namespaces/rc-quiet/replicasets/quiet"), (r) => r.body.status?.replicas === 2);
    const target: ReconcileTarget = { type: "object", resource: "apps/replicasets", namespace: "rc-quiet", name: "quiet" };
    await reconciler(target).trigger(target);
    const store = new Store(env.DB);
    const revision = await store.revision();
    await reconciler(target).trigger(target);
    expect(await store.revision()).toBe(revision);
    expect((await reconciler(target).stats()).alarm).toBeNull();
  });

  it("drops the alarm an earlier pass set once a pass converges", async () => {
    await namespace("rc-deadline");
    const deployment = { ...replicaSet("deadline", 1), apiVersion: "apps/v1", kind: "Deployment" };
    await post("/apis/apps/v1/namespaces/rc-deadline/deployments", deployment);
    const target: ReconcileTarget = { type: "object", resource: "apps/deployments", namespace: "rc-deadline", name: "deadline" };
    // No node runs the pod: the rollout progresses, with an alarm at its progress deadline.
    expect((await eventually(() => reconciler(target).stats(), (s) => s.alarm !== null)).alarm).not.toBeNull();
    await patch("/apis/apps/v1/namespaces/rc-deadline/deployments/deadline", { spec: { replicas: 0 } }, "application/merge-patch+json");
    const settled = await eventually(() => reconciler(target).stats(), (s) => s.alarm === null);
    expect(settled.alarm).toBeNull();
  });

  it("backs off with an alarm when a pass fails, and reports the failure", async () => {
    await namespace("rc-fail");
    // Pods of a ReplicaSet with a 250-character name get names over 253 characters: every create is refused.
    const name = "x".repeat(250);
    await post("/apis/apps/v1/namespaces/rc-fail/replicasets", replicaSet(name, 1));
    const target: ReconcileTarget = { type: "object", resource: "apps/replicasets", namespace: "rc-fail", name };
    const stats = await eventually(() => reconciler(target).stats(), (s) => s.failures >= 1 && s.alarm !== null);
    expect(stats.failures).toBeGreaterThanOrEqual(1);
    expect(stats.alarm).not.toBeNull();
    const rs = await eventually(
      () => get<Obj>(`/apis/apps/v1/namespaces/rc-fail/replicasets/${name}`),
      (r) => JSON.stringify(r.body.status ?? {}).includes("ReplicaFailure"),
    );
    expect(JSON.stringify(rs.body.status)).toContain("FailedCreate");
  });

  it("converges after being aborted mid-pass, without doubling anything", async () => {
    await namespace("rc-abort");
    await post("/apis/apps/v1/namespaces/rc-abort/replicasets", replicaSet("abort", 6));
    const target: ReconcileTarget = { type: "object", resource: "apps/replicasets", namespace: "rc-abort", name: "abort" };
    await evictDurableObject(reconciler(target)).catch(() => {});
    await reconciler(target).trigger(target);
    const settled = await eventually(() => pods("rc-abort"), (p) => p.length === 6);
    expect(settled).toHaveLength(6);
    await new Promise((r) => setTimeout(r, 500));
    expect(await pods("rc-abort")).toHaveLength(6);
  });

  it("is resynced by the cron when a trigger was lost", async () => {
    await namespace("rc-resync");
    // Written straight to the store, with no commit hook: nothing is woken.
    const created = await new Store(env.DB).create("apps/replicasets", {
      ...replicaSet("lost", 2),
      metadata: { name: "lost", namespace: "rc-resync", uid: crypto.randomUUID(), generation: 1, creationTimestamp: new Date().toISOString() },
      status: {},
    });
    expect(created.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(await pods("rc-resync")).toHaveLength(0);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await eventually(() => pods("rc-resync"), (p) => p.length === 2)).toHaveLength(2);
    await patch("/apis/apps/v1/namespaces/rc-resync/replicasets/lost/scale", { spec: { replicas: 1 } }, "application/merge-patch+json");
    expect(await eventually(() => pods("rc-resync"), (p) => p.length === 1)).toHaveLength(1);
  });

  it("expires Events an hour after they were last seen", async () => {
    const event = (name: string, at: number) => ({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name },
      involvedObject: { kind: "Pod", namespace: "default", name: "p" },
      reason: "Test",
      message: "m",
      type: "Normal",
      firstTimestamp: new Date(at).toISOString().replace(/\.\d+Z$/, "Z"),
      lastTimestamp: new Date(at).toISOString().replace(/\.\d+Z$/, "Z"),
      count: 1,
    });
    expect((await post("/api/v1/namespaces/default/events", event("old", Date.now() - 2 * 3600_000))).status).toBe(201);
    expect((await post("/api/v1/namespaces/default/events", event("recent", Date.now() - 60_000))).status).toBe(201);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await get("/api/v1/namespaces/default/events/old")).status).toBe(404);
    expect((await get("/api/v1/namespaces/default/events/recent")).status).toBe(200);
  });
});
