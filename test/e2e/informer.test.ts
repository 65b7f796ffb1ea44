// A second real client: @kubernetes/client-node's informer (list, then watch from the list's
// resourceVersion) must see every change, in the order the changes were made.
import { CoreV1Api, KubeConfig, makeInformer, PatchStrategy, setHeaderOptions, type V1ConfigMap } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { useCluster } from "./harness";

const cluster = useCluster();
const NAMESPACE = "default";

// Only this test's objects: controllers may add ConfigMaps of their own to a namespace.
const LABEL = "e2e=informer";
const configMap = (name: string): V1ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels: { e2e: "informer" } },
  data: { v: "0" },
});

describe("client-node informer", () => {
  it("sees each of 50 adds, updates and deletes in order", async () => {
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(cluster.kubeconfigPath);
    const core = kubeconfig.makeApiClient(CoreV1Api);

    // One object from before the informer starts: it must arrive from the list, as an add.
    await core.createNamespacedConfigMap({ namespace: NAMESPACE, body: configMap("before") });

    const seen: string[] = [];
    const errors: unknown[] = [];
    const record = (verb: string) => (obj: V1ConfigMap) => seen.push(`${verb} ${obj.metadata?.name} ${obj.data?.v ?? ""}`.trim());
    const informer = makeInformer(
      kubeconfig,
      `/api/v1/namespaces/${NAMESPACE}/configmaps`,
      () => core.listNamespacedConfigMap({ namespace: NAMESPACE, labelSelector: LABEL }),
      LABEL,
    );
    informer.on("add", record("add"));
    informer.on("update", record("update"));
    informer.on("delete", (obj: V1ConfigMap) => seen.push(`delete ${obj.metadata?.name}`));
    informer.on("error", (err) => errors.push(err));
    await informer.start();
    try {
      await expect.poll(() => seen, { timeout: 10_000 }).toEqual(["add before 0"]);

      // 50 changes: 10 creates, 30 updates, 10 deletes, interleaved across objects.
      const expected: string[] = [];
      for (let i = 0; i < 10; i++) {
        await core.createNamespacedConfigMap({ namespace: NAMESPACE, body: configMap(`cm-${i}`) });
        expected.push(`add cm-${i} 0`);
      }
      for (let round = 1; round <= 3; round++) {
        for (let i = 0; i < 10; i++) {
          await core.patchNamespacedConfigMap(
            { namespace: NAMESPACE, name: `cm-${i}`, body: { data: { v: String(round) } } },
            // client-node v2 sends patches as JSON patch unless told otherwise.
            setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
          );
          expected.push(`update cm-${i} ${round}`);
        }
      }
      for (let i = 9; i >= 0; i--) {
        await core.deleteNamespacedConfigMap({ namespace: NAMESPACE, name: `cm-${i}` });
        expected.push(`delete cm-${i}`);
      }

      await expect.poll(() => seen.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(51);
      expect(seen).toEqual(["add before 0", ...expected]);
      expect(informer.list(NAMESPACE).map((cm) => cm.metadata?.name)).toEqual(["before"]);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});
