import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker";
import { get, namespace, patch, post } from "./client";

type Node = { spec?: { taints?: { key: string; effect: string }[] }; status?: { conditions?: { type: string; status: string }[] } };
type Pod = { metadata: { name: string; uid: string; deletionTimestamp?: string }; spec: { nodeName?: string } };

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

/** A node whose agent renews its Lease (the node's own heartbeat is old, as with a real kubelet between status reports). */
async function registerNode(name: string): Promise<void> {
  const longAgo = Date.now() - 10 * 60_000;
  await post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(Date.now()) },
  });
  await post("/api/v1/nodes", {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name } },
    status: {
      allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
      capacity: { cpu: "4", memory: "8Gi", pods: "110" },
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", lastHeartbeatTime: iso(longAgo), lastTransitionTime: iso(longAgo) }],
    },
  });
}

const microTime = (ms: number) => new Date(ms).toISOString().replace("Z", "000Z");

async function fireCron(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("node lifecycle", () => {
  it("marks a node whose lease stopped, taints it, evicts its pods, and they come back elsewhere", async () => {
    await registerNode("lc-silent");
    await namespace("lc");
    await post("/apis/apps/v1/namespaces/lc/deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "app" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "lc" } },
        template: {
          metadata: { labels: { app: "lc" } },
          spec: {
            containers: [{ name: "c", image: "busybox" }],
            tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 }],
          },
        },
      },
    });
    const first = await eventually(() => get<{ items: Pod[] }>("/api/v1/namespaces/lc/pods"), (r) => r.body.items[0]?.spec.nodeName === "lc-silent");
    const original = first.body.items[0];

    // Its agent stops: the Lease was last renewed five minutes ago, past the 40 s grace period.
    await patch("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/lc-silent", { spec: { renewTime: microTime(Date.now() - 5 * 60_000) } }, "application/merge-patch+json");
    await fireCron(Date.now());
    const node = await eventually(
      () => get<Node>("/api/v1/nodes/lc-silent"),
      (r) => Boolean(r.body.spec?.taints?.some((t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute")),
    );
    expect(node.body.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("Unknown");

    await registerNode("lc-healthy");
    // The evicted pod stays Terminating until its node comes back (as in Kubernetes); its replacement runs elsewhere.
    const live = (r: { body: { items: Pod[] } }) => r.body.items.filter((p) => !p.metadata.deletionTimestamp);
    const replaced = await eventually(() => get<{ items: Pod[] }>("/api/v1/namespaces/lc/pods"), (r) => live(r).length === 1 && live(r)[0].spec.nodeName === "lc-healthy");
    expect(live(replaced)[0].metadata.uid).not.toBe(original.metadata.uid);
    expect(live(replaced)[0].spec.nodeName).toBe("lc-healthy");
    const evicted = replaced.body.items.find((p) => p.metadata.uid === original.metadata.uid);
    expect(evicted?.metadata.deletionTimestamp).toBeTruthy();
  });
});
