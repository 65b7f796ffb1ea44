// The local control plane itself: access with and without the token, the cron trigger path,
// state that survives a restart, and `edgeplane dev` stopping everything on Ctrl-C.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startControlPlane } from "../../src/cli/controlplane";
import { request } from "../../src/cli/http";
import { freePort } from "../../src/cli/ports";
import { useCluster } from "./harness";
import { runKubectl } from "./kubectl";

const cluster = useCluster();
const BIN = join(import.meta.dirname, "..", "..", "bin", "edgeplane.mjs");

describe("access", () => {
  it("answers /readyz, /livez and /healthz with the admin token", async () => {
    for (const path of ["/readyz", "/livez", "/healthz"]) {
      const res = await cluster.api("GET", path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toBe("ok");
    }
  });

  it("refuses a wrong token: 401 Unauthorized as a Status", async () => {
    const res = await request(`${cluster.url}/api/v1/namespaces`, { headers: { authorization: "Bearer not-the-token" }, ca: cluster.caCert });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "Unauthorized", code: 401 });
  });

  it("lets no request without a token read the API (401, or 403 for system:anonymous as Kubernetes answers)", async () => {
    const res = await request(`${cluster.url}/api/v1/namespaces`, { ca: cluster.caCert });
    expect([401, 403]).toContain(res.status);
    expect(JSON.parse(res.text)).toMatchObject({ kind: "Status", status: "Failure", reason: res.status === 401 ? "Unauthorized" : "Forbidden" });
  });

  it("writes a kubeconfig with the context edgeplane, the HTTPS server, its certificate and the token; all private", async () => {
    const config = parse(await readFile(cluster.kubeconfigPath, "utf8"));
    expect(config["current-context"]).toBe("edgeplane");
    expect(cluster.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(config.clusters[0].cluster.server).toBe(cluster.url);
    expect(Buffer.from(config.clusters[0].cluster["certificate-authority-data"], "base64").toString()).toBe(cluster.caCert);
    expect(config.users[0].user.token).toBe(cluster.token);
    expect(cluster.token).toMatch(/^[0-9a-f]{64}$/);
    for (const file of [cluster.kubeconfigPath, join(cluster.stateDir, "admin-token"), join(cluster.stateDir, "tls", "key.pem")]) {
      expect((await stat(file)).mode & 0o077, file).toBe(0);
    }
  });

  it("runs the Worker's scheduled() through the path the CLI's cron trigger calls", async () => {
    const res = await cluster.api("GET", `/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${Date.now()}&format=json`);
    expect(res.json).toEqual({ outcome: "ok", noRetry: false });
  });
});

describe("restart", () => {
  it("keeps the token and the objects in the state folder", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "edgeplane-e2e-restart-"));
    const log: string[] = [];
    const options = { port: await freePort(), stateDir, log: (line: string) => log.push(line) };
    try {
      const first = await startControlPlane(options);
      const created = await request(`${first.url}/api/v1/namespaces/default/configmaps`, {
        method: "POST",
        headers: { authorization: `Bearer ${first.token}`, "content-type": "application/json" },
        body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "survivor" }, data: { a: "1" } }),
        ca: first.caCert,
      });
      expect(created.status).toBe(201);
      await first.stop();

      const second = await startControlPlane(options);
      try {
        expect(second.token).toBe(first.token);
        expect(second.caCert).toBe(first.caCert);
        const res = await request(`${second.url}/api/v1/namespaces/default/configmaps/survivor`, {
          headers: { authorization: `Bearer ${second.token}` },
          ca: second.caCert,
        });
        expect(res.status).toBe(200);
        expect(JSON.parse(res.text)).toMatchObject({ data: { a: "1" } });
      } finally {
        await second.stop();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

describe("edgeplane dev", () => {
  it("starts, prints the next steps, serves kubectl and stops every process on Ctrl-C", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "edgeplane-e2e-dev-"));
    const port = await freePort();
    // Its own process group, as a terminal gives it: Ctrl-C goes to the whole group.
    const dev = spawn(process.execPath, [BIN, "dev", "--port", String(port), "--state", stateDir], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    const exited = new Promise<number | null>((resolve) => dev.once("exit", (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: dev.stdout }).on("line", (line) => {
        output.push(line);
        if (line.includes("Press Ctrl-C to stop")) resolve();
      });
      dev.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
      void exited.then((code) => reject(new Error(`edgeplane dev exited (${code}):\n${output.join("\n")}`)));
    });
    try {
      await ready;
      const text = output.join("\n");
      const kubeconfig = join(stateDir, "kubeconfig");
      expect(text).toContain(`export KUBECONFIG=${kubeconfig}`);
      expect(text).toMatch(/^\s+kubectl apply -f \S*examples\/nginx-deployment\.yaml$/m);

      const cacheDir = join(stateDir, "kubectl-cache");
      const get = await runKubectl(
        { argv: ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, "get", "ns", "default", "-o", "name"], env: process.env, track: () => {} },
        30_000,
      );
      expect(get.stderr).toBe("");
      expect(get.stdout.trim()).toBe("namespace/default");

      process.kill(-(dev.pid ?? 0), "SIGINT");
      expect(await exited).toBe(0);
      expect(output.join("\n")).toContain("stopped");
      // Nothing it started is left: no process mentions the state folder, the port is closed.
      const leftovers = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" })
        .split("\n")
        .filter((line) => line.includes(stateDir));
      expect(leftovers).toEqual([]);
      expect(await portOpen(port)).toBe(false);
    } finally {
      if (dev.exitCode === null && dev.pid) process.kill(-dev.pid, "SIGKILL");
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
