// The podman runtime against the real Podman service, with the images built locally by
// test/fixtures/images/build.sh (no registry is reachable). Every sandbox is made under a node
// name of this file's own and removed after each test and, as a safety net, after the file.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../src/cli/ports";
import { PodmanRuntime } from "../../../src/agent/runtime/podman";
import { normalizeImage } from "../../../src/agent/runtime/podmanimage";
import { RuntimeError, type ContainerSpec, type ManagedContainer, type Sandbox, type SandboxSpec } from "../../../src/agent/runtime/types";
import { BUSYBOX, NGINX, setUpPodman } from "./setup";

const skipReason = await setUpPodman();
if (skipReason) console.warn(`podman runtime tests skipped: ${skipReason}`);

const nodeName = `podman-test-${randomUUID().slice(0, 8)}`;
const stateDir = await mkdtemp(join(tmpdir(), "podman-test-state-"));
// Host-network pods report the node's IP, which a real agent passes; loopback keeps this local.
const runtime = new PodmanRuntime({ nodeName, stateDir, nodeIP: "127.0.0.1" });
const sandboxes: string[] = [];

function sandboxSpec(podName: string, extra: Partial<SandboxSpec> = {}): SandboxSpec {
  return { labels: { podUid: randomUUID(), podNamespace: "default", podName }, hostname: podName, hostNetwork: false, ports: [], ...extra };
}

async function sandbox(podName: string, extra: Partial<SandboxSpec> = {}): Promise<{ sandbox: Sandbox; spec: SandboxSpec }> {
  const spec = sandboxSpec(podName, extra);
  const created = await runtime.createSandbox(spec);
  sandboxes.push(created.id);
  return { sandbox: created, spec };
}

function containerSpec(pod: SandboxSpec, name: string, image: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    labels: { ...pod.labels, containerName: name, attempt: 0 },
    image,
    imagePullPolicy: "IfNotPresent",
    env: [],
    mounts: [],
    ports: [],
    limits: {},
    tty: false,
    stdin: false,
    ...extra,
  };
}

/** A sandbox with one busybox container running `sh -c script`. */
async function run(podName: string, script: string, extra: Partial<ContainerSpec> = {}): Promise<ManagedContainer> {
  const { sandbox: created, spec } = await sandbox(podName);
  return runtime.startContainer(created, containerSpec(spec, "main", BUSYBOX, { command: ["sh", "-c", script], ...extra }));
}

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** The page at url, retried while the server inside a container is starting. */
async function page(url: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    try {
      return await (await fetch(url)).text();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`nothing answered on ${url}`);
}

const logs = (id: string, options: Partial<Parameters<PodmanRuntime["logs"]>[1]> = {}): Promise<string> =>
  text(runtime.logs(id, { follow: false, timestamps: false, ...options }));

