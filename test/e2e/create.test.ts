// kubectl create: secrets and configmaps from literals and files, generateName, dry runs,
// and AlreadyExists.
import { describe, expect, it } from "vitest";
import { useCluster } from "./harness";
import { parseTable } from "./table";

const cluster = useCluster();

const b64 = (text: string): string => Buffer.from(text).toString("base64");

describe("create secret generic", () => {
  it("stores literals base64-encoded in an Opaque secret", async () => {
    expect((await cluster.kubectlOk(["create", "secret", "generic", "db", "--from-literal=user=admin", "--from-literal=password=s3cr3t!"])).trim()).toBe(
      "secret/db created",
    );
    const secret = JSON.parse(await cluster.kubectlOk(["get", "secret", "db", "-o", "json"]));
    expect(secret).toMatchObject({ apiVersion: "v1", kind: "Secret", type: "Opaque", data: { user: b64("admin"), password: b64("s3cr3t!") } });
    expect(parseTable(await cluster.kubectlOk(["get", "secret", "db"]))[0]).toMatchObject({ NAME: "db", TYPE: "Opaque", DATA: "2" });
  });

  it("reads keys from files", async () => {
    const path = await cluster.file("tls.key", "-----BEGIN KEY-----\nabc\n");
    await cluster.kubectlOk(["create", "secret", "generic", "files", `--from-file=${path}`, "--from-file=renamed.txt=" + path]);
    const data = JSON.parse(await cluster.kubectlOk(["get", "secret", "files", "-o", "jsonpath={.data}"]));
    expect(data).toEqual({ "tls.key": b64("-----BEGIN KEY-----\nabc\n"), "renamed.txt": b64("-----BEGIN KEY-----\nabc\n") });
  });

  it("creates a typed secret", async () => {
    await cluster.kubectlOk(["create", "secret", "generic", "typed", "--type=example.com/token", "--from-literal=token=t"]);
    expect(await cluster.kubectlOk(["get", "secret", "typed", "-o", "jsonpath={.type}"])).toBe("example.com/token");
  });
});

describe("create configmap", () => {
  it("stores literals as data", async () => {
    expect((await cluster.kubectlOk(["create", "configmap", "settings", "--from-literal=a=1", "--from-literal=greeting=hello world"])).trim()).toBe(
      "configmap/settings created",
    );
    expect(JSON.parse(await cluster.kubectlOk(["get", "cm", "settings", "-o", "jsonpath={.data}"]))).toEqual({ a: "1", greeting: "hello world" });
  });

  it("says AlreadyExists for a name that is taken", async () => {
    const result = await cluster.kubectl(["create", "configmap", "settings", "--from-literal=a=2"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('error: failed to create configmap: configmaps "settings" already exists');
  });

  it("creates nothing with --dry-run=server but answers with the object as it would be", async () => {
    const out = await cluster.kubectlOk(["create", "configmap", "dry", "--from-literal=a=1", "--dry-run=server", "-o", "json"]);
    const obj = JSON.parse(out);
    expect(obj).toMatchObject({ kind: "ConfigMap", metadata: { name: "dry", namespace: "default" }, data: { a: "1" } });
    expect(obj.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const get = await cluster.kubectl(["get", "cm", "dry"]);
    expect(get.stderr.trim()).toBe('Error from server (NotFound): configmaps "dry" not found');
  });
});

describe("create through the API", () => {
  it("takes apiVersion and kind from the URL when the body leaves them out", async () => {
    const res = await cluster.api("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "kindless" }, data: { a: "1" } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kindless" } });
  });
});

describe("create -f", () => {
  it("generates a name from generateName", async () => {
    const manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: gen-\ndata: {a: '1'}\n";
    const first = (await cluster.kubectlOk(["create", "-f", "-"], { input: manifest })).trim();
    const second = (await cluster.kubectlOk(["create", "-f", "-"], { input: manifest })).trim();
    expect(first).toMatch(/^configmap\/gen-[a-z0-9]{5} created$/);
    expect(second).toMatch(/^configmap\/gen-[a-z0-9]{5} created$/);
    expect(second).not.toBe(first);
  });

  it("creates namespaces and objects in them", async () => {
    expect((await cluster.kubectlOk(["create", "namespace", "team-a"])).trim()).toBe("namespace/team-a created");
    await cluster.kubectlOk(["create", "deployment", "api", "--image=nginx:1.25", "--replicas=2", "-n", "team-a"]);
    expect(await cluster.kubectlOk(["get", "deploy", "api", "-n", "team-a", "-o", "jsonpath={.spec.replicas}"])).toBe("2");
  });
});
