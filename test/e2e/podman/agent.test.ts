// The agent with the podman runtime against a real control plane, through kubectl: the kubelet
// flows of agent-process.test.ts on real containers. A Deployment of busybox httpd gets Ready
// behind its readiness probe and answers on each pod's IP, its logs read back, and deleting it
// removes its Podman pods; a crashing container backs off; restartPolicy Never pods end with
// their exit code; a Secret and a ConfigMap reach the container. One control plane and one agent
// serve the whole file; the agent's Podman pods are removed after it (agent-harness).
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../../src/apis/core/v1/pod";
import { PodmanRuntime } from "../../../src/agent/runtime/podman";
import { useAgents } from "../agent-harness";
import { useCluster } from "../harness";
import { eventually } from "../wait";
import { NGINX, setUpPodman } from "./setup";

// Tagged, so that the default pull policy is IfNotPresent: no registry is reachable here.
const BUSYBOX = "busybox:1.36";

const skipReason = await setUpPodman();
if (skipReason) console.warn(`podman agent tests skipped: ${skipReason}`);

const cluster = useCluster();
const agents = useAgents(cluster);
// Podman is shared by everything on the machine: a node name of this run's own keeps its pods
// apart from other agents'.
const NODE = `podman-${randomUUID().slice(0, 8)}`;
// Reads what the agent left in Podman, by the node's label, as list() does after a restart.
const podman = new PodmanRuntime({ nodeName: NODE, stateDir: tmpdir() });

async function createObject(resource: string, manifest: Record<string, unknown>): Promise<void> {
  const res = await cluster.api("POST", `/api/v1/namespaces/default/${resource}`, { apiVersion: "v1", ...manifest });
  if (res.status !== 201) throw new Error(`create ${resource}: ${res.status} ${res.text}`);
}

const createPod = (manifest: Record<string, unknown>): Promise<void> => createObject("pods", { kind: "Pod", ...manifest });

async function getPod(name: string): Promise<Pod | undefined> {
  const res = await cluster.api("GET", `/api/v1/namespaces/default/pods/${name}`);
  return res.status === 200 ? (res.json as Pod) : undefined;
}

function podUntil(name: string, what: string, check: (pod: Pod) => boolean, timeoutMs = 60_000): Promise<Pod> {
  return eventually(async () => {
    const pod = await getPod(name);
    return pod && check(pod) ? pod : undefined;
  }, `pod ${name}: ${what}`, timeoutMs);
}

/** The pod uids that still have a Podman pod or container on the node. */
async function podmanPodUids(): Promise<Set<string>> {
  const { sandboxes, containers } = await podman.list();
  return new Set([...sandboxes, ...containers].map((entry) => entry.labels.podUid));
}

const status = (pod: Pod, container: string) => pod.status?.containerStatuses?.find((c) => c.name === container);
const condition = (pod: Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type)?.status;

