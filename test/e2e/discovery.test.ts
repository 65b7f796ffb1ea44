// What kubectl learns from the server before it does anything: version, API groups and
// resources with short names, OpenAPI for explain; plus the health endpoints through kubectl.
import { describe, expect, it } from "vitest";
import { useCluster } from "./harness";
import { parseTable, tableHeader } from "./table";

const cluster = useCluster();

describe("version", () => {
  it("reports the server version", async () => {
    const version = JSON.parse(await cluster.kubectlOk(["version", "-o", "json"]));
    expect(version.serverVersion).toMatchObject({ major: "1", platform: expect.any(String) });
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(Number(version.serverVersion.minor.replace("+", ""))).toBeGreaterThanOrEqual(29);
  });
});

describe("api-resources", () => {
  const expected = [
    // name, short names, apiVersion, namespaced, kind
    ["namespaces", "ns", "v1", "false", "Namespace"],
    ["pods", "po", "v1", "true", "Pod"],
    ["services", "svc", "v1", "true", "Service"],
    ["endpoints", "ep", "v1", "true", "Endpoints"],
    ["configmaps", "cm", "v1", "true", "ConfigMap"],
    ["secrets", "", "v1", "true", "Secret"],
    ["nodes", "no", "v1", "false", "Node"],
    ["events", "ev", "v1", "true", "Event"],
    ["serviceaccounts", "sa", "v1", "true", "ServiceAccount"],
    ["deployments", "deploy", "apps/v1", "true", "Deployment"],
    ["replicasets", "rs", "apps/v1", "true", "ReplicaSet"],
    ["daemonsets", "ds", "apps/v1", "true", "DaemonSet"],
    ["jobs", "", "batch/v1", "true", "Job"],
    ["cronjobs", "cj", "batch/v1", "true", "CronJob"],
    ["leases", "", "coordination.k8s.io/v1", "true", "Lease"],
    ["endpointslices", "", "discovery.k8s.io/v1", "true", "EndpointSlice"],
    ["horizontalpodautoscalers", "hpa", "autoscaling/v2", "true", "HorizontalPodAutoscaler"],
    ["events", "ev", "events.k8s.io/v1", "true", "Event"],
  ];

  it("lists every kind with its short names", async () => {
    const out = await cluster.kubectlOk(["api-resources"]);
    expect(tableHeader(out)).toEqual(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
    const rows = parseTable(out).map((row) => [row.NAME, row.SHORTNAMES, row.APIVERSION, row.NAMESPACED, row.KIND]);
    for (const row of expected) expect(rows).toContainEqual(row);
  });

  it("filters by API group", async () => {
    const out = await cluster.kubectlOk(["api-resources", "--api-group=apps", "-o", "name"]);
    expect(out.trim().split("\n").sort()).toEqual(["controllerrevisions.apps", "daemonsets.apps", "deployments.apps", "replicasets.apps"]);
  });

  it("lists the API versions", async () => {
    const versions = (await cluster.kubectlOk(["api-versions"])).trim().split("\n");
    for (const v of ["v1", "apps/v1", "batch/v1", "autoscaling/v2", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1"]) {
      expect(versions).toContain(v);
    }
  });

  it("lists the scale subresources as autoscaling/v1 Scale (what kubectl scale looks for)", async () => {
    const list = JSON.parse(await cluster.kubectlOk(["get", "--raw", "/apis/apps/v1"]));
    const scales = list.resources.filter((r: { name: string }) => r.name.endsWith("/scale"));
    expect(scales.map((r: { name: string }) => r.name).sort()).toEqual(["deployments/scale", "replicasets/scale"]);
    for (const scale of scales) expect(scale).toMatchObject({ group: "autoscaling", version: "v1", kind: "Scale" });
  });

  it("resolves short names and categories", async () => {
    for (const name of ["po", "deploy", "svc", "cj", "ds", "rs", "hpa", "cm", "ns", "sa", "ev"]) {
      const result = await cluster.kubectl(["get", name, "-A"]);
      expect(result.stderr, name).not.toMatch(/error|doesn't have a resource type/i);
      expect(result.code, name).toBe(0);
    }
  });
});

describe("explain", () => {
  it("explains deployment.spec.replicas from the server's OpenAPI", async () => {
    const out = await cluster.kubectlOk(["explain", "deployment.spec.replicas"]);
    expect(out).toMatch(/^GROUP:\s+apps$/m);
    expect(out).toMatch(/^KIND:\s+Deployment$/m);
    expect(out).toMatch(/^VERSION:\s+v1$/m);
    expect(out).toMatch(/^FIELD:\s+replicas <integer>$/m);
    expect(out).toMatch(/^DESCRIPTION:\n\s+\S/m);
  });

  it("lists the fields of a type, with the required ones marked", async () => {
    const out = await cluster.kubectlOk(["explain", "pod.spec.containers"]);
    expect(out).toMatch(/^FIELD:\s+containers <\[\]Container>$/m);
    expect(out).toMatch(/^\s+image\s+<string>$/m);
    expect(out).toMatch(/^\s+name\s+<string> -required-$/m);
  });

  it("explains a core kind at the top", async () => {
    const out = await cluster.kubectlOk(["explain", "configmaps"]);
    expect(out).toMatch(/^KIND:\s+ConfigMap$/m);
    expect(out).toMatch(/^\s+data\s+<map\[string\]string>$/m);
  });
});

describe("raw paths", () => {
  it("serves the health endpoints to kubectl get --raw", async () => {
    for (const path of ["/healthz", "/livez", "/readyz"]) expect(await cluster.kubectlOk(["get", "--raw", path])).toBe("ok");
  });

  it("serves OpenAPI v2 and v3", async () => {
    const v3 = JSON.parse(await cluster.kubectlOk(["get", "--raw", "/openapi/v3"]));
    expect(Object.keys(v3.paths)).toEqual(expect.arrayContaining(["api/v1", "apis/apps/v1", "apis/batch/v1"]));
    const v2 = JSON.parse(await cluster.kubectlOk(["get", "--raw", "/openapi/v2"]));
    expect(v2.swagger).toBe("2.0");
    expect(Object.keys(v2.definitions)).toContain("io.k8s.api.apps.v1.Deployment");
  });
});
