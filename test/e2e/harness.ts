// End-to-end harness: each test file gets its own control plane (the same start-up as
// `edgeplane dev`, on a free port with a temporary state folder), the installed kubectl pointed
// at it, and a raw HTTP client with the admin token.
import type { ChildProcess } from "node:child_process";
import type { IncomingHttpHeaders } from "node:http";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startControlPlane, type ControlPlane } from "../../src/cli/controlplane";
import { request } from "../../src/cli/http";
import { runKubectl, startKubectl, type KubectlProcess, type KubectlResult } from "./kubectl";

export interface KubectlOptions {
  /** Written to kubectl's stdin (for `-f -`). */
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

export interface Cluster {
  url: string;
  token: string;
  /** The server's certificate, for HTTPS clients. */
  caCert: string;
  kubeconfigPath: string;
  stateDir: string;
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** kubectl that must succeed: returns stdout, throws with the output otherwise. */
  kubectlOk(args: string[], options?: KubectlOptions): Promise<string>;
  /** A kubectl left running (`get -w`): its lines as they come. */
  kubectlStart(args: string[], options?: KubectlOptions): Promise<KubectlProcess>;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** Writes a file into the state folder (manifests, editor scripts) and returns its path. */
  file(name: string, content: string, mode?: number): Promise<string>;
  /** Stops the Worker and starts it again on the same port, with the state wrangler dev persisted. */
  restart(): Promise<void>;
}

const KUBECTL_TIMEOUT_MS = 60_000;
// E2E_KEEP=1 keeps the state folders, with the server's output in server.log, for a post-mortem.
const KEEP_STATE = process.env.E2E_KEEP === "1";

/** Starts a control plane for the calling test file; it is stopped after the file's last test. */
export function useCluster(): Cluster {
  let controlPlane: ControlPlane | undefined;
  let stateDir = "";
  let runs = 0;
  const serverLog: string[] = [];
  const running = new Set<ChildProcess>();
  // kubectl processes left running (a test that failed or timed out) are killed after the file
  // and when the test process exits; the control plane's processes are killed on exit by its
  // own child process list.
  const killKubectls = (): void => {
    for (const proc of running) proc.kill("SIGKILL");
  };
  const track = (proc: ChildProcess, alive: boolean): void => {
    if (alive) running.add(proc);
    else running.delete(proc);
  };

  const start = async (port: number): Promise<void> => {
    try {
      controlPlane = await startControlPlane({ port, stateDir, log: (line) => serverLog.push(line) });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- server output ---\n${serverLog.slice(-60).join("\n")}`);
    }
  };

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "edgeplane-e2e-"));
    process.on("exit", killKubectls);
    await start(0);
  });

  afterAll(async () => {
    killKubectls();
    process.off("exit", killKubectls);
    await controlPlane?.stop();
    if (KEEP_STATE) {
      await writeFile(join(stateDir, "server.log"), serverLog.join("\n"));
      console.log(`e2e state kept in ${stateDir}`);
    } else if (stateDir) {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  const started = (): ControlPlane => {
    if (!controlPlane) throw new Error("the control plane is not running (did beforeAll fail?)");
    return controlPlane;
  };

  const spec = async (args: string[], options: KubectlOptions) => {
    // A fresh discovery cache per run, so that every command sees the server's discovery as it is.
    const cacheDir = join(stateDir, "kubectl-cache", String(runs++));
    await mkdir(cacheDir, { recursive: true });
    const { kubeconfigPath } = started();
    return {
      argv: ["--kubeconfig", kubeconfigPath, "--cache-dir", cacheDir, ...args],
      env: { ...process.env, KUBECONFIG: kubeconfigPath, ...options.env },
      input: options.input,
      track,
    };
  };

  const kubectl = async (args: string[], options: KubectlOptions = {}): Promise<KubectlResult> =>
    runKubectl(await spec(args, options), options.timeoutMs ?? KUBECTL_TIMEOUT_MS);

  return {
    get url() {
      return started().url;
    },
    get token() {
      return started().token;
    },
    get caCert() {
      return started().caCert;
    },
    get kubeconfigPath() {
      return started().kubeconfigPath;
    },
    get stateDir() {
      return stateDir;
    },
    kubectl,
    async kubectlOk(args, options) {
      const result = await kubectl(args, options);
      if (result.code !== 0) {
        throw new Error(`kubectl ${args.join(" ")} failed (${result.code}):\n${result.stderr}${result.stdout}`);
      }
      return result.stdout;
    },
    async kubectlStart(args, options = {}) {
      return startKubectl(await spec(args, options));
    },
    async api(method, path, body, headers = {}) {
      const allHeaders: Record<string, string> = { authorization: `Bearer ${started().token}`, ...headers };
      let payload: string | undefined;
      if (typeof body === "string") payload = body;
      else if (body !== undefined) {
        payload = JSON.stringify(body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
          allHeaders["content-type"] = "application/json";
        }
      }
      const { url, caCert } = started();
      const res = await request(url + path, { method, headers: allHeaders, body: payload, ca: caCert });
      let json: unknown;
      if ((res.headers["content-type"] ?? "").includes("json")) {
        try {
          json = JSON.parse(res.text);
        } catch {
          json = undefined;
        }
      }
      return { ...res, json };
    },
    async restart() {
      const port = Number(new URL(started().url).port);
      await started().stop();
      controlPlane = undefined;
      await start(port);
    },
    async file(name, content, mode) {
      const dir = join(stateDir, "files");
      await mkdir(dir, { recursive: true });
      const path = join(dir, name);
      await writeFile(path, content, mode === undefined ? {} : { mode });
      return path;
    },
  };
}
