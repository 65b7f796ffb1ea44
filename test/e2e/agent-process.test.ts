// The agent with the process runtime against a real control plane, through kubectl: pods bound
// to its node run, get ready, log, restart with back-off, finish, see Secrets and ConfigMaps,
// stop when deleted, and survive the agent's own restart without duplicates.
import { beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../src/apis/core/v1/pod";
import { freePort } from "../../src/cli/ports";
import { containerRecords, isAlive, useAgents, type AgentProcess } from "./agent-harness";
import { useCluster } from "./harness";
import { eventually } from "./wait";

const cluster = useCluster();
const agents = useAgents(cluster);
const NODE = "proc-1";

async function createPod(manifest: Record<string, unknown>): Promise<Pod> {
  const res = await cluster.api("POST", "/api/v1/namespaces/default/pods", { apiVersion: "v1", kind: "Pod", ...manifest });
  if (res.status !== 201) throw new Error(`create pod: ${res.status} ${res.text}`);
  return res.json as Pod;
}

async function createObject(resource: string, manifest: Record<string, unknown>): Promise<void> {
  const res = await cluster.api("POST", `/api/v1/namespaces/default/${resource}`, { apiVersion: "v1", ...manifest });
  if (res.status !== 201) throw new Error(`create ${resource}: ${res.status} ${res.text}`);
}

async function getPod(name: string): Promise<Pod | undefined> {
  const res = await cluster.api("GET", `/api/v1/namespaces/default/pods/${name}`);
  return res.status === 200 ? (res.json as Pod) : undefined;
}

function podUntil(name: string, what: string, check: (pod: Pod) => boolean, timeoutMs = 30_000): Promise<Pod> {
  return eventually(async () => {
    const pod = await getPod(name);
    return pod && check(pod) ? pod : undefined;
  }, `pod ${name}: ${what}`, timeoutMs);
}

const status = (pod: Pod, container: string) => pod.status?.containerStatuses?.find((c) => c.name === container);
const condition = (pod: Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type)?.status;

describe("agent with the process runtime", () => {
  let agent: AgentProcess;
  beforeAll(() => {
    agent = agents.start({ name: NODE });
  });

  it("registers its node, Ready, with a lease", async () => {
    await agent.waitForLine(/ready: node proc-1/);
    const nodes = await cluster.kubectlOk(["get", "nodes", "-o", "wide"]);
    expect(nodes).toMatch(/proc-1\s+Ready\s+<none>\s+\S+\s+v1\.32\.0-edgeplane\s+127\.0\.0\.1/);
    const lease = await cluster.kubectlOk(["get", "lease", "-n", "kube-node-lease", NODE, "-o", "jsonpath={.spec.holderIdentity} {.spec.leaseDurationSeconds}"]);
    expect(lease).toBe("proc-1 40");
    const labels = await cluster.kubectlOk(["get", "node", NODE, "-o", "jsonpath={.metadata.labels}"]);
    expect(JSON.parse(labels)).toMatchObject({ "kubernetes.io/hostname": NODE, "kubernetes.io/os": "linux" });
  });

  it("runs a web server pod to Running and Ready behind its readiness probe; kubectl logs shows its output", async () => {
    const port = await freePort();
    await createPod({
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        nodeName: NODE,
        containers: [
          {
            name: "server",
            image: "python",
            // Starts serving after two seconds, so readiness visibly lags Running.
            command: ["sh", "-c", `echo starting; sleep 2; exec python3 -u -m http.server ${port} --bind 127.0.0.1`],
            readinessProbe: { httpGet: { path: "/", port }, periodSeconds: 1 },
          },
          { name: "ticker", image: "busybox", command: ["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done"] },
        ],
      },
    });
    const running = await podUntil("web", "Running", (p) => p.status?.phase === "Running");
    expect(running.status?.podIP).toBe("127.0.0.1");
    const ready = await podUntil("web", "Ready", (p) => condition(p, "Ready") === "True");
    expect(status(ready, "server")).toMatchObject({ ready: true, started: true, restartCount: 0, state: { running: {} } });
    expect((ready.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`)).toEqual([
      "PodScheduled=True",
      "PodReadyToStartContainers=True",
      "Initialized=True",
      "Ready=True",
      "ContainersReady=True",
    ]);
    expect(await cluster.kubectlOk(["get", "pod", "web"])).toMatch(/web\s+2\/2\s+Running\s+0\s/);
    // Probes keep passing every second, but nothing changes: nothing is written.
    const settled = (await getPod("web"))?.metadata.resourceVersion;
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect((await getPod("web"))?.metadata.resourceVersion).toBe(settled);

    expect(await cluster.kubectlOk(["logs", "web", "-c", "server"])).toMatch(/^starting\n/);
    await eventually(async () => ((await cluster.kubectlOk(["logs", "web", "-c", "ticker"])).includes("tick 3") ? true : undefined), "ticker output");
    expect((await cluster.kubectlOk(["logs", "web", "-c", "ticker", "--tail", "2"])).trim().split("\n")).toHaveLength(2);
    const recent = (await cluster.kubectlOk(["logs", "web", "-c", "ticker", "--since", "2s", "--timestamps"])).trim().split("\n");
    expect(recent.length).toBeLessThanOrEqual(4);
    expect(recent[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick \d+$/);
    expect(await cluster.kubectlOk(["logs", "-l", "app=web", "-c", "ticker", "--tail", "1"])).toMatch(/^tick \d+\n$/);

    const follow = await cluster.kubectlStart(["logs", "-f", "web", "-c", "ticker", "--tail", "1"]);
    try {
      const first = Number((await follow.waitForLine(/^tick \d+$/, 10_000)).split(" ")[1]);
      await follow.waitForLine(new RegExp(`^tick ${first + 2}$`), 10_000);
    } finally {
      follow.stop();
    }

    const previous = await cluster.kubectl(["logs", "web", "-c", "ticker", "--previous"]);
    expect(previous.stderr).toContain('previous terminated container "ticker" in pod "web" not found');
  });

  it("restarts a container that exits, with CrashLoopBackOff and a growing back-off", async () => {
    await createPod({
      metadata: { name: "crasher" },
      spec: { nodeName: NODE, containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "echo run at $(date +%s); exit 3"] }] },
    });
    const first = await podUntil("crasher", "CrashLoopBackOff", (p) => status(p, "app")?.state?.waiting?.reason === "CrashLoopBackOff", 30_000);
    expect(status(first, "app")).toMatchObject({
      restartCount: 1,
      state: { waiting: { message: expect.stringMatching(/^back-off 10s restarting failed container=app pod=crasher_default\(/) } },
      lastState: { terminated: { exitCode: 3, reason: "Error" } },
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
    await createPod({ metadata: { name: "ok" }, spec: { nodeName: NODE, restartPolicy: "Never", containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "echo done"] }] } });
    await createPod({ metadata: { name: "bad" }, spec: { nodeName: NODE, restartPolicy: "Never", containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "exit 7"] }] } });
    const ok = await podUntil("ok", "Succeeded", (p) => p.status?.phase === "Succeeded");
    expect(status(ok, "c")?.state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(condition(ok, "Ready")).toBe("False");
    const bad = await podUntil("bad", "Failed", (p) => p.status?.phase === "Failed");
    expect(status(bad, "c")?.state?.terminated).toMatchObject({ exitCode: 7, reason: "Error" });
    expect(status(bad, "c")?.restartCount).toBe(0);
    expect(await cluster.kubectlOk(["get", "pods", "ok", "bad"])).toMatch(/ok\s+0\/1\s+Completed[\s\S]*bad\s+0\/1\s+Error/);
    expect(await cluster.kubectlOk(["logs", "ok"])).toBe("done\n");
  });

  it("restarts a container whose liveness probe fails (exec in the container)", async () => {
    await createPod({
      metadata: { name: "unhealthy" },
      spec: {
        nodeName: NODE,
        containers: [
          {
            name: "app",
            image: "busybox",
            command: ["sh", "-c", "touch /health/ok; sleep 3; rm /health/ok; sleep 1000"],
            // The probe runs in the container's mount namespace: it sees the emptyDir at /health.
            livenessProbe: { exec: { command: ["test", "-f", "/health/ok"] }, periodSeconds: 1, failureThreshold: 2 },
            volumeMounts: [{ name: "health", mountPath: "/health" }],
          },
        ],
        volumes: [{ name: "health", emptyDir: {} }],
      },
    });
    const restarted = await podUntil("unhealthy", "restarted", (p) => (status(p, "app")?.restartCount ?? 0) >= 1);
    expect(status(restarted, "app")?.lastState?.terminated).toMatchObject({ reason: "Error" });
    const events = await cluster.kubectlOk(["get", "events", "--field-selector", "involvedObject.name=unhealthy", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"]);
    expect(events).toMatch(/Unhealthy: Liveness probe failed/);
    expect(events).toMatch(/Killing: Container app failed liveness probe, will be restarted/);
    await cluster.kubectlOk(["delete", "pod", "unhealthy", "--grace-period", "1"]);
  });

  it.runIf(process.getuid?.() === 0)("enforces a memory limit: a container over it is OOMKilled", async () => {
    await createPod({
      metadata: { name: "hog" },
      spec: {
        nodeName: NODE,
        restartPolicy: "Never",
        containers: [{ name: "app", image: "python", command: ["python3", "-c", "import time; x = bytearray(200 * 1024 * 1024); time.sleep(30)"], resources: { limits: { memory: "50Mi", cpu: "500m" } } }],
      },
    });
    const pod = await podUntil("hog", "Failed", (p) => p.status?.phase === "Failed");
    expect(status(pod, "app")?.state?.terminated).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
  });

  it("stops a pod past its activeDeadlineSeconds: Failed, DeadlineExceeded", async () => {
    await createPod({ metadata: { name: "deadline" }, spec: { nodeName: NODE, activeDeadlineSeconds: 2, terminationGracePeriodSeconds: 1, containers: [{ name: "app", image: "busybox", command: ["sleep", "1000"] }] } });
    const pod = await podUntil("deadline", "Failed", (p) => p.status?.phase === "Failed");
    expect(pod.status).toMatchObject({ reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" });
    expect(status(pod, "app")?.state?.terminated).toBeDefined();
  });

  it("runs init containers in order before the containers", async () => {
    await createPod({
      metadata: { name: "inits" },
      spec: {
        nodeName: NODE,
        restartPolicy: "Never",
        volumes: [{ name: "work", emptyDir: {} }],
        initContainers: [
          { name: "first", image: "busybox", command: ["sh", "-c", "echo one >> /work/order"], volumeMounts: [{ name: "work", mountPath: "/work" }] },
          { name: "second", image: "busybox", command: ["sh", "-c", "echo two >> /work/order"], volumeMounts: [{ name: "work", mountPath: "/work" }] },
        ],
        containers: [{ name: "main", image: "busybox", command: ["cat", "/work/order"], volumeMounts: [{ name: "work", mountPath: "/work" }] }],
      },
    });
    const done = await podUntil("inits", "Succeeded", (p) => p.status?.phase === "Succeeded");
    expect(done.status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual(["Completed", "Completed"]);
    expect(await cluster.kubectlOk(["logs", "inits", "-c", "main"])).toBe("one\ntwo\n");
  });

  it("gives the container a Secret and a ConfigMap as env and files, and updates the file when the ConfigMap changes", async () => {
    await createObject("secrets", { kind: "Secret", metadata: { name: "creds" }, stringData: { password: "s3cret" } });
    await createObject("configmaps", { kind: "ConfigMap", metadata: { name: "settings" }, data: { mode: "fast", greeting: "hello" } });
    await createPod({
      metadata: { name: "configured" },
      spec: {
        nodeName: NODE,
        volumes: [
          { name: "config", configMap: { name: "settings" } },
          { name: "secret", secret: { secretName: "creds", defaultMode: 0o400 } },
        ],
        containers: [
          {
            name: "app",
            image: "busybox",
            env: [
              { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } },
              { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              { name: "MESSAGE", value: "$(POD_NAME) says $(greeting)" },
            ],
            envFrom: [{ configMapRef: { name: "settings" }, prefix: "CFG_" }, { configMapRef: { name: "settings" } }],
            command: ["sh", "-c", 'echo "password=$PASSWORD mode=$CFG_mode message=$MESSAGE"; echo "file=$(cat /etc/creds/password)"; while true; do echo "mode-file=$(cat /etc/config/mode)"; sleep 1; done'],
            volumeMounts: [
              { name: "config", mountPath: "/etc/config" },
              { name: "secret", mountPath: "/etc/creds" },
            ],
          },
        ],
      },
    });
    await podUntil("configured", "Running", (p) => p.status?.phase === "Running");
    await eventually(async () => ((await cluster.kubectlOk(["logs", "configured"])).includes("mode-file=fast") ? true : undefined), "the configMap file in the container");
    const logs = await cluster.kubectlOk(["logs", "configured"]);
    expect(logs).toContain("password=s3cret mode=fast message=configured says hello");
    expect(logs).toContain("file=s3cret");
    await cluster.kubectlOk(["patch", "configmap", "settings", "--type", "merge", "-p", '{"data":{"mode":"slow"}}']);
    await eventually(async () => ((await cluster.kubectlOk(["logs", "configured", "--tail", "1"])).includes("mode-file=slow") ? true : undefined), "the updated configMap file", 30_000);
  });

  it("holds a container whose Secret is missing in CreateContainerConfigError until it appears", async () => {
    await createPod({
      metadata: { name: "waits" },
      spec: { nodeName: NODE, containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "echo $TOKEN; sleep 1000"], env: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: "later", key: "token" } } }] }] },
    });
    const waiting = await podUntil("waits", "CreateContainerConfigError", (p) => status(p, "app")?.state?.waiting?.reason === "CreateContainerConfigError");
    expect(status(waiting, "app")?.state?.waiting?.message).toBe('secret "later" not found');
    await createObject("secrets", { kind: "Secret", metadata: { name: "later" }, stringData: { token: "abc" } });
    await podUntil("waits", "Running", (p) => status(p, "app")?.state?.running !== undefined);
    await eventually(async () => ((await cluster.kubectlOk(["logs", "waits"])) === "abc\n" ? true : undefined), "the secret in env");
  });

  it("tells an image-only container that the process runtime needs a command", async () => {
    await createPod({ metadata: { name: "imageonly" }, spec: { nodeName: NODE, containers: [{ name: "nginx", image: "nginx:1.27" }] } });
    const pod = await podUntil("imageonly", "CreateContainerConfigError", (p) => status(p, "nginx")?.state?.waiting?.reason === "CreateContainerConfigError");
    expect(status(pod, "nginx")?.state?.waiting?.message).toMatch(/the process runtime needs a command/);
    await cluster.kubectlOk(["delete", "pod", "imageonly", "--grace-period", "0", "--force"]);
  });

  it("stops a deleted pod's processes gracefully and the pod object goes", async () => {
    const created = await createPod({
      metadata: { name: "doomed" },
      spec: { nodeName: NODE, terminationGracePeriodSeconds: 5, containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "trap 'echo got TERM; exit 0' TERM; while true; do sleep 0.2; done"] }] },
    });
    await podUntil("doomed", "Running", (p) => p.status?.phase === "Running");
    const [record] = await containerRecords(agent.stateDir, created.metadata.uid ?? "");
    expect(record.running).toBe(true);
    await cluster.kubectlOk(["delete", "pod", "doomed", "--wait=true", "--timeout=30s"]);
    expect(await getPod("doomed")).toBeUndefined();
    expect(await isAlive(record.pid)).toBe(false);
    // The runtime's records of the pod are gone too.
    await eventually(async () => ((await containerRecords(agent.stateDir, created.metadata.uid ?? "")).length === 0 ? true : undefined), "the pod's containers removed");
  });

  it("adopts its pods after being killed and restarted: no duplicates, no restarts; cleans up pods deleted meanwhile", async () => {
    const keep = await createPod({ metadata: { name: "survivor" }, spec: { nodeName: NODE, containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "echo up; sleep 100000"] }] } });
    const gone = await createPod({ metadata: { name: "orphan" }, spec: { nodeName: NODE, containers: [{ name: "app", image: "busybox", command: ["sleep", "100000"] }] } });
    const before = await podUntil("survivor", "Running", (p) => p.status?.phase === "Running");
    await podUntil("orphan", "Running", (p) => p.status?.phase === "Running");
    const [orphanRecord] = await containerRecords(agent.stateDir, gone.metadata.uid ?? "");

    await agent.kill();
    // Deleted while the agent is away: nobody stops it until the agent is back.
    await cluster.kubectlOk(["delete", "pod", "orphan", "--grace-period", "0", "--force"]);
    agent = agents.start({ name: NODE });
    await agent.waitForLine(/ready: node proc-1/);

    await eventually(async () => ((await containerRecords(agent.stateDir, gone.metadata.uid ?? "")).length === 0 ? true : undefined), "the orphan's container cleaned up");
    expect(await isAlive(orphanRecord.pid)).toBe(false);
    const records = await containerRecords(agent.stateDir, keep.metadata.uid ?? "");
    expect(records).toHaveLength(1);
    expect(records[0].running).toBe(true);
    const after = await getPod("survivor");
    expect(status(after as Pod, "app")).toMatchObject({ restartCount: 0, containerID: status(before, "app")?.containerID, state: { running: { startedAt: status(before, "app")?.state?.running?.startedAt } } });
    // Its log still reaches kubectl through the new agent's tunnel.
    await eventually(async () => ((await cluster.kubectl(["logs", "survivor"])).stdout === "up\n" ? true : undefined), "logs through the restarted agent");
  });
});
