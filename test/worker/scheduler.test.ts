import { describe, expect, it } from "vitest";
import { get, namespace, post } from "./client";

type Pod = { metadata: { name: string }; spec: { nodeName?: string }; status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } };

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

function node(name: string, cpu: string, labels: Record<string, string> = {}) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    status: {
      capacity: { cpu, memory: "8Gi", pods: "110" },
      allocatable: { cpu, memory: "8Gi", pods: "110" },
      conditions: [{ type: "Ready", status: "True", lastHeartbeatTime: now, lastTransitionTime: now, reason: "KubeletReady", message: "ready" }],
    },
  };
}

const pod = (name: string, cpu: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "c", image: "busybox", resources: { requests: { cpu } } }], ...extra },
});

describe("scheduler", () => {
  it("binds pending pods to nodes that fit, spread, and explains the ones that fit nowhere", async () => {
    for (const n of ["sched-a", "sched-b"]) {
      const created = await post("/api/v1/nodes", node(n, "2"));
      expect(created.status).toBe(201);
    }
    await namespace("sched");
    for (let i = 0; i < 4; i++) await post("/api/v1/namespaces/sched/pods", pod(`small-${i}`, "500m"));
    const pods = await eventually(
      () => get<{ items: Pod[] }>("/api/v1/namespaces/sched/pods"),
      (r) => r.body.items.length === 4 && r.body.items.every((p) => p.spec.nodeName),
    );
    const nodes = pods.body.items.map((p) => p.spec.nodeName);
    expect(new Set(nodes)).toEqual(new Set(["sched-a", "sched-b"]));
    const scheduled = pods.body.items[0].status?.conditions?.find((c) => c.type === "PodScheduled");
    expect(scheduled?.status).toBe("True");

    await post("/api/v1/namespaces/sched/pods", pod("huge", "64"));
    const huge = await eventually(
      () => get<Pod>("/api/v1/namespaces/sched/pods/huge"),
      (r) => Boolean(r.body.status?.conditions?.some((c) => c.reason === "Unschedulable")),
    );
    const condition = huge.body.status?.conditions?.find((c) => c.type === "PodScheduled");
    expect(condition).toMatchObject({ status: "False", reason: "Unschedulable" });
    expect(condition?.message).toMatch(/^0\/\d+ nodes are available: \d+ Insufficient cpu\.$/);
    const events = await get<{ items: { reason: string; message: string }[] }>("/api/v1/namespaces/sched/events?fieldSelector=involvedObject.name%3Dhuge");
    expect(events.body.items.map((e) => e.reason)).toContain("FailedScheduling");

    await post("/api/v1/nodes", node("sched-big", "128"));
    const placed = await eventually(() => get<Pod>("/api/v1/namespaces/sched/pods/huge"), (r) => r.body.spec.nodeName === "sched-big");
    expect(placed.body.spec.nodeName).toBe("sched-big");
  });

  it("honours nodeSelector", async () => {
    await post("/api/v1/nodes", node("sched-gpu", "4", { accelerator: "yes" }));
    await namespace("sched-sel");
    await post("/api/v1/namespaces/sched-sel/pods", pod("picky", "100m", { nodeSelector: { accelerator: "yes" } }));
    const placed = await eventually(() => get<Pod>("/api/v1/namespaces/sched-sel/pods/picky"), (r) => Boolean(r.body.spec.nodeName));
    expect(placed.body.spec.nodeName).toBe("sched-gpu");
  });

  it("leaves pods that name another scheduler alone: no binding, no status, no Event", async () => {
    await namespace("sched-other");
    await post("/api/v1/namespaces/sched-other/pods", pod("theirs", "64", { schedulerName: "someone-else" }));
    // A pod for this scheduler that fits nowhere, written after the other: once it is reported, the other was passed over.
    await post("/api/v1/namespaces/sched-other/pods", pod("ours", "64"));
    await eventually(
      () => get<Pod>("/api/v1/namespaces/sched-other/pods/ours"),
      (r) => Boolean(r.body.status?.conditions?.some((c) => c.reason === "Unschedulable")),
    );
    const theirs = await get<Pod>("/api/v1/namespaces/sched-other/pods/theirs");
    expect(theirs.body.spec.nodeName).toBeUndefined();
    expect(theirs.body.status?.conditions).toBeUndefined();
    const events = await get<{ items: unknown[] }>("/api/v1/namespaces/sched-other/events?fieldSelector=involvedObject.name%3Dtheirs");
    expect(events.body.items).toEqual([]);
  });

  it("binds through the binding subresource and refuses a second binding", async () => {
    await namespace("sched-bind");
    await post("/api/v1/namespaces/sched-bind/pods", pod("manual", "100m", { schedulerName: "someone-else" }));
    const first = await post("/api/v1/namespaces/sched-bind/pods/manual/binding", { apiVersion: "v1", kind: "Binding", metadata: { name: "manual" }, target: { kind: "Node", name: "sched-a" } });
    expect(first.status).toBe(201);
    const second = await post("/api/v1/namespaces/sched-bind/pods/manual/binding", { apiVersion: "v1", kind: "Binding", metadata: { name: "manual" }, target: { kind: "Node", name: "sched-b" } });
    expect(second.status).toBe(409);
    expect((await get<Pod>("/api/v1/namespaces/sched-bind/pods/manual")).body.spec.nodeName).toBe("sched-a");
  });
});
