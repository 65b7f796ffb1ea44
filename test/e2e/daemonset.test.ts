// A DaemonSet over agents with the simulated runtime, through kubectl: a pod on every node, a
// node that joins gets one, a tainted node without a toleration gets none, an image update rolls
// node by node (`kubectl rollout status`), and `kubectl rollout history|undo` go back through the
// DaemonSet's ControllerRevisions.
import { beforeAll, describe, expect, it } from "vitest";
import { useAgents } from "./agent-harness";
import { useCluster } from "./harness";
import { create } from "./manifests";
import { eventually } from "./wait";

const cluster = useCluster();
const agents = useAgents(cluster);

interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { image: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

const daemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "agent" },
  spec: {
    selector: { matchLabels: { app: "agent" } },
    template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "main", image: "agent:1" }] } },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
  },
};

const taintedNode = {
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "tainted", labels: { "kubernetes.io/hostname": "tainted" } },
  spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] },
  status: { allocatable: { cpu: "4", memory: "8Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
};

async function pods(): Promise<Pod[]> {
  const res = await cluster.api("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dagent");
  return (res.json as { items: Pod[] }).items;
}

const ready = (p: Pod) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");

/** Node → image of its ready pod, once every listed node has exactly one pod and it is ready. */
async function settledOn(nodes: string[]): Promise<Record<string, string> | undefined> {
  const list = await pods();
  const out: Record<string, string> = {};
  for (const n of nodes) {
    const here = list.filter((p) => p.spec.nodeName === n);
    if (here.length !== 1 || !ready(here[0])) return undefined;
    out[n] = here[0].spec.containers[0].image;
  }
  return list.length === nodes.length ? out : undefined;
}

const NODES = ["sim-0", "sim-1", "sim-2"];

describe("DaemonSet over agents", () => {
  beforeAll(async () => {
    const sim = agents.start({ name: "sim", runtime: "simulated", args: ["--nodes", "3"] });
    await sim.waitForLine(/registered 3 nodes/);
  });

  it("runs a pod on every node; rollout status waits until they are available", async () => {
    await create(cluster, daemonSet);
    const out = await cluster.kubectlOk(["rollout", "status", "ds/agent", "--timeout=60s"]);
    expect(out).toMatch(/daemon set "agent" successfully rolled out\n$/);
    expect(await eventually(() => settledOn(NODES), "a ready pod on each node")).toEqual({ "sim-0": "agent:1", "sim-1": "agent:1", "sim-2": "agent:1" });
    const row = await cluster.kubectlOk(["get", "ds", "agent", "--no-headers"]);
    expect(row).toMatch(/^agent\s+3\s+3\s+3\s+3\s+3\s+<none>\s+\S+\n$/);
  });

  it("a node that joins gets its pod; a tainted node without a toleration gets none", async () => {
    await create(cluster, taintedNode);
    const joined = agents.start({ name: "late", runtime: "simulated" });
    await joined.waitForLine(/registered node late/);
    const all = [...NODES, "late"];
    expect(Object.keys(await eventually(() => settledOn(all), "a ready pod on the new node"))).toEqual(all);
    const status = JSON.parse(await cluster.kubectlOk(["get", "ds", "agent", "-o", "jsonpath={.status}"]));
    expect(status).toMatchObject({ desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 4, numberAvailable: 4, numberMisscheduled: 0 });
    expect((await pods()).some((p) => p.spec.nodeName === "tainted")).toBe(false);
  });

  it("rolls an image update out node by node", async () => {
    const all = [...NODES, "late"];
    await cluster.kubectlOk(["set", "image", "ds/agent", "main=agent:2"]);
    let worst = 0;
    const watch = (async () => {
      for (;;) {
        const list = await pods();
        worst = Math.max(worst, all.filter((n) => !list.some((p) => p.spec.nodeName === n && ready(p))).length);
        if (list.length === all.length && list.every((p) => ready(p) && p.spec.containers[0].image === "agent:2")) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const out = await cluster.kubectlOk(["rollout", "status", "ds/agent", "--timeout=90s"]);
    expect(out).toMatch(/daemon set "agent" successfully rolled out\n$/);
    await watch;
    expect(worst).toBe(1);
    expect(Object.values((await eventually(() => settledOn(all), "updated pods")) ?? {})).toEqual(["agent:2", "agent:2", "agent:2", "agent:2"]);
  });

  it("lists its revisions and rolls back to the previous one", async () => {
    const history = await cluster.kubectlOk(["rollout", "history", "ds/agent"]);
    expect(history).toMatch(/^daemonset\.apps\/agent \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    expect((await cluster.kubectlOk(["rollout", "undo", "ds/agent"])).trim()).toBe("daemonset.apps/agent rolled back");
    await cluster.kubectlOk(["rollout", "status", "ds/agent", "--timeout=90s"]);
    const images = await eventually(() => settledOn([...NODES, "late"]), "pods back on agent:1");
    expect(new Set(Object.values(images))).toEqual(new Set(["agent:1"]));
    // Revision 1 came back as revision 3; undoing to it again changes nothing.
    const revisions = await cluster.kubectlOk(["get", "controllerrevisions", "-o", "jsonpath={range .items[*]}{.revision}{\"\\n\"}{end}"]);
    expect(revisions.trim().split("\n").sort()).toEqual(["2", "3"]);
    expect((await cluster.kubectlOk(["rollout", "undo", "ds/agent", "--to-revision=3"])).trim()).toBe("daemonset.apps/agent skipped rollback (current template already matches revision 3)");
    const table = await cluster.kubectlOk(["get", "controllerrevisions"]);
    expect(table).toMatch(/^NAME\s+CONTROLLER\s+REVISION\s+AGE\nagent-\w+\s+daemonset\.apps\/agent\s+\d\s+\S+\n/);
  });
});
