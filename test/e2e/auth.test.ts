// Who may do what, with the real kubectl and the edgeplane CLI against a local control plane:
// `kubectl auth whoami` and `kubectl auth can-i` (with --list) as a namespaced editor using a
// token from `kubectl create token`, 401 for expired tokens, bootstrap tokens through
// `edgeplane token`, and a Secret's value nowhere in the local D1 files.
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { useCluster } from "./harness";

const cluster = useCluster();
const BIN = join(import.meta.dirname, "..", "..", "bin", "edgeplane.mjs");

async function edgeplane(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args, "--kubeconfig", cluster.kubeconfigPath], { timeout: 60_000 });
  return stdout;
}

/** Rows of kubectl's tab-aligned output, split on runs of two or more spaces. */
function rows(out: string): string[][] {
  return out
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s{2,}/));
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}

describe("kubectl auth", () => {
  it("whoami names the admin", async () => {
    const out = await cluster.kubectlOk(["auth", "whoami"]);
    expect(rows(out)).toEqual([
      ["ATTRIBUTE", "VALUE"],
      ["Username", "kubernetes-admin"],
      ["Groups", "[system:masters system:authenticated]"],
    ]);
  });

  it("can-i answers for a namespaced editor with a token from kubectl create token", async () => {
    await cluster.kubectlOk(["create", "namespace", "team"]);
    await cluster.kubectlOk(["create", "serviceaccount", "dev", "-n", "team"]);
    await cluster.kubectlOk(["create", "rolebinding", "dev-edits", "--clusterrole=edit", "--serviceaccount=team:dev", "-n", "team"]);
    const token = (await cluster.kubectlOk(["create", "token", "dev", "-n", "team", "--duration=15m"])).trim();
    expect(token.split(".")).toHaveLength(3);
    const as = (args: string[]) => cluster.kubectl([`--token=${token}`, ...args]);
    expect(rows((await as(["auth", "whoami"])).stdout)).toEqual([
      ["ATTRIBUTE", "VALUE"],
      ["Username", "system:serviceaccount:team:dev"],
      ["UID", expect.stringMatching(/^[0-9a-f-]{36}$/)],
      ["Groups", "[system:serviceaccounts system:serviceaccounts:team system:authenticated]"],
      ["Extra: authentication.kubernetes.io/credential-id", expect.stringMatching(/^\[JTI=[0-9a-f-]{36}\]$/)],
    ]);
    const yes = await as(["auth", "can-i", "create", "deployments", "-n", "team"]);
    expect([yes.code, yes.stdout.trim()]).toEqual([0, "yes"]);
    const no = await as(["auth", "can-i", "create", "deployments", "-n", "default"]);
    expect([no.code, no.stdout.trim()]).toEqual([1, "no"]);
    expect((await as(["auth", "can-i", "get", "secrets", "-n", "team"])).stdout.trim()).toBe("yes");
    expect((await as(["auth", "can-i", "create", "rolebindings", "-n", "team"])).stdout.trim()).toBe("no");
    expect((await as(["auth", "can-i", "list", "nodes"])).stdout.trim()).toMatch(/^no/);

    const list = await as(["auth", "can-i", "--list", "-n", "team"]);
    expect(list.code).toBe(0);
    const table = rows(list.stdout);
    expect(table[0]).toEqual(["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]);
    const verbsOf = (resource: string) => table.find((r) => r[0] === resource)?.slice(1);
    // What kubectl prints for the edit role (aggregated from system:aggregate-to-edit and -view) in that namespace.
    expect(verbsOf("pods")).toEqual(["[]", "[]", "[create delete deletecollection patch update get list watch]"]);
    // Verbs come in the order of the rules they were granted by: Secrets are read first in system:aggregate-to-edit.
    expect(verbsOf("secrets")).toEqual(["[]", "[]", "[get list watch create delete deletecollection patch update]"]);
    expect(verbsOf("deployments.apps")).toEqual(["[]", "[]", "[create delete deletecollection patch update get list watch]"]);
    expect(verbsOf("serviceaccounts/token")).toEqual(["[]", "[]", "[create]"]);
    expect(verbsOf("pods/log")).toEqual(["[]", "[]", "[get list watch]"]);
    expect(verbsOf("leases.coordination.k8s.io")).toEqual(["[]", "[]", "[create delete deletecollection get list patch update watch]"]);
    expect(verbsOf("selfsubjectaccessreviews.authorization.k8s.io")).toEqual(["[]", "[]", "[create]"]);
    // Non-resource rows have an empty Resources column (dropped by rows()).
    expect(table).toContainEqual(["[/api/*]", "[]", "[get]"]);
    expect(table).toContainEqual(["[/version]", "[]", "[get]"]);
    expect(table).toContainEqual(["[/openid/v1/jwks]", "[]", "[get]"]);
    // Nothing of RBAC, nodes or the cluster.
    expect(table.some((r) => /^(roles|rolebindings|nodes|namespaces)\b/.test(r[0]) && r[3] !== "[get list watch]")).toBe(false);
    expect(verbsOf("roles.rbac.authorization.k8s.io")).toBeUndefined();

    // An admin asks on the editor's behalf with --as (impersonation).
    const asDev = await cluster.kubectl(["auth", "can-i", "delete", "secrets", "-n", "team", "--as=system:serviceaccount:team:dev"]);
    expect([asDev.code, asDev.stdout.trim()]).toEqual([0, "yes"]);
    const asDevElsewhere = await cluster.kubectl(["auth", "can-i", "delete", "secrets", "-n", "kube-system", "--as=system:serviceaccount:team:dev"]);
    expect([asDevElsewhere.code, asDevElsewhere.stdout.trim()]).toEqual([1, "no"]);

    const denied = await as(["get", "pods", "-n", "default"]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:team:dev" cannot list resource "pods" in API group "" in the namespace "default"');
  });
});

describe("credentials", () => {
  it("an expired token gets 401", async () => {
    const token = (await edgeplane(["token", "create", "--ttl", "2s", "--description", "short-lived"])).trim();
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const fresh = await cluster.kubectl([`--token=${token}`, "auth", "whoami"]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain(`system:bootstrap:${token.split(".")[0]}`);
    await new Promise((r) => setTimeout(r, 2500));
    // kubectl's discovery client reports a 401 in client-go's words, the API client with the Status' message.
    const expired = await cluster.kubectl([`--token=${token}`, "get", "pods"]);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain("error: You must be logged in to the server (the server has asked for the client to provide credentials)");
    const whoami = await cluster.kubectl([`--token=${token}`, "auth", "whoami"]);
    expect(whoami.code).toBe(1);
    expect(whoami.stderr.trim()).toBe("error: You must be logged in to the server (Unauthorized)");
    const raw = await cluster.api("GET", "/api/v1/namespaces/default/pods", undefined, { authorization: `Bearer ${token}` });
    expect(raw.status).toBe(401);
    expect(raw.json).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
  });

  it("a bootstrap token joins a node: edgeplane join writes a kubeconfig that reaches only that node's objects", async () => {
    const token = (await edgeplane(["token", "create", "--ttl", "10m"])).trim();
    const out = join(cluster.stateDir, "worker-9.kubeconfig");
    expect(await edgeplane(["join", "--token", token, "--node", "worker-9", "--out", out])).toMatch(/^wrote .*worker-9\.kubeconfig for system:node:worker-9 \(valid until \S+\)$/m);
    const node = (args: string[]) => cluster.kubectl(["--kubeconfig", out, ...args]);
    expect((await node(["auth", "whoami"])).stdout).toContain("system:node:worker-9");
    await cluster.kubectlOk(["create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name: "worker-9" } }) });
    expect((await node(["get", "node", "worker-9", "-o", "name"])).stdout.trim()).toBe("node/worker-9");
    const all = await node(["get", "nodes"]);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain(`nodes is forbidden: User "system:node:worker-9" cannot list resource "nodes" in API group "" at the cluster scope: node 'worker-9' cannot read all nodes, only its own Node object`);
  });

  it("bootstrap tokens are listed and revoked through the CLI", async () => {
    const token = (await edgeplane(["token", "create", "--ttl", "1h", "--description", "join worker-7"])).trim();
    const id = token.split(".")[0];
    const list = await edgeplane(["token", "list"]);
    expect(list).toMatch(new RegExp(`^${id}\\s+bootstrap\\s+1h\\s+\\S+\\s+system:bootstrap:${id}\\s+join worker-7$`, "m"));
    expect(list).not.toContain(token.split(".")[1]);
    expect(await edgeplane(["token", "revoke", id])).toContain(`token "${id}" revoked`);
    expect((await cluster.kubectl([`--token=${token}`, "auth", "whoami"])).code).toBe(1);
    // Each of those is in the audit log, written in batches after the responses.
    await vi.waitFor(
      async () => {
        const audit = await edgeplane(["audit", "--limit", "50"]);
        expect(audit).toMatch(/^\S+Z {2}201 {2}kubernetes-admin {2}post {2}\/admin\/tokens$/m);
        expect(audit).toMatch(new RegExp(`^\\S+Z {2}200 {2}kubernetes-admin {2}delete {2}/admin/tokens/${id}$`, "m"));
        expect(audit).toMatch(/^\S+Z {2}401 {2}<unauthenticated> {2}create {2}selfsubjectreviews\.authentication\.k8s\.io$/m);
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});

describe("secrets at rest", () => {
  it("a Secret's value is nowhere in the local D1 files, and re-encryption reports nothing stale", async () => {
    const value = "e2e-value-4f9d21c7b3";
    await cluster.kubectlOk(["create", "secret", "generic", "db-pass", `--from-literal=password=${value}`]);
    const got = await cluster.kubectlOk(["get", "secret", "db-pass", "-o", "jsonpath={.data.password}"]);
    expect(Buffer.from(got, "base64").toString()).toBe(value);
    const state = join(cluster.stateDir, "wrangler");
    const everything = await files(state);
    expect(everything.some((f) => f.endsWith(".sqlite"))).toBe(true);
    const needles = [value, Buffer.from(value).toString("base64")].map((n) => Buffer.from(n));
    for (const file of everything) {
      // SQLite's -shm and -wal files come and go while the server runs: one listed may be gone.
      const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return Buffer.alloc(0);
        throw err;
      });
      for (const needle of needles) expect(bytes.includes(needle), `${file} holds the secret`).toBe(false);
    }
    expect((await edgeplane(["secrets", "reencrypt"])).trim()).toMatch(/^re-encrypted 0 rows under key "k[0-9a-z]+"; 0 remain under another key$/);
  });
});
