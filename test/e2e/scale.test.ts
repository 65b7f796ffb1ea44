// kubectl scale through the scale subresource (autoscaling/v1 Scale) of Deployments and ReplicaSets.
import { beforeAll, describe, expect, it } from "vitest";
import { useCluster } from "./harness";

const cluster = useCluster();

const workload = (kind: string, name: string): string => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: main
        image: busybox:1.36
`;

beforeAll(async () => {
  await cluster.kubectlOk(["apply", "-f", "-"], { input: workload("Deployment", "web") + "---\n" + workload("ReplicaSet", "rs") });
});

const jsonpath = (kind: string, name: string, path: string): Promise<string> =>
  cluster.kubectlOk(["get", kind, name, "-o", `jsonpath={${path}}`]);

describe("scale", () => {
  it("scales a Deployment and bumps its generation", async () => {
    expect((await cluster.kubectlOk(["scale", "deployment", "web", "--replicas=5"])).trim()).toBe("deployment.apps/web scaled");
    expect(await jsonpath("deploy", "web", ".spec.replicas")).toBe("5");
    expect(await jsonpath("deploy", "web", ".metadata.generation")).toBe("2");
  });

  it("serves the Scale object", async () => {
    const scale = JSON.parse(await cluster.kubectlOk(["get", "--raw", "/apis/apps/v1/namespaces/default/deployments/web/scale"]));
    expect(scale).toMatchObject({
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "web", namespace: "default" },
      spec: { replicas: 5 },
      status: { selector: "app=web" },
    });
  });

  it("checks --current-replicas before scaling", async () => {
    const result = await cluster.kubectl(["scale", "deployment", "web", "--current-replicas=4", "--replicas=6"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Expected replicas to be 4, was 5");
    await cluster.kubectlOk(["scale", "deployment", "web", "--current-replicas=5", "--replicas=6"]);
    expect(await jsonpath("deploy", "web", ".spec.replicas")).toBe("6");
  });

  it("scales to zero", async () => {
    await cluster.kubectlOk(["scale", "deployment/web", "--replicas=0"]);
    expect(await jsonpath("deploy", "web", ".spec.replicas")).toBe("0");
  });

  it("scales a ReplicaSet", async () => {
    expect((await cluster.kubectlOk(["scale", "rs", "rs", "--replicas=3"])).trim()).toBe("replicaset.apps/rs scaled");
    expect(await jsonpath("rs", "rs", ".spec.replicas")).toBe("3");
  });

  it("refuses a negative count: 422 from the server", async () => {
    const result = await cluster.kubectl(["patch", "deployment", "web", "--subresource=scale", "--type", "merge", "-p", '{"spec":{"replicas":-1}}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
  });
});
