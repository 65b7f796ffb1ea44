import { describe, expect, it } from "vitest";
import { del, get, namespace, patch, post } from "./client";

type Obj = { metadata: { name: string; uid: string; resourceVersion: string; ownerReferences?: { uid: string; name: string }[]; finalizers?: string[]; deletionTimestamp?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

const deployment = (name: string, replicas = 2) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image: "nginx:1.7.9" }] } },
  },
});

async function list(path: string): Promise<Obj[]> {
  return (await get<{ items: Obj[] }>(path)).body.items;
}

/** Play the kubelet: mark every pod of the namespace Running and Ready. */
async function readyAll(ns: string): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  for (const pod of await list(`/api/v1/namespaces/${ns}/pods`)) {
    const status = { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }, { type: "ContainersReady", status: "True", lastTransitionTime: now }] };
    await patch(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/status`, { status }, "application/merge-patch+json");
  }
}

describe("deployment and replicaset controllers", () => {
  it("roll a Deployment out to a ReplicaSet and its pods, and report availability", async () => {
    await namespace("ctl-deploy");
    await post("/apis/apps/v1/namespaces/ctl-deploy/deployments", deployment("web"));
    const pods = await eventually(() => list("/api/v1/namespaces/ctl-deploy/pods"), (p) => p.length === 2);
    expect(pods).toHaveLength(2);
    const [rs] = await list("/apis/apps/v1/namespaces/ctl-deploy/replicasets");
    expect(rs.metadata.name).toMatch(/^web-[a-z0-9]+$/);
    expect(pods.every((p) => p.metadata.ownerReferences?.[0].uid === rs.metadata.uid)).toBe(true);
    await readyAll("ctl-deploy");
    const d = await eventually(
      () => get<Obj>("/apis/apps/v1/namespaces/ctl-deploy/deployments/web"),
      (r) => r.body.status?.availableReplicas === 2,
    );
    expect(d.body.status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
  });

  it("announces a large ReplicaSet's pods in few Events, counted as Kubernetes' recorder combines them", async () => {
    await namespace("ctl-events");
    await post("/apis/apps/v1/namespaces/ctl-events/deployments", deployment("many", 40));
    await eventually(() => list("/api/v1/namespaces/ctl-events/pods"), (p) => p.length === 40, 15000);
    type Event = { reason: string; message: string; count: number; involvedObject: { kind: string } };
    const created = async () => (await get<{ items: Event[] }>("/api/v1/namespaces/ctl-events/events")).body.items.filter((e) => e.reason === "SuccessfulCreate" && e.involvedObject.kind === "ReplicaSet");
    const events = await eventually(created, (es) => es.reduce((n, e) => n + e.count, 0) === 40);
    // Slow start: batches of 1, 2, 4, 8 are told pod by pod; of the 25 that follow, nine, then one combined Event.
    expect(events.reduce((n, e) => n + e.count, 0)).toBe(40);
    expect(events.length).toBeLessThan(40);
    expect(events.filter((e) => e.message.startsWith("(combined from similar events): Created pod: many-"))).toHaveLength(1);
  });

  it("rolls a Recreate Deployment's pods over to a new template", async () => {
    await namespace("ctl-recreate");
    await post("/apis/apps/v1/namespaces/ctl-recreate/deployments", { ...deployment("re", 2), spec: { ...deployment("re", 2).spec, strategy: { type: "Recreate" } } });
    const first = await eventually(() => list("/api/v1/namespaces/ctl-recreate/pods"), (p) => p.length === 2);
    await readyAll("ctl-recreate");
    const image = { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.9.1" }] } } } };
    await patch("/apis/apps/v1/namespaces/ctl-recreate/deployments/re", image, "application/merge-patch+json");
    const old = new Set(first.map((p) => p.metadata.uid));
    const after = await eventually(() => list("/api/v1/namespaces/ctl-recreate/pods"), (p) => p.length === 2 && p.every((x) => !old.has(x.metadata.uid)));
    expect(after.every((x) => !old.has(x.metadata.uid))).toBe(true);
    const [rs] = (await list("/apis/apps/v1/namespaces/ctl-recreate/replicasets")).filter((r) => (r.spec as { replicas: number }).replicas === 2);
    expect(after.every((x) => x.metadata.ownerReferences?.[0].uid === rs.metadata.uid)).toBe(true);
  });

  it("scale to zero and back", async () => {
    await namespace("ctl-scale");
    await post("/apis/apps/v1/namespaces/ctl-scale/deployments", deployment("s", 3));
    await eventually(() => list("/api/v1/namespaces/ctl-scale/pods"), (p) => p.length === 3);
    await patch("/apis/apps/v1/namespaces/ctl-scale/deployments/s/scale", { spec: { replicas: 0 } }, "application/merge-patch+json");
    expect(await eventually(() => list("/api/v1/namespaces/ctl-scale/pods"), (p) => p.length === 0)).toHaveLength(0);
    await patch("/apis/apps/v1/namespaces/ctl-scale/deployments/s/scale", { spec: { replicas: 2 } }, "application/merge-patch+json");
    expect(await eventually(() => list("/api/v1/namespaces/ctl-scale/pods"), (p) => p.length === 2)).toHaveLength(2);
  });

  it("collects dependents with each propagation policy", async () => {
    await namespace("ctl-gc");
    for (const name of ["bg", "fg", "orphan"]) await post("/apis/apps/v1/namespaces/ctl-gc/deployments", deployment(name, 1));
    await eventually(() => list("/api/v1/namespaces/ctl-gc/pods"), (p) => p.length === 3);

    await del("/apis/apps/v1/namespaces/ctl-gc/deployments/bg", { propagationPolicy: "Background" });
    await eventually(() => list("/api/v1/namespaces/ctl-gc/pods?labelSelector=app%3Dbg"), (p) => p.length === 0);
    expect(await list("/apis/apps/v1/namespaces/ctl-gc/replicasets?labelSelector=app%3Dbg")).toHaveLength(0);

    const fg = await del<Obj>("/apis/apps/v1/namespaces/ctl-gc/deployments/fg", { propagationPolicy: "Foreground" });
    expect(fg.body.metadata.finalizers).toContain("foregroundDeletion");
    const gone = await eventually(() => get("/apis/apps/v1/namespaces/ctl-gc/deployments/fg"), (r) => r.status === 404);
    expect(gone.status).toBe(404);
    expect(await list("/api/v1/namespaces/ctl-gc/pods?labelSelector=app%3Dfg")).toHaveLength(0);

    await del("/apis/apps/v1/namespaces/ctl-gc/deployments/orphan", { propagationPolicy: "Orphan" });
    await eventually(() => get("/apis/apps/v1/namespaces/ctl-gc/deployments/orphan"), (r) => r.status === 404);
    const [orphanRs] = await list("/apis/apps/v1/namespaces/ctl-gc/replicasets?labelSelector=app%3Dorphan");
    expect(orphanRs.metadata.ownerReferences).toBeUndefined();
    expect(await list("/api/v1/namespaces/ctl-gc/pods?labelSelector=app%3Dorphan")).toHaveLength(1);
  });

  it("empties a terminating namespace, then removes it", async () => {
    await namespace("ctl-ns");
    await post("/apis/apps/v1/namespaces/ctl-ns/deployments", deployment("n", 2));
    await eventually(() => list("/api/v1/namespaces/ctl-ns/pods"), (p) => p.length === 2);
    const deleting = await del<Obj>("/api/v1/namespaces/ctl-ns");
    expect(deleting.body.status).toMatchObject({ phase: "Terminating" });
    const refused = await post("/api/v1/namespaces/ctl-ns/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "late" } });
    expect(refused.status).toBe(403);
    const gone = await eventually(() => get("/api/v1/namespaces/ctl-ns"), (r) => r.status === 404, 15000);
    expect(gone.status).toBe(404);
  });
});
