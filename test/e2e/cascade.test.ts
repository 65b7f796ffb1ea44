// kubectl delete --cascade: Background, Foreground and Orphan propagation through
// ownerReferences. The API records the policy (finalizers orphan / foregroundDeletion); the
// garbage collector does the rest, so these tests need it running.
import { describe, expect, it } from "vitest";
import { useCluster } from "./harness";
import { configMap, create, namespace } from "./manifests";
import { eventually } from "./wait";

const cluster = useCluster();

/** An owner ConfigMap and a dependent that points at it; returns the owner's uid. */
async function family(prefix: string, blockOwnerDeletion: boolean): Promise<void> {
  await create(cluster, configMap(`${prefix}-owner`));
  const uid = await cluster.kubectlOk(["get", "configmap", `${prefix}-owner`, "-o", "jsonpath={.metadata.uid}"]);
  await cluster.kubectlOk(["apply", "-f", "-"], {
    input: JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: `${prefix}-dependent`,
        ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: `${prefix}-owner`, uid, blockOwnerDeletion }],
      },
    }),
  });
}

async function get(name: string): Promise<{ metadata: { ownerReferences?: unknown[]; finalizers?: string[] } } | undefined> {
  const result = await cluster.kubectl(["get", "configmap", name, "-o", "json"]);
  return result.code === 0 ? JSON.parse(result.stdout) : undefined;
}

const gone = (name: string) => async (): Promise<true | undefined> => ((await get(name)) === undefined ? true : undefined);

describe("delete --cascade", () => {
  it("background (the default): the owner goes at once, its dependents after", async () => {
    await family("bg", false);
    expect((await cluster.kubectlOk(["delete", "configmap", "bg-owner", "--cascade=background"])).trim()).toBe('configmap "bg-owner" deleted');
    expect(await get("bg-owner")).toBeUndefined();
    await eventually(gone("bg-dependent"), "the garbage collector to delete bg-dependent");
  });

  it("orphan: the owner goes, its dependents stay without the owner reference", async () => {
    await family("or", false);
    await cluster.kubectlOk(["delete", "configmap", "or-owner", "--cascade=orphan"]);
    await eventually(gone("or-owner"), "or-owner to go once its orphan finalizer is handled");
    const dependent = await get("or-dependent");
    expect(dependent).toBeDefined();
    expect(dependent?.metadata.ownerReferences ?? []).toEqual([]);
  });

  it("foreground: blocking dependents go first, then the owner; kubectl waits for both", async () => {
    await family("fg", true);
    const deleting = await cluster.kubectlStart(["delete", "configmap", "fg-owner", "--cascade=foreground", "--timeout=60s"]);
    await deleting.waitForLine(/configmap "fg-owner" deleted/);
    const result = await deleting.exited;
    expect(result.code).toBe(0);
    expect(await get("fg-owner")).toBeUndefined();
    expect(await get("fg-dependent")).toBeUndefined();
  });

  it("deleting a namespace removes what is in it, then the namespace", async () => {
    await create(cluster, namespace("doomed"));
    await create(cluster, configMap("inside", { namespace: "doomed" }));
    expect((await cluster.kubectlOk(["delete", "namespace", "doomed", "--timeout=60s"])).trim()).toBe('namespace "doomed" deleted');
    const ns = await cluster.kubectl(["get", "namespace", "doomed"]);
    expect(ns.stderr).toContain("(NotFound)");
    const list = await cluster.kubectl(["get", "configmaps", "-n", "doomed", "-o", "name"]);
    expect(list.stdout.trim()).toBe("");
  });
});
