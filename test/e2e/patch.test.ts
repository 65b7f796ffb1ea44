// kubectl patch with the three patch types: JSON patch, JSON merge patch and strategic merge
// patch (lists merged by their keys, and the $patch / $retainKeys directives).
import { beforeEach, describe, expect, it } from "vitest";
import { useCluster } from "./harness";
import { configMap, create } from "./manifests";

const cluster = useCluster();

interface Container {
  name: string;
  image: string;
  ports?: { containerPort: number; protocol?: string; name?: string }[];
  env?: { name: string; value: string }[];
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
        env:
        - name: A
          value: "1"
`;

async function live(): Promise<{ spec: { replicas: number; strategy: Record<string, unknown>; template: { spec: { containers: Container[] } } } }> {
  return JSON.parse(await cluster.kubectlOk(["get", "deploy", "web", "-o", "json"]));
}

const patch = (type: string, body: unknown): Promise<string> =>
  cluster.kubectlOk(["patch", "deployment", "web", "--type", type, "-p", JSON.stringify(body)]).then((out) => out.trim());

beforeEach(async () => {
  await cluster.kubectl(["delete", "deployment", "web", "--ignore-not-found"]);
  await cluster.kubectlOk(["create", "-f", "-"], { input: deployment });
});

describe("--type json", () => {
  it("applies the operations in order", async () => {
    expect(
      await patch("json", [
        { op: "replace", path: "/spec/replicas", value: 3 },
        { op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "B", value: "2" } },
        { op: "remove", path: "/spec/template/spec/containers/0/ports" },
      ]),
    ).toBe("deployment.apps/web patched");
    const { spec } = await live();
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.containers[0].env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    expect(spec.template.spec.containers[0].ports).toBeUndefined();
  });

  it("changes nothing when a test operation fails", async () => {
    const result = await cluster.kubectl([
      "patch", "deployment", "web", "--type", "json", "-p",
      JSON.stringify([
        { op: "replace", path: "/spec/replicas", value: 5 },
        { op: "test", path: "/spec/replicas", value: 4 },
      ]),
    ]);
    expect(result.code).toBe(1);
    expect((await live()).spec.replicas).toBe(2);
  });
});

describe("--type merge", () => {
  it("merges maps, deletes with null, and replaces lists whole", async () => {
    expect(
      await patch("merge", {
        metadata: { labels: { patched: "yes" } },
        spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.26" }] } } },
      }),
    ).toBe("deployment.apps/web patched");
    const { spec } = await live();
    const [container] = spec.template.spec.containers;
    expect(container.image).toBe("nginx:1.26");
    // The list was replaced: the old container's env and ports went with it.
    expect(container.env).toBeUndefined();
    expect(container.ports).toBeUndefined();

    await patch("merge", { metadata: { labels: { patched: null } } });
    const labels = JSON.parse(await cluster.kubectlOk(["get", "deploy", "web", "-o", "jsonpath={.metadata.labels}"]) || "{}");
    expect(labels).toEqual({});
  });
});

describe("--type strategic", () => {
  it("merges containers by name, ports by containerPort and env by name", async () => {
    await patch("strategic", {
      spec: {
        template: {
          spec: {
            containers: [
              { name: "web", env: [{ name: "B", value: "2" }], ports: [{ containerPort: 443 }] },
              { name: "sidecar", image: "busybox:1.36" },
            ],
          },
        },
      },
    });
    const containers = (await live()).spec.template.spec.containers;
    expect(containers.map((c) => c.name).sort()).toEqual(["sidecar", "web"]);
    const web = containers.find((c) => c.name === "web");
    expect(web?.image).toBe("nginx:1.25");
    expect(web?.env?.map((e) => e.name).sort()).toEqual(["A", "B"]);
    expect(web?.ports?.map((p) => p.containerPort).sort((a, b) => a - b)).toEqual([80, 443]);
  });

  it("deletes a list element with $patch: delete", async () => {
    await patch("strategic", { spec: { template: { spec: { containers: [{ name: "sidecar", image: "busybox:1.36" }] } } } });
    await patch("strategic", { spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } } });
    expect((await live()).spec.template.spec.containers.map((c) => c.name)).toEqual(["web"]);
  });

  it("replaces a list with $patch: replace", async () => {
    await patch("strategic", {
      spec: { template: { spec: { containers: [{ name: "web", env: [{ name: "Z", value: "26" }, { $patch: "replace" }] }] } } },
    });
    expect((await live()).spec.template.spec.containers[0].env).toEqual([{ name: "Z", value: "26" }]);
  });

  it("clears the fields $retainKeys does not keep (a strategy switched to Recreate)", async () => {
    await patch("strategic", { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } });
    expect((await live()).spec.strategy).toEqual({ type: "Recreate" });
  });

  it("reports a patch that changes nothing", async () => {
    // A ConfigMap: no controller writes to it between kubectl's read and its patch.
    await create(cluster, configMap("unchanged", { data: { a: "1" } }));
    const out = await cluster.kubectlOk(["patch", "configmap", "unchanged", "-p", '{"data":{"a":"1"}}']);
    expect(out.trim()).toBe("configmap/unchanged patched (no change)");
  });

  it("is what kubectl patch sends by default", async () => {
    expect((await cluster.kubectlOk(["patch", "deploy", "web", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}'])).trim()).toBe(
      "deployment.apps/web patched",
    );
    const [web] = (await live()).spec.template.spec.containers;
    expect(web.image).toBe("nginx:1.27");
    expect(web.env).toEqual([{ name: "A", value: "1" }]);
  });
});
