// The examples/ manifests apply as written and read back as Kubernetes shows them: with the
// defaults its API server fills in.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { useCluster } from "./harness";

const cluster = useCluster();
const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

describe("examples/nginx-deployment.yaml", () => {
  it("applies and reads back with Kubernetes' defaults", async () => {
    const path = join(EXAMPLES, "nginx-deployment.yaml");
    expect((await cluster.kubectlOk(["apply", "-f", path])).trim()).toBe("deployment.apps/nginx-deployment created");
    const live = parse(await cluster.kubectlOk(["get", "deploy", "nginx-deployment", "-o", "yaml"]));
    const applied = parse(await readFile(path, "utf8"));

    expect(live.metadata).toMatchObject({ name: "nginx-deployment", namespace: "default", labels: { app: "nginx" }, generation: 1 });
    expect(JSON.parse(live.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"])).toMatchObject(applied);
    expect(live.metadata.managedFields).toBeUndefined(); // kubectl hides them unless asked
    expect(live.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: "nginx" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    });
    expect(live.spec.template.metadata.labels).toEqual({ app: "nginx" });
    expect(live.spec.template.spec).toEqual({
      containers: [
        {
          name: "nginx",
          image: "nginx:1.7.9",
          imagePullPolicy: "IfNotPresent",
          ports: [{ containerPort: 80, protocol: "TCP" }],
          resources: {},
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
        },
      ],
      dnsPolicy: "ClusterFirst",
      restartPolicy: "Always",
      schedulerName: "default-scheduler",
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    });
  });
});

describe("defaults Kubernetes fills in", () => {
  it("pulls images without a tag or with :latest Always", async () => {
    const pod = (name: string, image: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: main\n    image: ${image}\n`;
    await cluster.kubectlOk(["apply", "-f", "-"], { input: [pod("untagged", "nginx"), pod("latest", "nginx:latest"), pod("pinned", "nginx:1.25")].join("---\n") });
    const policy = (name: string): Promise<string> =>
      cluster.kubectlOk(["get", "pod", name, "-o", "jsonpath={.spec.containers[0].imagePullPolicy}"]);
    expect(await policy("untagged")).toBe("Always");
    expect(await policy("latest")).toBe("Always");
    expect(await policy("pinned")).toBe("IfNotPresent");
  });

  it("defaults a Pod's spec and puts it in phase Pending", async () => {
    const pod = JSON.parse(await cluster.kubectlOk(["get", "pod", "pinned", "-o", "json"]));
    expect(pod.spec).toMatchObject({
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      enableServiceLinks: true,
    });
    expect(pod.status.phase).toBe("Pending");
  });

  it("defaults a Service: ClusterIP, TCP, targetPort = port, no session affinity", async () => {
    await cluster.kubectlOk(["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n",
    });
    const svc = JSON.parse(await cluster.kubectlOk(["get", "svc", "web", "-o", "json"]));
    expect(svc.spec).toMatchObject({ type: "ClusterIP", sessionAffinity: "None", ports: [{ port: 80, protocol: "TCP", targetPort: 80 }] });
  });
});