describe.skipIf(skipReason !== undefined)("podman runtime", () => {
  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((id) => runtime.removeSandbox(id)));
  });

  afterAll(async () => {
    const left = await runtime.list();
    await Promise.all(left.containers.map((container) => runtime.removeContainer(container.id)));
    await Promise.all(left.sandboxes.map((leftover) => runtime.removeSandbox(leftover.id)));
    await runtime.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("reports Podman's version", async () => {
    expect(await runtime.version()).toMatch(/^podman:\/\/\d+\.\d+\.\d+/);
  });

  it("runs a pod's containers in one network namespace: one serves on port 80, the other reaches it on localhost", async () => {
    const { sandbox: pod, spec } = await sandbox("web");
    expect(pod.ip).toMatch(/^10\.88\.\d+\.\d+$/);
    const web = await runtime.startContainer(pod, containerSpec(spec, "web", NGINX));
    expect(web.state.state).toBe("running");
    expect(web.sandboxId).toBe(pod.id);
    expect(web.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    const client = await runtime.startContainer(
      pod,
      containerSpec(spec, "client", BUSYBOX, {
        command: ["sh", "-c", "hostname; for i in $(seq 50); do wget -qO- localhost:80 && exit 0; sleep 0.1; done; exit 1"],
      }),
    );
    const exited = await runtime.waitExit(client.id);
    expect(exited).toMatchObject({ state: "exited", exitCode: 0, reason: "Completed" });
    const output = await logs(client.id);
    expect(output.split("\n")[0]).toBe("web");
    expect(output).toContain("Welcome to nginx!");
    // busybox httpd -v logs each request to its output, as nginx's access log does.
    expect(await logs(web.id)).toContain("response:200");
  });

  it("publishes a hostPort on the pod", async () => {
    const port = await freePort();
    const { sandbox: pod, spec } = await sandbox("published", { ports: [{ containerPort: 80, hostPort: port, hostIP: "127.0.0.1", protocol: "TCP" }] });
    await runtime.startContainer(pod, containerSpec(spec, "web", NGINX));
    expect(await page(`http://127.0.0.1:${port}/`)).toContain("Welcome to nginx!");
  });

  it("runs host-network pods in the machine's network namespace", async () => {
    const port = await freePort();
    const { sandbox: pod, spec } = await sandbox("host", { hostNetwork: true });
    expect(pod.ip).toBe("127.0.0.1");
    await runtime.startContainer(pod, containerSpec(spec, "web", NGINX, { command: ["httpd", "-f", "-p", `127.0.0.1:${port}`, "-h", "/usr/share/nginx/html"] }));
    expect(await page(`http://127.0.0.1:${port}/`)).toContain("Welcome to nginx!");
  });

  it("reports exit codes, reasons and times", async () => {
    const failed = await run("fails", "exit 3");
    const state = await runtime.waitExit(failed.id);
    expect(state).toMatchObject({ state: "exited", exitCode: 3, reason: "Error" });
    if (state.state !== "exited") throw new Error("not exited");
    expect(Date.parse(state.finishedAt)).toBeGreaterThanOrEqual(Date.parse(state.startedAt ?? ""));
    expect(await runtime.inspect(failed.id)).toEqual(state);

    const succeeded = await run("succeeds", "true");
    expect(await runtime.waitExit(succeeded.id)).toMatchObject({ state: "exited", exitCode: 0, reason: "Completed" });
    // Waiting on a container that has already exited answers at once.
    expect(await runtime.waitExit(succeeded.id)).toMatchObject({ exitCode: 0 });
  });

  it("passes env, working directory and bind mounts, and reads the termination message", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podman-test-"));
    try {
      await writeFile(join(dir, "greeting"), "hello from the host");
      const container = await run("config", 'echo "$GREETING $(pwd) $(cat /config/greeting)"; touch /config/x || echo read-only; echo bye > /dev/termination-log; exit 2', {
        env: [
          { name: "GREETING", value: "hi" },
          { name: "GREETING", value: "hello" },
        ],
        workingDir: "/tmp",
        mounts: [{ hostPath: dir, containerPath: "/config", readOnly: true }],
        terminationMessagePath: "/dev/termination-log",
      });
      const state = await runtime.waitExit(container.id);
      expect(state).toMatchObject({ state: "exited", exitCode: 2, reason: "Error", message: "bye\n" });
      const output = await logs(container.id);
      expect(output).toContain("hello /tmp hello from the host");
      expect(output).toContain("read-only");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs the image's command unless told otherwise, and args alone replace only the image's cmd", async () => {
    const { sandbox: pod, spec } = await sandbox("commands");
    const byArgs = await runtime.startContainer(pod, containerSpec(spec, "args", BUSYBOX, { args: ["echo", "from args"] }));
    expect(await runtime.waitExit(byArgs.id)).toMatchObject({ exitCode: 0 });
    expect(await logs(byArgs.id)).toBe("from args\n");
    const commandOnly = await runtime.startContainer(pod, containerSpec(spec, "command", BUSYBOX, { command: ["echo", "just the command"] }));
    await runtime.waitExit(commandOnly.id);
    expect(await logs(commandOnly.id)).toBe("just the command\n");
  });

  it("filters system calls only when the pod asks for a seccomp profile, as the kubelet does", async () => {
    const seccompMode = async (extra: Partial<ContainerSpec>): Promise<string> => {
      const container = await run("seccomp", "grep ^Seccomp: /proc/self/status", extra);
      await runtime.waitExit(container.id);
      return logs(container.id);
    };
    // 0: no filter; 2: a filter is loaded.
    expect(await seccompMode({})).toMatch(/^Seccomp:\s+0$/m);
    expect(await seccompMode({ seccompProfile: { type: "RuntimeDefault" } })).toMatch(/^Seccomp:\s+2$/m);
  });

  it("enforces memory and cpu limits: an allocation past the limit is OOMKilled", async () => {
    const quota = await run("cpu", "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us", { limits: { milliCpu: 250 } });
    await runtime.waitExit(quota.id);
    expect((await logs(quota.id)).split("\n").slice(0, 2)).toEqual(["25000", "100000"]);

    // dd allocates its block size at once.
    const hog = await run("hog", "dd if=/dev/zero of=/dev/null bs=64M count=1", { limits: { memoryBytes: 16 * 1024 * 1024 } });
    expect(await runtime.waitExit(hog.id)).toMatchObject({ state: "exited", exitCode: 137, reason: "OOMKilled" });
  });

  it("reports usage of a running container and none once it is gone", async () => {
    const busy = await run("usage", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 1000");
    let usage = await runtime.usage(busy.id);
    for (let i = 0; i < 50 && (usage?.cpuNanos ?? 0) < 1_000_000; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      usage = await runtime.usage(busy.id);
    }
    expect(usage?.cpuNanos).toBeGreaterThanOrEqual(1_000_000);
    expect(usage?.memoryBytes).toBeGreaterThan(0);
    await runtime.removeContainer(busy.id);
    expect(await runtime.usage(busy.id)).toBeUndefined();
  });

  it("serves logs with tail, since, timestamps and a byte limit", async () => {
    const container = await run("logs", "for i in 1 2 3 4 5; do echo line $i; done; echo to-stderr >&2");
    await runtime.waitExit(container.id);
    expect(await logs(container.id)).toBe("line 1\nline 2\nline 3\nline 4\nline 5\nto-stderr\n");
    expect(await logs(container.id, { tailLines: 2 })).toBe("line 5\nto-stderr\n");
    expect(await logs(container.id, { limitBytes: 10 })).toBe("line 1\nlin");
    expect(await logs(container.id, { sinceTime: new Date(Date.now() + 3_600_000).toISOString() })).toBe("");
    expect(await logs(container.id, { sinceSeconds: 3600, tailLines: 1 })).toBe("to-stderr\n");
    const stamped = (await logs(container.id, { timestamps: true, tailLines: 2 })).trimEnd().split("\n");
    expect(stamped).toHaveLength(2);
    for (const line of stamped) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (line 5|to-stderr)$/);
  });

  it("serves the output of a container with a terminal", async () => {
    const container = await run("tty", "echo one; echo two", { tty: true });
    await runtime.waitExit(container.id);
    expect(await logs(container.id)).toBe("one\r\ntwo\r\n");
    await expect(logs("no-such-container")).rejects.toMatchObject({ reason: "NotFound" });
  });

  it("follows logs until the container exits", async () => {
    const container = await run("follow", "echo first; sleep 1.5; echo second; sleep 0.5; echo third");
    const started = Date.now();
    const received: { line: string; at: number }[] = [];
    for await (const chunk of runtime.logs(container.id, { follow: true, timestamps: false })) {
      for (const line of Buffer.from(chunk).toString("utf8").split("\n").filter(Boolean)) received.push({ line, at: Date.now() - started });
    }
    expect(received.map((entry) => entry.line)).toEqual(["first", "second", "third"]);
    // Lines arrive as they are written, not all at the end.
    expect(received[0].at).toBeLessThan(received[2].at - 1000);
    expect(await runtime.inspect(container.id)).toMatchObject({ state: "exited", exitCode: 0 });
  });

  it("stops following when the caller aborts", async () => {
    const container = await run("ticks", "while true; do echo tick; sleep 0.1; done");
    const controller = new AbortController();
    let ticks = 0;
    for await (const chunk of runtime.logs(container.id, { follow: true, timestamps: false, signal: controller.signal })) {
      ticks += Buffer.from(chunk).toString("utf8").split("tick").length - 1;
      if (ticks >= 3) controller.abort();
    }
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it("executes commands in a running container", async () => {
    const container = await run("exec", "sleep 1000");
    expect(await runtime.exec(container.id, ["sh", "-c", "echo out; echo err >&2; exit 7"], 10_000)).toEqual({ exitCode: 7, output: "out\nerr\n" });
    expect(await runtime.exec(container.id, ["cat", "/proc/1/cmdline"], 10_000)).toEqual({ exitCode: 0, output: "sleep\x001000\x00" });
    const missing = await runtime.exec(container.id, ["/no/such/command"], 10_000);
    expect(missing.exitCode).toBe(127);
    const big = await runtime.exec(container.id, ["sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"], 10_000);
    expect(big).toMatchObject({ exitCode: 0 });
    expect(big.output).toHaveLength(10 * 1024);
    const started = Date.now();
    await expect(runtime.exec(container.id, ["sleep", "5"], 500)).rejects.toThrow(/timed out after 500 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(runtime.exec("no-such-container", ["true"], 1000)).rejects.toMatchObject({ reason: "NotFound" });
  });

  it("stops a container with SIGTERM, and with SIGKILL once the grace period is over", async () => {
    const polite = await run("polite", 'trap "echo terminated; exit 0" TERM; while true; do sleep 0.1; done');
    let started = Date.now();
    await runtime.stopContainer(polite.id, 30);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await runtime.inspect(polite.id)).toMatchObject({ state: "exited", exitCode: 0, reason: "Completed" });
    expect(await logs(polite.id)).toBe("terminated\n");

    const stubborn = await run("stubborn", 'trap "" TERM; while true; do sleep 0.1; done');
    started = Date.now();
    await runtime.stopContainer(stubborn.id, 2);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(10_000);
    expect(await runtime.inspect(stubborn.id)).toMatchObject({ state: "exited", exitCode: 137, reason: "Error" });
    // Stopping what has stopped, or is gone, is not an error.
    await runtime.stopContainer(stubborn.id, 2);
    await runtime.removeContainer(stubborn.id);
    await runtime.stopContainer(stubborn.id, 2);
    await runtime.removeContainer(stubborn.id);
    await expect(runtime.inspect(stubborn.id)).rejects.toMatchObject({ reason: "NotFound" });
  });

  it("resolves waitExit when a running container is stopped", async () => {
    const container = await run("waited", "sleep 1000");
    const exit = runtime.waitExit(container.id);
    await runtime.stopContainer(container.id, 0);
    expect(await exit).toMatchObject({ state: "exited", exitCode: 137 });
  });

  it("lets a new runtime instance adopt what an earlier one started, and only on its own node", async () => {
    const { sandbox: pod, spec } = await sandbox("adopted");
    const container = await runtime.startContainer(pod, { ...containerSpec(spec, "app", BUSYBOX, { command: ["sleep", "1000"] }), labels: { ...spec.labels, containerName: "app", attempt: 3 } });

    const restarted = new PodmanRuntime({ nodeName, stateDir });
    const elsewhere = new PodmanRuntime({ nodeName: `${nodeName}-other`, stateDir });
    try {
      const found = await restarted.list();
      expect(found.sandboxes).toContainEqual({ id: pod.id, ip: pod.ip, labels: spec.labels });
      const adopted = found.containers.find((candidate) => candidate.id === container.id);
      expect(adopted).toMatchObject({ sandboxId: pod.id, labels: { ...spec.labels, containerName: "app", attempt: 3 }, state: { state: "running" } });
      // Infra containers are the sandbox, not containers.
      expect(found.containers.filter((candidate) => candidate.sandboxId === pod.id)).toHaveLength(1);
      expect(await restarted.exec(container.id, ["true"], 10_000)).toMatchObject({ exitCode: 0 });

      const other = await elsewhere.list();
      expect(other.sandboxes.map((candidate) => candidate.id)).not.toContain(pod.id);
      expect(other.containers.map((candidate) => candidate.id)).not.toContain(container.id);
    } finally {
      await restarted.close();
      await elsewhere.close();
    }
  });

  it("removes a sandbox with its containers", async () => {
    const container = await run("removed", "sleep 1000");
    const id = sandboxes.pop() ?? "";
    await runtime.removeSandbox(id);
    await expect(runtime.inspect(container.id)).rejects.toMatchObject({ reason: "NotFound" });
    expect((await runtime.list()).sandboxes.map((candidate) => candidate.id)).not.toContain(id);
    // Again: already gone is fine.
    await runtime.removeSandbox(id);
  });

  it("fails to start a container whose command does not exist, leaving nothing behind", async () => {
    const { sandbox: pod, spec } = await sandbox("broken");
    const error = await runtime.startContainer(pod, containerSpec(spec, "broken", BUSYBOX, { command: ["/no/such/binary"] })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toMatchObject({ reason: "RunContainerError", message: expect.stringContaining("/no/such/binary") });
    const { containers } = await runtime.list();
    expect(containers.filter((candidate) => candidate.sandboxId === pod.id)).toEqual([]);
  });

  it("applies pull policies to local images without going to a registry", async () => {
    let started = Date.now();
    await runtime.ensureImage(NGINX, "IfNotPresent");
    await runtime.ensureImage("docker.io/library/busybox:1.36", "Never");
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(runtime.ensureImage("localhost/edgeplane/does-not-exist:1.0", "Never")).rejects.toMatchObject({
      reason: "ErrImageNeverPull",
      message: 'Container image "localhost/edgeplane/does-not-exist:1.0" is not present with pull policy of Never',
    });
    await expect(runtime.ensureImage("Not A/valid image!", "IfNotPresent")).rejects.toMatchObject({ reason: "InvalidImageName" });

    // A missing image is pulled, and the pull fails: the registry named (this machine) has none.
    started = Date.now();
    const error = await runtime.ensureImage("localhost/edgeplane/does-not-exist:1.0", "IfNotPresent").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toMatchObject({ reason: "ErrImagePull", message: expect.stringMatching(/^Failed to pull image "localhost\/edgeplane\/does-not-exist:1.0": .*connection refused/) });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("normalizes image references as Kubernetes does", () => {
    expect(normalizeImage("nginx")).toBe("docker.io/library/nginx:latest");
    expect(normalizeImage("nginx:1.7.9")).toBe("docker.io/library/nginx:1.7.9");
    expect(normalizeImage("bitnami/nginx:1.25")).toBe("docker.io/bitnami/nginx:1.25");
    expect(normalizeImage("index.docker.io/library/busybox")).toBe("docker.io/library/busybox:latest");
    expect(normalizeImage("localhost/edgeplane/busybox")).toBe("localhost/edgeplane/busybox:latest");
    expect(normalizeImage("localhost:5000/team/app:v2")).toBe("localhost:5000/team/app:v2");
    expect(normalizeImage("registry.k8s.io/pause:3.9")).toBe("registry.k8s.io/pause:3.9");
    const digest = `sha256:${"a".repeat(64)}`;
    expect(normalizeImage(`quay.io/app@${digest}`)).toBe(`quay.io/app@${digest}`);
    expect(normalizeImage(`app:1@${digest}`)).toBe(`docker.io/library/app:1@${digest}`);
    expect(normalizeImage("Nginx")).toBeUndefined();
    expect(normalizeImage("nginx:")).toBeUndefined();
    expect(normalizeImage("")).toBeUndefined();
  });
});
