// kubectl delete: by name, by selector, --all, waiting for finalizers (--wait), preconditions.
import { describe, expect, it } from "vitest";
import { useCluster } from "./harness";
import { configMap, create } from "./manifests";

const cluster = useCluster();

async function exists(kind: string, name: string): Promise<boolean> {
  const result = await cluster.kubectl(["get", kind, name, "-o", "name"]);
  if (result.code === 0) return true;
  expect(result.stderr).toContain("(NotFound)");
  return false;
}

describe("delete", () => {
  it("deletes by name and the object is gone", async () => {
    await create(cluster, configMap("doomed"));
    expect((await cluster.kubectlOk(["delete", "configmap", "doomed"])).trim()).toBe('configmap "doomed" deleted');
    expect(await exists("configmap", "doomed")).toBe(false);
  });

  it("says NotFound for a missing object, unless --ignore-not-found", async () => {
    const result = await cluster.kubectl(["delete", "configmap", "never"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Error from server (NotFound): configmaps "never" not found');
    expect((await cluster.kubectl(["delete", "configmap", "never", "--ignore-not-found"])).code).toBe(0);
  });

  it("deletes by label selector and with --all", async () => {
    for (const [name, tier] of [["a", "x"], ["b", "x"], ["c", "y"]]) {
      await create(cluster, configMap(`sel-${name}`, { labels: { tier } }));
    }
    const out = await cluster.kubectlOk(["delete", "configmaps", "-l", "tier=x"]);
    expect(out.trim().split("\n").sort()).toEqual(['configmap "sel-a" deleted', 'configmap "sel-b" deleted']);
    expect(await exists("configmap", "sel-c")).toBe(true);
    await cluster.kubectlOk(["delete", "configmaps", "--all"]);
    expect(await exists("configmap", "sel-c")).toBe(false);
  });

  it("waits while finalizers hold the object, and returns once they are removed", async () => {
    await cluster.kubectlOk(["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\n",
    });
    const deleting = await cluster.kubectlStart(["delete", "configmap", "held", "--wait=true", "--timeout=60s"]);
    await deleting.waitForLine(/configmap "held" deleted/);
    // Still there, marked for deletion, and the delete command still waiting.
    const meta = JSON.parse(await cluster.kubectlOk(["get", "configmap", "held", "-o", "jsonpath={.metadata}"]));
    expect(meta.deletionTimestamp).toMatch(/^\d{4}-/);
    expect(meta.finalizers).toEqual(["example.com/hold"]);
    let done = false;
    void deleting.exited.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(done).toBe(false);
    // No new finalizer may be added once deletion has begun.
    const added = await cluster.kubectl(["patch", "configmap", "held", "--type", "json", "-p", '[{"op":"add","path":"/metadata/finalizers/-","value":"example.com/late"}]']);
    expect(added.code).toBe(1);
    expect(added.stderr).toMatch(/metadata\.finalizers: Forbidden: no new finalizers can be added if the object is being deleted/);

    await cluster.kubectlOk(["patch", "configmap", "held", "--type", "merge", "-p", '{"metadata":{"finalizers":null}}']);
    const result = await deleting.exited;
    expect(result.code).toBe(0);
    expect(await exists("configmap", "held")).toBe(false);
  });

  it("returns at once with --wait=false", async () => {
    await cluster.kubectlOk(["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held2\n  finalizers: [example.com/hold]\n",
    });
    expect((await cluster.kubectlOk(["delete", "configmap", "held2", "--wait=false"], { timeoutMs: 15_000 })).trim()).toBe(
      'configmap "held2" deleted',
    );
    expect(await exists("configmap", "held2")).toBe(true);
    await cluster.kubectlOk(["patch", "configmap", "held2", "--type", "json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
    expect(await exists("configmap", "held2")).toBe(false);
  });

  it("deletes what a manifest file lists", async () => {
    const path = await cluster.file("pair.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f1\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: f2\n");
    await cluster.kubectlOk(["apply", "-f", path]);
    const out = await cluster.kubectlOk(["delete", "-f", path]);
    expect(out.trim().split("\n")).toEqual(['configmap "f1" deleted', 'secret "f2" deleted']);
  });

  it("keeps the object when the server dry-runs the delete", async () => {
    await create(cluster, configMap("dry"));
    expect((await cluster.kubectlOk(["delete", "configmap", "dry", "--dry-run=server"])).trim()).toBe('configmap "dry" deleted (server dry run)');
    expect(await exists("configmap", "dry")).toBe(true);
  });

  it("honours a uid precondition", async () => {
    await create(cluster, configMap("pre"));
    const res = await cluster.api("DELETE", "/api/v1/namespaces/default/configmaps/pre", {
      kind: "DeleteOptions",
      apiVersion: "v1",
      preconditions: { uid: "00000000-0000-0000-0000-000000000000" },
    });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ kind: "Status", reason: "Conflict", code: 409 });
    expect(await exists("configmap", "pre")).toBe(true);
  });
});
