// Secrets reaching pods through the agent: the pod sees a Secret's value in env and in a mounted
// file, and the file changes when the Secret does. Run by an agent with the admin credential,
// and by an agent that joined as a node with least privilege (`edgeplane join`: a bootstrap token
// traded for a system:node credential, through the Node authorizer and NodeRestriction), for
// which another pod's Secret stays out of reach.
//
// The joined agent is skipped for now: it keeps Secrets and ConfigMaps with one watch across all
// namespaces (src/agent/pods/objects.ts), which a node may not make (Kubernetes' kubelet watches
// each referenced object by name, fieldSelector=metadata.name=<name>, which the Node authorizer
// allows). Enable it when the agent watches per object.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../src/apis/core/v1/pod";
import { useAgents } from "./agent-harness";
import { useCluster } from "./harness";
import { eventually } from "./wait";

const cluster = useCluster();
const agents = useAgents(cluster);
const NODE = "joined-1";
const BIN = join(import.meta.dirname, "..", "..", "bin", "edgeplane.mjs");

async function edgeplane(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args, "--kubeconfig", cluster.kubeconfigPath], { timeout: 60_000 });
  return stdout;
}

async function apply(resource: string, manifest: Record<string, unknown>): Promise<void> {
  const res = await cluster.api("POST", `/api/v1/namespaces/default/${resource}`, { apiVersion: "v1", ...manifest });
  if (res.status !== 201) throw new Error(`create ${resource}: ${res.status} ${res.text}`);
}

async function pod(name: string): Promise<Pod | undefined> {
  const res = await cluster.api("GET", `/api/v1/namespaces/default/pods/${name}`);
  return res.status === 200 ? (res.json as Pod) : undefined;
}

function scenario(node: string, credential: () => Promise<string>) {
  let kubeconfig = "";

  beforeAll(async () => {
    kubeconfig = await credential();
    agents.start({ name: node, args: ["--kubeconfig", kubeconfig] });
    await eventually(async () => ((await cluster.kubectl(["get", "node", node])).code === 0 ? true : undefined), "the node registered", 60_000);
  });

  it("gives a pod a Secret's value in env and in a file, and updates the file when the Secret changes", async () => {
    const secret = `db-${node}`;
    const podName = `reader-${node}`;
    await apply("secrets", { kind: "Secret", metadata: { name: secret }, stringData: { password: "first-pass" } });
    await apply("pods", {
      kind: "Pod",
      metadata: { name: podName },
      spec: {
        nodeName: node,
        volumes: [{ name: "db", secret: { secretName: secret } }],
        containers: [
          {
            name: "app",
            image: "busybox",
            env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "password" } } }],
            command: ["sh", "-c", 'echo "env=$PASSWORD"; while true; do echo "file=$(cat /etc/db/password)"; sleep 1; done'],
            volumeMounts: [{ name: "db", mountPath: "/etc/db" }],
          },
        ],
      },
    });
    await eventually(async () => ((await pod(podName))?.status?.phase === "Running" ? true : undefined), "the pod running", 60_000);
    await eventually(async () => ((await cluster.kubectlOk(["logs", podName])).includes("file=first-pass") ? true : undefined), "the secret file");
    expect(await cluster.kubectlOk(["logs", podName])).toContain("env=first-pass");
    await cluster.kubectlOk(["patch", "secret", secret, "--type", "merge", "-p", JSON.stringify({ stringData: { password: "second-pass" } })]);
    await eventually(async () => ((await cluster.kubectlOk(["logs", podName, "--tail", "1"])).includes("file=second-pass") ? true : undefined), "the updated secret file", 60_000);
  });

  return () => kubeconfig;
}

describe("an agent with the admin credential", () => {
  scenario("admin-1", async () => cluster.kubeconfigPath);
});

describe.skip("an agent that joined as a node", () => {
  const kubeconfig = scenario(NODE, async () => {
    const token = (await edgeplane(["token", "create", "--ttl", "10m", "--description", "e2e join"])).trim();
    const path = join(cluster.stateDir, `${NODE}.kubeconfig`);
    await edgeplane(["join", "--token", token, "--node", NODE, "--out", path]);
    return path;
  });

  it("reads its pods' Secrets and no other", async () => {
    await apply("secrets", { kind: "Secret", metadata: { name: "elsewhere" }, stringData: { password: "not-yours" } });
    const asNode = (args: string[]) => cluster.kubectl(["--kubeconfig", kubeconfig(), ...args]);
    expect((await asNode(["get", "secret", `db-${NODE}`, "-o", "name"])).stdout.trim()).toBe(`secret/db-${NODE}`);
    const other = await asNode(["get", "secret", "elsewhere"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`secrets "elsewhere" is forbidden: User "system:node:${NODE}" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node '${NODE}' and this object`);
  });
});