describe.skipIf(skipReason !== undefined)("agent with the podman runtime", () => {
  beforeAll(async () => {
    const agent = agents.start({ name: NODE, runtime: "podman" });
    await agent.waitForLine(new RegExp(`ready: node ${NODE}`), 60_000);
  });

  afterAll(async () => {
    await podman.close();
  });

  it("runs a Deployment of busybox httpd to Running and Ready behind its readiness probe; each pod answers on its IP; kubectl logs shows its requests; deleting it removes its containers", async () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            nodeSelector: { "kubernetes.io/hostname": NODE },
            terminationGracePeriodSeconds: 2,
            containers: [{ name: "httpd", image: NGINX, ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 1 } }],
          },
        },
      },
    };
    await cluster.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(deployment) });
    await cluster.kubectlOk(["rollout", "status", "deployment/web", "--timeout=90s"]);
    const pods = (JSON.parse(await cluster.kubectlOk(["get", "pods", "-l", "app=web", "-o", "json"])) as { items: Pod[] }).items;
    expect(pods).toHaveLength(2);
    const uids = pods.map((pod) => pod.metadata.uid ?? "");
    for (const pod of pods) {
      expect(pod.status?.phase).toBe("Running");
      expect(condition(pod, "Ready")).toBe("True");
      expect(status(pod, "httpd")).toMatchObject({ ready: true, started: true, restartCount: 0, containerID: expect.stringMatching(/^podman:\/\/[0-9a-f]{64}$/) });
      // Each pod has an address of its own on Podman's bridge, where the host reaches it.
      expect(pod.status?.podIP).toMatch(/^10\.88\.\d+\.\d+$/);
      const page = await (await fetch(`http://${pod.status?.podIP}:80/`)).text();
      expect(page).toContain("Welcome to nginx!");
      // busybox httpd -v logs each request, the readiness probe's and ours.
      expect(await cluster.kubectlOk(["logs", pod.metadata.name ?? ""])).toMatch(/response:200/);
    }
    expect(new Set(pods.map((pod) => pod.status?.podIP)).size).toBe(2);
    expect([...(await podmanPodUids())].filter((uid) => uids.includes(uid)).sort()).toEqual([...uids].sort());

    await cluster.kubectlOk(["delete", "deployment", "web"]);
    await eventually(async () => ((await cluster.kubectlOk(["get", "pods", "-l", "app=web", "-o", "name"])) === "" ? true : undefined), "the Deployment's pods gone", 60_000);
    await eventually(async () => {
      const left = await podmanPodUids();
      return uids.every((uid) => !left.has(uid)) ? true : undefined;
    }, "the Deployment's Podman pods and containers removed");
  });

  it("restarts a container that exits, with CrashLoopBackOff and a growing back-off", async () => {
    await createPod({
      metadata: { name: "crasher" },
      spec: { nodeSelector: { "kubernetes.io/hostname": NODE }, containers: [{ name: "app", image: BUSYBOX, command: ["sh", "-c", "echo run at $(date +%s); exit 3"] }] },
    });
    const first = await podUntil("crasher", "CrashLoopBackOff", (p) => status(p, "app")?.state?.waiting?.reason === "CrashLoopBackOff");
    expect(status(first, "app")).toMatchObject({
      restartCount: 1,
      state: { waiting: { message: expect.stringMatching(/^back-off 10s restarting failed container=app pod=crasher_default\(/) } },
      lastState: { terminated: { exitCode: 3, reason: "Error", containerID: expect.stringMatching(/^podman:\/\//) } },
    });
    expect(first.status?.phase).toBe("Running");
    const second = await podUntil("crasher", "back-off 20s", (p) => /^back-off 20s/.test(status(p, "app")?.state?.waiting?.message ?? ""), 40_000);
    expect(status(second, "app")?.restartCount).toBe(2);
    expect(await cluster.kubectlOk(["get", "pod", "crasher"])).toMatch(/crasher\s+0\/1\s+CrashLoopBackOff\s+2 \(\d+s ago\)/);
    expect(await cluster.kubectlOk(["logs", "crasher", "--previous"])).toMatch(/^run at \d+\n$/);
    const events = await cluster.kubectlOk(["get", "events", "--field-selector", "involvedObject.name=crasher", "-o", "jsonpath={.items[*].reason}"]);
    expect(events).toContain("BackOff");
    await cluster.kubectlOk(["delete", "pod", "crasher", "--grace-period", "1"]);
  }, 90_000);

  it("ends restartPolicy Never pods Succeeded or Failed with the exit code", async () => {
    const never = (name: string, script: string) =>
      createPod({ metadata: { name }, spec: { nodeSelector: { "kubernetes.io/hostname": NODE }, restartPolicy: "Never", containers: [{ name: "c", image: BUSYBOX, command: ["sh", "-c", script] }] } });
    await Promise.all([never("ok", "echo done"), never("bad", "echo failing; exit 7")]);
    const ok = await podUntil("ok", "Succeeded", (p) => p.status?.phase === "Succeeded");
    expect(status(ok, "c")?.state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(condition(ok, "Ready")).toBe("False");
    const bad = await podUntil("bad", "Failed", (p) => p.status?.phase === "Failed");
    expect(status(bad, "c")?.state?.terminated).toMatchObject({ exitCode: 7, reason: "Error" });
    expect(status(bad, "c")?.restartCount).toBe(0);
    expect(await cluster.kubectlOk(["get", "pods", "ok", "bad"])).toMatch(/ok\s+0\/1\s+Completed[\s\S]*bad\s+0\/1\s+Error/);
    expect(await cluster.kubectlOk(["logs", "ok"])).toBe("done\n");
    expect(await cluster.kubectlOk(["logs", "bad"])).toBe("failing\n");
    await cluster.kubectlOk(["delete", "pod", "ok", "bad"]);
  });

  it("gives the container a Secret and a ConfigMap as env and files, and updates the file when the ConfigMap changes", async () => {
    await createObject("secrets", { kind: "Secret", metadata: { name: "creds" }, stringData: { password: "s3cret" } });
    await createObject("configmaps", { kind: "ConfigMap", metadata: { name: "settings" }, data: { mode: "fast", greeting: "hello" } });
    await createPod({
      metadata: { name: "configured" },
      spec: {
        nodeSelector: { "kubernetes.io/hostname": NODE },
        terminationGracePeriodSeconds: 1,
        volumes: [
          { name: "config", configMap: { name: "settings" } },
          { name: "secret", secret: { secretName: "creds", defaultMode: 0o400 } },
        ],
        containers: [
          {
            name: "app",
            image: BUSYBOX,
            env: [
              { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } },
              { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              { name: "MESSAGE", value: "$(POD_NAME) says $(greeting)" },
            ],
            envFrom: [{ configMapRef: { name: "settings" }, prefix: "CFG_" }, { configMapRef: { name: "settings" } }],
            command: [
              "sh",
              "-c",
              'echo "password=$PASSWORD mode=$CFG_mode message=$MESSAGE"; echo "file=$(cat /etc/creds/password) $(stat -L -c %a /etc/creds/password)"; while true; do echo "mode-file=$(cat /etc/config/mode)"; sleep 1; done',
            ],
            volumeMounts: [
              { name: "config", mountPath: "/etc/config" },
              { name: "secret", mountPath: "/etc/creds", readOnly: true },
            ],
          },
        ],
      },
    });
    await podUntil("configured", "Running", (p) => p.status?.phase === "Running");
    await eventually(async () => ((await cluster.kubectlOk(["logs", "configured"])).includes("mode-file=fast") ? true : undefined), "the configMap file in the container");
    const logs = await cluster.kubectlOk(["logs", "configured"]);
    expect(logs).toContain("password=s3cret mode=fast message=configured says hello");
    expect(logs).toContain("file=s3cret 400");
    await cluster.kubectlOk(["patch", "configmap", "settings", "--type", "merge", "-p", '{"data":{"mode":"slow"}}']);
    await eventually(async () => ((await cluster.kubectlOk(["logs", "configured", "--tail", "1"])).includes("mode-file=slow") ? true : undefined), "the updated configMap file", 30_000);
    await cluster.kubectlOk(["delete", "pod", "configured"]);
  });
});
