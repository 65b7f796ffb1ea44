// The DaemonSet controller in workerd: nodes are played by Node objects, the kubelet by the test
// (pod status patches, and removing pods it was told to stop).
import { describe, expect, it } from "vitest";
import { del, get, namespace, patch, post } from "./client";

interface Obj {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { nodeName?: string; containers?: { image: string }[]; [k: string]: unknown };
  status?: Record<string, unknown>;
  revision?: number;
}

const NS = "ds";
const PODS = `/api/v1/namespaces/${NS}/pods`;
const DS = `/apis/apps/v1/namespaces/${NS}/daemonsets`;

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

function node(name: string, labels: Record<string, string> = {}, taints: { key: string; value?: string; effect: string }[] = []) {
  const t = now();
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    spec: { taints },
    status: {
      capacity: { cpu: "4", memory: "8Gi", pods: "110" },
      allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
      conditions: [{ type: "Ready", status: "True", lastHeartbeatTime: t, lastTransitionTime: t, reason: "KubeletReady", message: "ready" }],
    },
  };
}

function daemonSet(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image: "agent:1" }], ...extra } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
    },
  };
}

async function pods(app: string): Promise<Obj[]> {
  return (await get<{ items: Obj[] }>(`${PODS}?labelSelector=app%3D${app}`)).body.items;
}

const live = (list: Obj[]) => list.filter((p) => !p.metadata.deletionTimestamp);
const nodesOf = (list: Obj[]) => live(list).map((p) => p.spec?.nodeName ?? "").sort();

/** The kubelet's share: bound pods run and turn ready; pods being deleted are stopped and removed. */
async function kubelet(app: string): Promise<void> {
  for (const pod of await pods(app)) {
    if (pod.metadata.deletionTimestamp) {
      await del(`${PODS}/${pod.metadata.name}`, { gracePeriodSeconds: 0 });
    } else if (pod.spec?.nodeName && pod.status?.phase !== "Running") {
      const t = now();
      const conditions = [{ type: "Ready", status: "True", lastTransitionTime: t }];
      await patch(`${PODS}/${pod.metadata.name}/status`, { status: { phase: "Running", conditions } }, "application/merge-patch+json");
    }
  }
}

async function status(name: string): Promise<Record<string, unknown>> {
  return (await get<Obj>(`${DS}/${name}`)).body.status ?? {};
}

describe("DaemonSet controller", () => {
  it("runs one pod per node, a joining node gets one, a tainted node without toleration none", async () => {
    for (const n of ["ds-a", "ds-b", "ds-c"]) expect((await post("/api/v1/nodes", node(n))).status).toBe(201);
    await namespace(NS);
    expect((await post(DS, daemonSet("agent"))).status).toBe(201);
    const placed = await eventually(() => pods("agent"), (p) => p.filter((x) => x.spec?.nodeName).length === 3);
    expect(nodesOf(placed)).toEqual(["ds-a", "ds-b", "ds-c"]);

    await post("/api/v1/nodes", node("ds-d"));
    await post("/api/v1/nodes", node("ds-tainted", {}, [{ key: "dedicated", value: "db", effect: "NoSchedule" }]));
    const four = await eventually(() => pods("agent"), (p) => p.filter((x) => x.spec?.nodeName).length === 4);
    expect(nodesOf(four)).toEqual(["ds-a", "ds-b", "ds-c", "ds-d"]);

    await kubelet("agent");
    const st = await eventually(() => status("agent"), (s) => s.numberAvailable === 4);
    expect(st).toMatchObject({ desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 4, updatedNumberScheduled: 4, numberAvailable: 4, numberMisscheduled: 0, observedGeneration: 1 });
    expect(nodesOf(await pods("agent"))).toEqual(["ds-a", "ds-b", "ds-c", "ds-d"]);
    const revisions = (await get<{ items: Obj[] }>(`/apis/apps/v1/namespaces/${NS}/controllerrevisions`)).body.items;
    expect(revisions.map((r) => r.revision)).toEqual([1]);
    const events = (await get<{ items: { reason: string; message: string; source: { component: string } }[] }>(`/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.name%3Dagent`)).body.items;
    expect(events.filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(4);
    expect(events[0]).toMatchObject({ message: expect.stringMatching(/^Created pod: agent-\w+$/), source: { component: "daemonset-controller" } });
  });

  it("rolls an image update node by node with maxUnavailable 1", async () => {
    await patch(`${DS}/agent`, { spec: { template: { spec: { containers: [{ name: "main", image: "agent:2" }] } } } }, "application/strategic-merge-patch+json");
    let worst = 0;
    for (let round = 0; round < 200; round++) {
      const list = await pods("agent");
      const down = ["ds-a", "ds-b", "ds-c", "ds-d"].filter((n) => !live(list).some((p) => p.spec?.nodeName === n && p.status?.phase === "Running"));
      worst = Math.max(worst, down.length);
      const done = live(list).length === 4 && live(list).every((p) => p.spec?.containers?.[0].image === "agent:2" && p.status?.phase === "Running");
      if (done && (await status("agent")).numberAvailable === 4) break;
      await kubelet("agent");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(worst).toBe(1);
    expect(live(await pods("agent")).map((p) => p.spec?.containers?.[0].image)).toEqual(["agent:2", "agent:2", "agent:2", "agent:2"]);
    const st = await eventually(() => status("agent"), (s) => s.updatedNumberScheduled === 4 && s.numberAvailable === 4);
    expect(st).toMatchObject({ desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 4, observedGeneration: 2 });
    const revisions = (await get<{ items: Obj[] }>(`/apis/apps/v1/namespaces/${NS}/controllerrevisions`)).body.items;
    expect(revisions.map((r) => r.revision).sort()).toEqual([1, 2]);
  });

  it("a node that stops matching loses its pod, and so does a node that goes", async () => {
    await post("/api/v1/nodes", node("ds-edge", { role: "edge" }));
    await post(DS, daemonSet("edge", { nodeSelector: { role: "edge" } }));
    await eventually(() => pods("edge"), (p) => nodesOf(p).join() === "ds-edge");
    await kubelet("edge");
    await patch("/api/v1/nodes/ds-edge", { metadata: { labels: { role: null } } }, "application/merge-patch+json");
    await eventually(() => pods("edge"), (p) => live(p).length === 0);
    expect(live(await pods("edge"))).toEqual([]);

    expect((await del("/api/v1/nodes/ds-d")).status).toBe(200);
    const gone = await eventually(() => pods("agent"), (p) => !p.some((x) => x.spec?.nodeName === "ds-d"));
    // ds-edge joined in the meantime: the DaemonSet without a selector runs there too.
    expect(nodesOf(gone)).toEqual(["ds-a", "ds-b", "ds-c", "ds-edge"]);
    expect(await eventually(() => status("agent"), (s) => s.desiredNumberScheduled === 4)).toMatchObject({ desiredNumberScheduled: 4, currentNumberScheduled: 4 });
  });
});
