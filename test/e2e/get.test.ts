// kubectl get: tables, wide tables, yaml/json/jsonpath, all namespaces, label selectors, `get all`.
import { beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./wait";
import { parse } from "yaml";
import { useCluster } from "./harness";
import { parseTable, tableHeader } from "./table";

const cluster = useCluster();

const manifests = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: frontend}
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
      - name: log
        image: busybox:1.36
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
  - port: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels: {tier: frontend}
data: {a: "1", b: "2", c: "3"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: db-settings
  namespace: shop
  labels: {tier: backend}
data: {url: "postgres://db"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: plain
  namespace: shop
data: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default
data: {x: "1"}
`;

beforeAll(async () => {
  await cluster.kubectlOk(["apply", "-f", "-"], { input: manifests });
  // As in any Kubernetes namespace, the root CA publisher puts kube-root-ca.crt in shop.
  await eventually(async () => ((await cluster.kubectl(["get", "cm", "kube-root-ca.crt", "-n", "shop"])).code === 0 ? true : undefined), "kube-root-ca.crt in shop");
});

describe("tables", () => {
  it("lists the namespaces that exist from the start, Active", async () => {
    const rows = parseTable(await cluster.kubectlOk(["get", "namespaces"]));
    const names = rows.map((row) => row.NAME);
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease", "shop"]) expect(names).toContain(name);
    expect(rows.every((row) => row.STATUS === "Active")).toBe(true);
  });

  it("prints a Deployment with kubectl's columns", async () => {
    const out = await cluster.kubectlOk(["get", "deployments", "-n", "shop"]);
    expect(tableHeader(out)).toEqual(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    const [row] = parseTable(out);
    expect(row.NAME).toBe("web");
    expect(row.READY).toMatch(/^\d+\/2$/);
    expect(row.AGE).toMatch(/^\d+s$/);
  });

  it("adds the wide columns with -o wide", async () => {
    const out = await cluster.kubectlOk(["get", "deploy", "web", "-n", "shop", "-o", "wide"]);
    expect(tableHeader(out)).toEqual(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]);
    expect(parseTable(out)[0]).toMatchObject({ CONTAINERS: "web,log", IMAGES: "nginx:1.25,busybox:1.36", SELECTOR: "app=web" });
  });

  it("counts ConfigMap data", async () => {
    const rows = parseTable(await cluster.kubectlOk(["get", "cm", "-n", "shop"]));
    const data = Object.fromEntries(rows.map((row) => [row.NAME, row.DATA]));
    expect(data).toMatchObject({ settings: "3", "db-settings": "1", plain: "0" });
  });

  it("says so when there is nothing to list", async () => {
    const result = await cluster.kubectl(["get", "secrets", "-n", "shop"]);
    expect(result.code).toBe(0);
    expect(result.stderr.trim()).toBe("No resources found in shop namespace.");
  });

  it("lists across all namespaces with -A, with a NAMESPACE column", async () => {
    const out = await cluster.kubectlOk(["get", "configmaps", "-A"]);
    expect(tableHeader(out).slice(0, 2)).toEqual(["NAMESPACE", "NAME"]);
    const rows = parseTable(out).map((row) => `${row.NAMESPACE}/${row.NAME}`);
    expect(rows).toEqual(expect.arrayContaining(["default/settings", "shop/settings", "shop/db-settings", "shop/plain"]));
  });

  it("selects by label: equality, set-based and existence", async () => {
    const names = async (selector: string): Promise<string[]> =>
      (await cluster.kubectlOk(["get", "cm", "-n", "shop", "-l", selector, "-o", "name"])).trim().split("\n").filter(Boolean).sort();
    expect(await names("tier=frontend")).toEqual(["configmap/settings"]);
    expect(await names("tier!=frontend")).toEqual(["configmap/db-settings", "configmap/kube-root-ca.crt", "configmap/plain"]);
    expect(await names("tier in (frontend,backend)")).toEqual(["configmap/db-settings", "configmap/settings"]);
    expect(await names("tier notin (frontend)")).toEqual(["configmap/db-settings", "configmap/kube-root-ca.crt", "configmap/plain"]);
    expect(await names("tier")).toEqual(["configmap/db-settings", "configmap/settings"]);
    expect(await names("!tier")).toEqual(["configmap/kube-root-ca.crt", "configmap/plain"]);
  });

  it("selects by field", async () => {
    const out = await cluster.kubectlOk(["get", "cm", "-A", "--field-selector", "metadata.name=settings", "-o", "name"]);
    expect(out.trim().split("\n")).toEqual(["configmap/settings", "configmap/settings"]);
  });

  it("shows every kind in the category all with `get all`", async () => {
    const out = await cluster.kubectlOk(["get", "all", "-n", "shop"]);
    expect(out).toMatch(/^service\/web\s/m);
    expect(out).toMatch(/^deployment\.apps\/web\s/m);
    expect(out).not.toMatch(/configmap/);
  });
});

describe("object output", () => {
  it("prints one object as YAML", async () => {
    const obj = parse(await cluster.kubectlOk(["get", "deploy", "web", "-n", "shop", "-o", "yaml"]));
    expect(obj).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop", generation: 1 } });
    expect(obj.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(obj.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(obj.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("prints a list as JSON", async () => {
    const list = JSON.parse(await cluster.kubectlOk(["get", "cm", "-n", "shop", "-o", "json"]));
    expect(list.kind).toBe("List");
    expect(list.items.map((item: { kind: string }) => item.kind)).toEqual(["ConfigMap", "ConfigMap", "ConfigMap", "ConfigMap"]);
  });

  it("evaluates jsonpath on an object and on a list", async () => {
    expect(await cluster.kubectlOk(["get", "deploy", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas}"])).toBe("2");
    expect(await cluster.kubectlOk(["get", "deploy", "web", "-n", "shop", "-o", "jsonpath={.spec.template.spec.containers[*].image}"])).toBe(
      "nginx:1.25 busybox:1.36",
    );
    const names = await cluster.kubectlOk(["get", "cm", "-n", "shop", "-o", "jsonpath={.items[*].metadata.name}"]);
    expect(names.split(" ").sort()).toEqual(["db-settings", "kube-root-ca.crt", "plain", "settings"]);
  });

  it("pages through a long list with --chunk-size and loses nothing", async () => {
    const input = Array.from({ length: 12 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: page-${String(i).padStart(2, "0")}\n`).join(
      "---\n",
    );
    await cluster.kubectlOk(["apply", "-f", "-"], { input });
    const out = await cluster.kubectlOk(["get", "cm", "-l", "!nothing", "--chunk-size=5", "-o", "name"]);
    const pages = out.trim().split("\n").filter((name) => name.startsWith("configmap/page-"));
    expect(pages).toEqual(Array.from({ length: 12 }, (_, i) => `configmap/page-${String(i).padStart(2, "0")}`));
  });
});
