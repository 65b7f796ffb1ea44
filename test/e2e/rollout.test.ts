// Deployments over agents with the simulated runtime, through kubectl, as issue [2 of 6] asks:
// the example manifest rolls out to bound pods; `set image` rolls while a watch proves the
// availability bounds; `rollout history|undo|pause|resume|restart`; scale to 0 and back; an
// unschedulable pod says why; a node whose agent stops has its pods replaced elsewhere.
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { useAgents, type AgentProcess } from "./agent-harness";
import { useCluster } from "./harness";
import { eventually } from "./wait";

const cluster = useCluster();
const agents = useAgents(cluster);

interface Pod {
  metadata: { name: string; uid: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: { nodeName?: string; containers: { image: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

// The repository keeps its own copy of ../shared/examples/nginx-deployment.yaml (identical).
const EXAMPLE = new URL("../../examples/nginx-deployment.yaml", import.meta.url);

async function pods(selector: string): Promise<Pod[]> {
  const res = await cluster.api("GET", `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`);
  return (res.json as { items: Pod[] }).items;
}

const live = (p: Pod) => !p.metadata.deletionTimestamp;
const ready = (p: Pod) => live(p) && (p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false);

describe("Deployments over agents", () => {
  let first: AgentProcess;

  beforeAll(async () => {
    first = agents.start({ name: "sim", runtime: "simulated", args: ["--nodes", "2"] });
    await first.waitForLine(/registered 2 nodes/);
  });

  it("rolls the example manifest out to two pods bound to nodes", async () => {
    const manifest = await readFile(EXAMPLE, "utf8");
    await cluster.kubectlOk(["apply", "-f", "-"], { input: manifest });
    const out = await cluster.kubectlOk(["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"]);
    expect(out).toMatch(/deployment "nginx-deployment" successfully rolled out\n$/);
    const list = await pods("app=nginx");
    expect(list.filter(ready)).toHaveLength(2);
    expect(list.every((p) => p.spec.nodeName?.startsWith("sim-"))).toBe(true);
    const row = await cluster.kubectlOk(["get", "deployment", "nginx-deployment", "--no-headers"]);
    expect(row).toMatch(/^nginx-deployment\s+2\/2\s+2\s+2\s+\S+\n$/);
  });

  it("rolls a new image out within maxSurge and maxUnavailable, and undoes it", async () => {
    await cluster.kubectlOk(["scale", "deployment/nginx-deployment", "--replicas=4"]);
    await cluster.kubectlOk(["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"]);
    // 4 replicas at 25%/25%: never fewer than 3 available, never more than 5 pods.
    let fewestReady = Infinity;
    let mostPods = 0;
    let done = false;
    const watch = (async () => {
      while (!done) {
        const list = (await pods("app=nginx")).filter(live);
        fewestReady = Math.min(fewestReady, list.filter(ready).length);
        mostPods = Math.max(mostPods, list.length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await cluster.kubectlOk(["set", "image", "deployment/nginx-deployment", "nginx=nginx:1.25"]);
    await cluster.kubectlOk(["rollout", "status", "deployment/nginx-deployment", "--timeout=90s"]);
    done = true;
    await watch;
    expect(fewestReady).toBeGreaterThanOrEqual(3);
    expect(mostPods).toBeLessThanOrEqual(5);
    expect((await pods("app=nginx")).filter(live).every((p) => p.spec.containers[0].image === "nginx:1.25")).toBe(true);

    const history = await cluster.kubectlOk(["rollout", "history", "deployment/nginx-deployment"]);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    await cluster.kubectlOk(["rollout", "undo", "deployment/nginx-deployment"]);
    await cluster.kubectlOk(["rollout", "status", "deployment/nginx-deployment", "--timeout=90s"]);
    const image = await cluster.kubectlOk(["get", "deployment", "nginx-deployment", "-o", "jsonpath={.spec.template.spec.containers[0].image}"]);
    expect(image).toBe("nginx:1.7.9");
  });

  it("pauses, resumes and restarts", async () => {
    await cluster.kubectlOk(["rollout", "pause", "deployment/nginx-deployment"]);
    await cluster.kubectlOk(["set", "image", "deployment/nginx-deployment", "nginx=nginx:paused"]);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await pods("app=nginx")).filter(live).some((p) => p.spec.containers[0].image === "nginx:paused")).toBe(false);
    const progressing = await cluster.kubectlOk(["get", "deployment", "nginx-deployment", "-o", "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}"]);
    expect(progressing).toBe("DeploymentPaused");
    await cluster.kubectlOk(["rollout", "resume", "deployment/nginx-deployment"]);
    await cluster.kubectlOk(["rollout", "status", "deployment/nginx-deployment", "--timeout=90s"]);
    const before = new Set((await pods("app=nginx")).filter(live).map((p) => p.metadata.uid));
    await cluster.kubectlOk(["rollout", "restart", "deployment/nginx-deployment"]);
    await cluster.kubectlOk(["rollout", "status", "deployment/nginx-deployment", "--timeout=90s"]);
    const after = (await pods("app=nginx")).filter(live);
    expect(after.some((p) => before.has(p.metadata.uid))).toBe(false);
  });

  it("scales to zero and back", async () => {
    await cluster.kubectlOk(["scale", "deployment/nginx-deployment", "--replicas=0"]);
    await eventually(async () => ((await pods("app=nginx")).length === 0 ? true : undefined), "no pods left");
    await cluster.kubectlOk(["scale", "deployment/nginx-deployment", "--replicas=2"]);
    await cluster.kubectlOk(["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"]);
    expect((await pods("app=nginx")).filter(ready)).toHaveLength(2);
  });

  it("says why a pod fits nowhere", async () => {
    await cluster.kubectlOk(["run", "huge", "--image=busybox", "--overrides", JSON.stringify({ spec: { containers: [{ name: "huge", image: "busybox", resources: { requests: { cpu: "1000" } } }] } })]);
    const described = await eventually(async () => {
      const out = await cluster.kubectlOk(["describe", "pod", "huge"]);
      return /FailedScheduling/.test(out) ? out : undefined;
    }, "a FailedScheduling event");
    expect(described).toMatch(/0\/2 nodes are available: 2 Insufficient cpu\./);
    const condition = await cluster.kubectlOk(["get", "pod", "huge", "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}"]);
    expect(condition).toBe("Unschedulable");
    await cluster.kubectlOk(["delete", "pod", "huge", "--wait=false"]);
  });

  it("replaces the pods of a node whose agent stopped", async () => {
    // A second agent with short eviction tolerations on its pods' template.
    const spare = agents.start({ name: "spare", runtime: "simulated" });
    await spare.waitForLine(/registered node spare/);
    await cluster.kubectlOk([
      "patch", "deployment/nginx-deployment", "--type=strategic", "-p",
      JSON.stringify({ spec: { template: { spec: { tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 1 }] } } } }),
    ]);
    await cluster.kubectlOk(["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"]);
    await first.stop();
    // The lease goes stale after the grace period; the minute cron notices it (fired here at once).
    await new Promise((r) => setTimeout(r, 2000));
    const replaced = await eventually(
      async () => {
        await cluster.api("GET", "/cdn-cgi/local/scheduled?cron=*+*+*+*+*");
        const list = await pods("app=nginx");
        const onSpare = list.filter((p) => ready(p) && p.spec.nodeName === "spare");
        return onSpare.length === 2 ? onSpare : undefined;
      },
      "both replicas running on the spare node",
      120_000,
    );
    expect(replaced).toHaveLength(2);
    const node = await cluster.kubectlOk(["get", "node", "sim-0", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"]);
    expect(node).toBe("Unknown");
  }, 180_000);
});
