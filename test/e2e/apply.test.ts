// kubectl apply: client-side (create, unchanged, three-way merge after an edit) and
// server-side (field ownership, removal of fields no longer applied, conflicts, forcing).
import { describe, expect, it } from "vitest";
import { useCluster } from "./harness";

const cluster = useCluster();

interface EnvVar {
  name: string;
  value: string;
}

function webDeployment(options: { replicas: number; image: string; labels: string; env: EnvVar[] }): string {
  const env = options.env.map((v) => `        - name: ${v.name}\n          value: "${v.value}"`).join("\n");
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {${options.labels}}
spec:
  replicas: ${options.replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${options.image}
        ports:
        - containerPort: 80
        env:
${env}
`;
}

async function getJson(...args: string[]): Promise<Record<string, unknown>> {
  return JSON.parse(await cluster.kubectlOk(["get", ...args, "-o", "json"]));
}

function envOf(deployment: Record<string, unknown>): EnvVar[] {
  const spec = deployment.spec as { template: { spec: { containers: { env?: EnvVar[] }[] } } };
  return [...(spec.template.spec.containers[0].env ?? [])].sort((a, b) => a.name.localeCompare(b.name));
}

describe("client-side apply", () => {
  const first = webDeployment({
    replicas: 2,
    image: "nginx:1.25",
    labels: "app: web, tier: frontend",
    env: [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ],
  });

  it("creates the object with the last-applied-configuration annotation", async () => {
    const path = await cluster.file("web-1.yaml", first);
    expect((await cluster.kubectlOk(["apply", "-f", path])).trim()).toBe("deployment.apps/web created");
    const live = await getJson("deployment", "web");
    const meta = live.metadata as { annotations: Record<string, string>; generation: number; managedFields?: unknown[] };
    const lastApplied = JSON.parse(meta.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
    expect(lastApplied).toMatchObject({ kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: { replicas: 2 } });
    expect(meta.generation).toBe(1);
  });

  it("records kubectl-client-side-apply as the field manager", async () => {
    const live = await getJson("deployment", "web", "--show-managed-fields");
    const managers = (live.metadata as { managedFields: { manager: string; operation: string }[] }).managedFields;
    expect(managers).toContainEqual(expect.objectContaining({ manager: "kubectl-client-side-apply", operation: "Update" }));
  });

  it("reports an unchanged manifest as unchanged", async () => {
    const path = await cluster.file("web-1.yaml", first);
    expect((await cluster.kubectlOk(["apply", "-f", path])).trim()).toBe("deployment.apps/web unchanged");
  });

  it("merges an edited manifest three ways: keeps others' changes, removes what was dropped from the manifest", async () => {
    // Changes made by others, outside the manifest.
    await cluster.kubectlOk(["label", "deployment", "web", "owner=ops"]);
    await cluster.kubectlOk(["annotate", "deployment", "web", "note=kept"]);
    await cluster.kubectlOk([
      "patch", "deployment", "web", "-p",
      JSON.stringify({ spec: { template: { spec: { containers: [{ name: "web", env: [{ name: "D", value: "4" }] }] } } } }),
    ]);

    const edited = webDeployment({
      replicas: 3,
      image: "nginx:1.26",
      labels: "app: web",
      env: [
        { name: "A", value: "1" },
        { name: "C", value: "3" },
      ],
    });
    const path = await cluster.file("web-2.yaml", edited);
    expect((await cluster.kubectlOk(["apply", "-f", path])).trim()).toBe("deployment.apps/web configured");

    const live = await getJson("deployment", "web");
    const meta = live.metadata as { labels: Record<string, string>; annotations: Record<string, string>; generation: number };
    expect(meta.labels).toEqual({ app: "web", owner: "ops" });
    expect(meta.annotations.note).toBe("kept");
    expect(live.spec).toMatchObject({ replicas: 3, template: { spec: { containers: [{ name: "web", image: "nginx:1.26" }] } } });
    // B was in the last applied manifest and is gone from the new one; D was never in a manifest.
    expect(envOf(live)).toEqual([
      { name: "A", value: "1" },
      { name: "C", value: "3" },
      { name: "D", value: "4" },
    ]);
    expect(JSON.parse(meta.annotations["kubectl.kubernetes.io/last-applied-configuration"])).toMatchObject({
      spec: { replicas: 3 },
    });
    // Three spec changes (the patch, then the apply) since generation 1; labels and annotations do not count.
    expect(meta.generation).toBe(3);
  });

  it("applies several objects from one file, and from stdin", async () => {
    const manifest = ["a", "b"]
      .map((name) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: multi-${name}\ndata:\n  k: ${name}\n`)
      .join("---\n");
    const out = await cluster.kubectlOk(["apply", "-f", "-"], { input: manifest });
    expect(out.trim().split("\n")).toEqual(["configmap/multi-a created", "configmap/multi-b created"]);
  });
});

