// kubectl label and annotate: add, overwrite, remove, on one object or by selector. Metadata
// changes never bump metadata.generation.
import { beforeAll, describe, expect, it } from "vitest";
import { useCluster } from "./harness";
import { configMap, create, deployment } from "./manifests";

const cluster = useCluster();

async function metadata(kind: string, name: string): Promise<{ labels?: Record<string, string>; annotations?: Record<string, string>; generation?: number }> {
  return JSON.parse(await cluster.kubectlOk(["get", kind, name, "-o", "jsonpath={.metadata}"]));
}

beforeAll(async () => {
  await create(cluster, configMap("one"), configMap("two"), deployment("web", { image: "nginx:1.25" }));
});

describe("label", () => {
  it("adds a label", async () => {
    expect((await cluster.kubectlOk(["label", "configmap", "one", "env=prod"])).trim()).toBe("configmap/one labeled");
    expect((await metadata("configmap", "one")).labels).toEqual({ env: "prod" });
  });

  it("will not change a label without --overwrite", async () => {
    const result = await cluster.kubectl(["label", "configmap", "one", "env=dev"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("'env' already has a value (prod), and --overwrite is false");
    expect((await cluster.kubectlOk(["label", "configmap", "one", "env=dev", "--overwrite"])).trim()).toBe("configmap/one labeled");
    expect((await metadata("configmap", "one")).labels).toEqual({ env: "dev" });
  });

  it("removes a label with key-", async () => {
    expect((await cluster.kubectlOk(["label", "configmap", "one", "env-"])).trim()).toBe("configmap/one unlabeled");
    expect((await metadata("configmap", "one")).labels ?? {}).toEqual({});
  });

  it("labels every object of a kind with --all, and then by selector", async () => {
    const out = await cluster.kubectlOk(["label", "configmaps", "--all", "batch=1"]);
    expect(out).toContain("configmap/one labeled");
    expect(out).toContain("configmap/two labeled");
    await cluster.kubectlOk(["label", "configmaps", "-l", "batch=1", "batch=2", "--overwrite"]);
    expect((await metadata("configmap", "two")).labels).toMatchObject({ batch: "2" });
  });

  it("rejects a label value Kubernetes does not allow: 422 with the field", async () => {
    const result = await cluster.kubectl(["patch", "configmap", "one", "--type", "merge", "-p", '{"metadata":{"labels":{"bad":"-x-"}}}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ConfigMap "one" is invalid: metadata\.labels: Invalid value: "-x-"/);
  });

  it("leaves the generation alone", async () => {
    await cluster.kubectlOk(["label", "deployment", "web", "team=core"]);
    expect((await metadata("deployment", "web")).generation).toBe(1);
  });
});

describe("annotate", () => {
  it("adds, overwrites and removes annotations", async () => {
    expect((await cluster.kubectlOk(["annotate", "configmap", "two", "note=hello world"])).trim()).toBe("configmap/two annotated");
    expect((await metadata("configmap", "two")).annotations).toEqual({ note: "hello world" });
    const refused = await cluster.kubectl(["annotate", "configmap", "two", "note=again"]);
    expect(refused.code).toBe(1);
    await cluster.kubectlOk(["annotate", "configmap", "two", "note=again", "--overwrite"]);
    expect((await metadata("configmap", "two")).annotations).toEqual({ note: "again" });
    await cluster.kubectlOk(["annotate", "configmap", "two", "note-"]);
    expect((await metadata("configmap", "two")).annotations ?? {}).toEqual({});
  });

  it("leaves the generation alone", async () => {
    await cluster.kubectlOk(["annotate", "deployment", "web", "reviewed=yes"]);
    expect((await metadata("deployment", "web")).generation).toBe(1);
  });
});
