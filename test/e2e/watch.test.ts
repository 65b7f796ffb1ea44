// kubectl get -w: the table, then one line per change, as the watch delivers them.
import { describe, expect, it } from "vitest";
import { useCluster } from "./harness";
import { configMap, create, namespace } from "./manifests";

const cluster = useCluster();

describe("get -w", () => {
  it("prints the object, then its change", async () => {
    await create(cluster, configMap("watched", { data: { a: "1" } }));
    const watch = await cluster.kubectlStart(["get", "configmap", "watched", "-w"]);
    try {
      expect(await watch.waitForLine(/^NAME\s+DATA\s+AGE$/)).toBeTruthy();
      await watch.waitForLine(/^watched\s+1\s+/);
      await cluster.kubectlOk(["patch", "configmap", "watched", "--type", "merge", "-p", '{"data":{"b":"2"}}']);
      await watch.waitForLine(/^watched\s+2\s+/);
    } finally {
      watch.stop();
    }
  });

  it("prints every event of a namespace in order with --output-watch-events", async () => {
    const watch = await cluster.kubectlStart(["get", "configmaps", "-w", "--output-watch-events"]);
    try {
      // The current objects arrive first as ADDED.
      await watch.waitForLine(/^ADDED\s+watched\s/);
      await create(cluster, configMap("events", { data: { a: "1" } }));
      await cluster.kubectlOk(["label", "configmap", "events", "x=y"]);
      await cluster.kubectlOk(["delete", "configmap", "events"]);
      await watch.waitForLine(/^DELETED\s+events\s/);
      const events = watch.lines.filter((line) => /\sevents\s/.test(line)).map((line) => line.split(/\s+/)[0]);
      expect(events).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    } finally {
      watch.stop();
    }
  });

  it("watches across all namespaces with -A", async () => {
    await create(cluster, namespace("watch-other"));
    const watch = await cluster.kubectlStart(["get", "configmaps", "-A", "-w"]);
    try {
      await watch.waitForLine(/^NAMESPACE\s+NAME\s+DATA\s+AGE$/);
      await create(cluster, configMap("elsewhere", { namespace: "watch-other" }));
      await watch.waitForLine(/^watch-other\s+elsewhere\s+0\s+/);
    } finally {
      watch.stop();
    }
  });

  it("prints the object again on each change with -o jsonpath, with a new resourceVersion", async () => {
    const watch = await cluster.kubectlStart(["get", "configmap", "watched", "-w", "-o", 'jsonpath={.metadata.resourceVersion}{"\\n"}']);
    try {
      await watch.waitForLine(/^\S+$/);
      await cluster.kubectlOk(["annotate", "configmap", "watched", "seen=yes"]);
      await expect.poll(() => watch.lines.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      // resourceVersion is opaque: it changes on every write, nothing more is promised.
      expect(watch.lines[1]).not.toBe(watch.lines[0]);
    } finally {
      watch.stop();
    }
  });
});
