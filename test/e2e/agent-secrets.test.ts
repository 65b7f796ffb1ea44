// Secrets reaching pods through the agent: the pod sees a Secret's value in env and in a mounted
// file, and the file changes when the Secret does; every pod gets its service account's token,
// namespace and CA at /var/run/secrets/kubernetes.io/serviceaccount unless it opts out. Run by an
// agent with the admin credential, and by an agent that joined as a node with least privilege
// (`edgeplane join`: a bootstrap token traded for a system:node credential, through the Node
// authorizer and NodeRestriction), which watches each referenced object by name and for which
// another pod's Secret stays out of reach.
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

  it("gives a pod its service account token, namespace and CA, bound to the pod", async () => {
    const podName = `sa-${node}`;
    const dir = "/var/run/secrets/kubernetes.io/serviceaccount";
    await apply("pods", {
      kind: "Pod",
      metadata: { name: podName },
      spec: {
        nodeName: node,
        containers: [{ name: "app", image: "busybox", command: ["sh", "-c", `echo "namespace=$(cat ${dir}/namespace)"; echo "token=$(cat ${dir}/token)"; echo "ca=$(base64 -w0 ${dir}/ca.crt)"; sleep 3600`] }],
      },
    });
    const created = await pod(podName);
    const volume = created?.spec?.volumes?.find((v) => v.name.startsWith("kube-api-access-"));
    expect(volume?.projected?.sources?.[0].serviceAccountToken).toEqual({ path: "token", expirationSeconds: 3607 });
    expect(created?.spec?.containers?.[0].volumeMounts).toEqual([{ name: volume?.name, readOnly: true, mountPath: dir }]);

    await eventually(async () => ((await pod(podName))?.status?.phase === "Running" ? true : undefined), "the pod running", 60_000);
    const logs = await eventually(async () => {
      const out = await cluster.kubectlOk(["logs", podName]);
      return out.includes("ca=") ? out : undefined;
    }, "the service account files", 60_000);
    const field = (name: string) => logs.match(new RegExp(`^${name}=(.*)$`, "m"))?.[1] ?? "";
    expect(field("namespace")).toBe("default");
    expect(Buffer.from(field("ca"), "base64").toString()).toBe(`${cluster.caCert.trim()}\n`);
    const token = field("token");
    expect(token.split(".")).toHaveLength(3);
    const whoami = await cluster.kubectlOk(["auth", "whoami", "--token", token, "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.extra.authentication\\.kubernetes\\.io/pod-name}"]);
    expect(whoami).toBe(`system:serviceaccount:default:default ["${podName}"]`);

    // The token is bound to the pod: it stops working when the pod is gone.
    await cluster.kubectlOk(["delete", "pod", podName, "--grace-period", "1"]);
    const after = await cluster.kubectl(["auth", "whoami", "--token", token]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain("Unauthorized");
  });

  it("mounts nothing when the pod opts out", async () => {
    const podName = `no-sa-${node}`;
    await apply("pods", { kind: "Pod", metadata: { name: podName }, spec: { nodeName: node, automountServiceAccountToken: false, containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "ls /var/run/secrets/kubernetes.io/serviceaccount || echo none; sleep 3600"] }] } });
    expect((await pod(podName))?.spec?.volumes ?? []).toEqual([]);
    await eventually(async () => ((await pod(podName))?.status?.phase === "Running" ? true : undefined), "the pod running", 60_000);
    await eventually(async () => ((await cluster.kubectlOk(["logs", podName])).includes("none") ? true : undefined), "the pod's output", 60_000);
    await cluster.kubectlOk(["delete", "pod", podName, "--grace-period", "1"]);
  });

  return () => kubeconfig;
}

describe("an agent with the admin credential", () => {
  scenario("admin-1", async () => cluster.kubeconfigPath);
});

describe("an agent that joined as a node", () => {
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
    // What the agent's per-object watches ask: a list/watch narrowed to one name its pods reference.
    expect((await asNode(["get", "secrets", "--field-selector", `metadata.name=db-${NODE}`, "-o", "name"])).stdout.trim()).toBe(`secret/db-${NODE}`);
    expect((await asNode(["get", "configmap", "kube-root-ca.crt", "-o", "name"])).stdout.trim()).toBe("configmap/kube-root-ca.crt");
    // Not the Secret only node admin-1's pod references, nor every Secret.
    for (const args of [["get", "secret", "db-admin-1"], ["get", "secrets", "--field-selector", "metadata.name=db-admin-1"], ["get", "secrets"], ["get", "secrets", "-A"]]) {
      const refused = await asNode(args);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`User "system:node:${NODE}" cannot`);
    }
  });
});

describe("kube-root-ca.crt", () => {
  const caOf = async (namespace: string) => {
    const res = await cluster.api("GET", `/api/v1/namespaces/${namespace}/configmaps/kube-root-ca.crt`);
    return res.status === 200 ? ((res.json as { data?: Record<string, string> }).data ?? {}) : undefined;
  };

  it("is published in every namespace with the CA the API serves with, and put back when edited or deleted", async () => {
    await cluster.kubectlOk(["create", "namespace", "ca-check"]);
    const want = { "ca.crt": `${cluster.caCert.trim()}\n` };
    await eventually(async () => ((await caOf("ca-check"))?.["ca.crt"] ? true : undefined), "kube-root-ca.crt in a new namespace");
    expect(await caOf("ca-check")).toEqual(want);
    await cluster.kubectlOk(["-n", "ca-check", "patch", "configmap", "kube-root-ca.crt", "--type", "merge", "-p", JSON.stringify({ data: { "ca.crt": "edited" } })]);
    await eventually(async () => ((await caOf("ca-check"))?.["ca.crt"] === want["ca.crt"] ? true : undefined), "the edit undone");
    await cluster.kubectlOk(["-n", "ca-check", "delete", "configmap", "kube-root-ca.crt"]);
    await eventually(async () => ((await caOf("ca-check"))?.["ca.crt"] === want["ca.crt"] ? true : undefined), "the ConfigMap back");
    await cluster.kubectlOk(["delete", "namespace", "ca-check", "--wait=false"]);
  });
});