describe("server-side apply", () => {
  const configMap = (data: Record<string, string>): string =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n${Object.entries(data)
      .map(([k, v]) => `  ${k}: "${v}"`)
      .join("\n")}\n`;

  it("creates the object and records kubectl as the Apply manager of its fields", async () => {
    const path = await cluster.file("ssa-1.yaml", configMap({ a: "1", b: "2" }));
    expect((await cluster.kubectlOk(["apply", "--server-side", "-f", path])).trim()).toBe("configmap/ssa serverside-applied");
    const live = await getJson("configmap", "ssa", "--show-managed-fields");
    expect(live.data).toEqual({ a: "1", b: "2" });
    const managed = (live.metadata as { managedFields: { manager: string; operation: string; fieldsV1: unknown }[] }).managedFields;
    expect(managed).toContainEqual(
      expect.objectContaining({
        manager: "kubectl",
        operation: "Apply",
        fieldsV1: expect.objectContaining({ "f:data": { "f:a": {}, "f:b": {} } }),
      }),
    );
  });

  it("removes a field the manager owned and no longer applies", async () => {
    const path = await cluster.file("ssa-2.yaml", configMap({ a: "1" }));
    expect((await cluster.kubectlOk(["apply", "--server-side", "-f", path])).trim()).toBe("configmap/ssa serverside-applied");
    expect((await getJson("configmap", "ssa")).data).toEqual({ a: "1" });
  });

  it("refuses to change another manager's field: 409 with the conflicting field", async () => {
    const path = await cluster.file("ssa-other.yaml", configMap({ a: "changed" }));
    const result = await cluster.kubectl(["apply", "--server-side", "--field-manager=other", "-f", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Apply failed with 1 conflict: conflict with "kubectl"/);
    expect(result.stderr).toMatch(/\.data\.a/);
    expect((await getJson("configmap", "ssa")).data).toEqual({ a: "1" });
  });

  it("shares a field when another manager applies the same value", async () => {
    const path = await cluster.file("ssa-same.yaml", configMap({ a: "1" }));
    await cluster.kubectlOk(["apply", "--server-side", "--field-manager=same", "-f", path]);
    const live = await getJson("configmap", "ssa", "--show-managed-fields");
    const owners = (live.metadata as { managedFields: { manager: string; fieldsV1: { "f:data"?: Record<string, unknown> } }[] }).managedFields
      .filter((entry) => entry.fieldsV1["f:data"]?.["f:a"] !== undefined)
      .map((entry) => entry.manager)
      .sort();
    expect(owners).toEqual(["kubectl", "same"]);
  });

  it("takes the field over with --force-conflicts", async () => {
    const path = await cluster.file("ssa-other.yaml", configMap({ a: "changed" }));
    const out = await cluster.kubectlOk(["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", path]);
    expect(out.trim()).toBe("configmap/ssa serverside-applied");
    const live = await getJson("configmap", "ssa", "--show-managed-fields");
    expect(live.data).toEqual({ a: "changed" });
    const managed = (live.metadata as { managedFields: { manager: string; fieldsV1: { "f:data"?: Record<string, unknown> } }[] }).managedFields;
    const ownersOfA = managed.filter((entry) => entry.fieldsV1["f:data"]?.["f:a"] !== undefined).map((entry) => entry.manager);
    expect(ownersOfA).toEqual(["other"]);
  });

  it("applies a Deployment server-side and defaults what the manifest leaves out", async () => {
    const manifest = webDeployment({ replicas: 1, image: "nginx:1.25", labels: "app: ssa", env: [{ name: "A", value: "1" }] }).replace(
      "name: web\n  labels",
      "name: ssa-web\n  labels",
    );
    const path = await cluster.file("ssa-deploy.yaml", manifest);
    expect((await cluster.kubectlOk(["apply", "--server-side", "-f", path])).trim()).toBe("deployment.apps/ssa-web serverside-applied");
    const live = await getJson("deployment", "ssa-web");
    expect(live.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    });
  });
});
