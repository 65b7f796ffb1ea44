// Bad input: what kubectl prints for the server's Status errors (Invalid with the field paths,
// strict decoding of unknown fields, NotFound for a missing namespace, Conflict on a stale
// update), and the raw codes for malformed requests.
import { describe, expect, it } from "vitest";
import { useCluster } from "./harness";
import { configMap, create } from "./manifests";

const cluster = useCluster();

const deployment = (name: string, spec: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
${spec}`;

const goodSpec = `  replicas: 1
  selector:
    matchLabels: {app: good}
  template:
    metadata:
      labels: {app: good}
    spec:
      containers:
      - name: main
        image: nginx:1.25
`;

describe("kubectl and invalid objects", () => {
  it("prints the 422 Invalid message with the field path", async () => {
    const result = await cluster.kubectl(["apply", "-f", "-"], {
      input: deployment("bad-selector", goodSpec.replace("labels: {app: good}", "labels: {app: other}")),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The Deployment "bad-selector" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
    expect((await cluster.kubectl(["get", "deploy", "bad-selector"])).code).toBe(1);
  });

  it("lists every bad field", async () => {
    const spec = goodSpec.replace("replicas: 1", "replicas: -1").replace("image: nginx:1.25", 'image: ""').replace("name: main", "name: Main_1");
    const result = await cluster.kubectl(["apply", "-f", "-"], { input: deployment("many-errors", spec) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The Deployment "many-errors" is invalid:');
    expect(result.stderr).toMatch(/spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
    expect(result.stderr).toMatch(/spec\.template\.spec\.containers\[0\]\.image: Required value/);
    expect(result.stderr).toMatch(/spec\.template\.spec\.containers\[0\]\.name: Invalid value: "Main_1"/);
  });

  it("rejects a name that is not a DNS-1123 subdomain", async () => {
    const result = await cluster.kubectl(["create", "-f", "-"], { input: JSON.stringify(configMap("Not_Valid")) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ConfigMap "Not_Valid" is invalid: metadata\.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
  });

  it("refuses to change an immutable field", async () => {
    await cluster.kubectlOk(["apply", "-f", "-"], { input: deployment("fixed", goodSpec) });
    const changed = goodSpec.replace("matchLabels: {app: good}", "matchLabels: {app: good, extra: x}").replace("labels: {app: good}\n    spec", "labels: {app: good, extra: x}\n    spec");
    const result = await cluster.kubectl(["apply", "-f", "-"], { input: deployment("fixed", changed) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The Deployment "fixed" is invalid: spec\.selector: Invalid value: .*field is immutable/);
  });
});

describe("unknown fields", () => {
  const typo = deployment("typo", goodSpec.replace("replicas: 1", "replica: 1"));

  it("fails with --validate=strict (the default): the server's strict decoding error", async () => {
    const result = await cluster.kubectl(["apply", "-f", "-"], { input: typo });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/strict decoding error: unknown field "spec\.replica"/);
    expect((await cluster.kubectl(["get", "deploy", "typo"])).code).toBe(1);
  });

  it("warns with --validate=warn and creates the object without the field", async () => {
    const result = await cluster.kubectl(["apply", "--validate=warn", "-f", "-"], { input: typo });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Warning: unknown field "spec\.replica"/);
    expect(await cluster.kubectlOk(["get", "deploy", "typo", "-o", "jsonpath={.spec.replicas}"])).toBe("1");
  });

  it("drops the field silently with --validate=false", async () => {
    const result = await cluster.kubectl(["apply", "--validate=false", "-f", "-"], { input: typo.replace("name: typo", "name: typo2") });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });
});

describe("missing things", () => {
  it("will not create in a namespace that does not exist", async () => {
    const result = await cluster.kubectl(["apply", "-n", "nowhere", "-f", "-"], { input: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lost\n" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/namespaces "nowhere" not found/);
  });

  it("says NotFound for a missing object", async () => {
    const result = await cluster.kubectl(["get", "configmap", "nope"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Error from server (NotFound): configmaps "nope" not found');
  });

  it("does not know resource types that do not exist", async () => {
    const result = await cluster.kubectl(["get", "widgets"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the server doesn\'t have a resource type "widgets"');
  });
});

describe("stale writes", () => {
  it("answers a replace with an old resourceVersion with 409 Conflict", async () => {
    await create(cluster, configMap("contended", { data: { v: "1" } }));
    const old = await cluster.kubectlOk(["get", "configmap", "contended", "-o", "yaml"]);
    await cluster.kubectlOk(["patch", "configmap", "contended", "--type", "merge", "-p", '{"data":{"v":"2"}}']);
    const result = await cluster.kubectl(["replace", "-f", "-"], { input: old.replace("v: \"1\"", "v: \"3\"") });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Operation cannot be fulfilled on configmaps "contended": the object has been modified; please apply your changes to the latest version and try again/);
    expect(await cluster.kubectlOk(["get", "configmap", "contended", "-o", "jsonpath={.data.v}"])).toBe("2");
  });
});

describe("malformed requests", () => {
  const path = "/api/v1/namespaces/default/configmaps";

  it("400 BadRequest for a body that is not JSON", async () => {
    const res = await cluster.api("POST", path, "{not json", { "content-type": "application/json" });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ kind: "Status", status: "Failure", reason: "BadRequest", code: 400 });
  });

  it("415 UnsupportedMediaType for a patch type the server does not know", async () => {
    const res = await cluster.api("PATCH", `${path}/anything`, "{}", { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ kind: "Status", reason: "UnsupportedMediaType", code: 415 });
  });

  it("404 NotFound for a resource type that does not exist", async () => {
    const res = await cluster.api("GET", "/api/v1/namespaces/default/widgets");
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
  });

  it("409 AlreadyExists on a second create, with details", async () => {
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "twice" } };
    expect((await cluster.api("POST", path, body)).status).toBe(201);
    const res = await cluster.api("POST", path, body);
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ reason: "AlreadyExists", details: { name: "twice", kind: "configmaps" }, code: 409 });
  });

  it("422 with every cause in details.causes", async () => {
    const res = await cluster.api("POST", path, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Bad!", labels: { "a/b/c": "x" } } });
    expect(res.status).toBe(422);
    const causes = (res.json as { details: { causes: { field: string }[] } }).details.causes.map((c) => c.field);
    expect(causes).toEqual(expect.arrayContaining(["metadata.name", "metadata.labels"]));
  });
});
