// The simulated runtime at scale: one agent process plays a thousand nodes, registers them all
// and keeps their leases renewed; pods bound to any of them run and get ready after the
// configured delays, and finish with the exit code their annotation asks for.
import { beforeAll, describe, expect, it } from "vitest";
import type { Lease } from "../../src/apis/coordination/v1/lease";
import type { Node } from "../../src/apis/core/v1/node";
import type { Pod } from "../../src/apis/core/v1/pod";
import { useAgents, type AgentProcess } from "./agent-harness";
import { useCluster } from "./harness";
import { eventually } from "./wait";

const cluster = useCluster();
const agents = useAgents(cluster);
const NODES = 1000;
// A thousand nodes against one local workerd is minutes of requests on a busy machine.
const SCALE_TIMEOUT_MS = 15 * 60_000;

async function listAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let token = "";
  do {
    const res = await cluster.api("GET", `${path}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
    const list = res.json as { items: T[]; metadata: { continue?: string } };
    items.push(...list.items);
    token = list.metadata.continue ?? "";
  } while (token);
  return items;
}

async function getPod(name: string): Promise<Pod | undefined> {
  const res = await cluster.api("GET", `/api/v1/namespaces/default/pods/${name}`);
  return res.status === 200 ? (res.json as Pod) : undefined;
}

describe("agent with the simulated runtime", () => {
  let agent: AgentProcess;
  beforeAll(() => {
    agent = agents.start({ name: "sim", runtime: "simulated", args: ["--nodes", String(NODES), "--lease-interval", "30", "--start-delay", "300", "--ready-delay", "700"] });
  });

  it(`registers ${NODES} nodes from one process and renews every lease`, async () => {
    await agent.waitForLine(new RegExp(`ready: ${NODES} nodes`), SCALE_TIMEOUT_MS);
    const nodes = (await listAll<Node>("/api/v1/nodes")).filter((n) => n.metadata.name?.startsWith("sim-"));
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(Array.from({ length: NODES }, (_, i) => `sim-${i}`).sort());
    expect(nodes.every((n) => n.status?.nodeInfo?.containerRuntimeVersion === "simulated://1.0.0")).toBe(true);
    expect(nodes.every((n) => n.status?.capacity?.pods === "110")).toBe(true);

    const first = new Map((await listAll<Lease>("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases")).map((l) => [l.metadata.name, l.spec?.renewTime]));
    await eventually(async () => {
      const leases = await listAll<Lease>("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases");
      const renewed = leases.filter((l) => l.metadata.name?.startsWith("sim-") && first.get(l.metadata.name) !== undefined && l.spec?.renewTime !== first.get(l.metadata.name));
      return renewed.length === NODES ? true : undefined;
    }, `all ${NODES} leases renewed again`, SCALE_TIMEOUT_MS);
  }, 2 * SCALE_TIMEOUT_MS + 60_000);

  it("runs pods bound to simulated nodes: Running after the start delay, Ready after the ready delay", async () => {
    const created = Date.now();
    const res = await cluster.api("POST", "/api/v1/namespaces/default/pods", { apiVersion: "v1", kind: "Pod", metadata: { name: "fake" }, spec: { nodeName: "sim-123", containers: [{ name: "app", image: "nginx" }] } });
    expect(res.status).toBe(201);
    const running = await eventually(async () => ((await getPod("fake"))?.status?.phase === "Running" ? Date.now() : undefined), "fake Running", 120_000);
    const ready = await eventually(async () => ((await getPod("fake"))?.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? Date.now() : undefined), "fake Ready", 120_000);
    expect(running - created).toBeGreaterThanOrEqual(300);
    expect(ready).toBeGreaterThanOrEqual(running);
    const pod = await getPod("fake");
    expect(pod?.status?.podIP).toMatch(/^10\./);
    expect(pod?.status?.containerStatuses?.[0].containerID).toMatch(/^simulated:\/\//);
  }, 300_000);

  it("finishes a pod with the exit code its annotation asks for", async () => {
    for (const [name, code] of [["job-ok", "0"], ["job-fail", "2"]]) {
      await cluster.api("POST", "/api/v1/namespaces/default/pods", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, annotations: { "edgeplane.dev/simulated-exit-code": code, "edgeplane.dev/simulated-run-seconds": "1" } },
        spec: { nodeName: "sim-7", restartPolicy: "Never", containers: [{ name: "work", image: "busybox" }] },
      });
    }
    const ok = await eventually(async () => {
      const p = await getPod("job-ok");
      return p?.status?.phase === "Succeeded" ? p : undefined;
    }, "job-ok Succeeded", 120_000);
    expect(ok.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    const failed = await eventually(async () => {
      const p = await getPod("job-fail");
      return p?.status?.phase === "Failed" ? p : undefined;
    }, "job-fail Failed", 120_000);
    expect(failed.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 2, reason: "Error" });
  }, 300_000);
});
