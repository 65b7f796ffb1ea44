// kubectl's generator commands. `create <kind>` posts its object through client-go's typed clients,
// which send Kubernetes protobuf (Content-Type: application/vnd.kubernetes.protobuf) since 1.31;
// `run` and `expose` post JSON through the resource helper. Each command is followed by a
// `get -o json` that shows the fields it set.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCluster } from "./harness";

const cluster = useCluster();

const b64 = (text: string): string => Buffer.from(text).toString("base64");

async function getJson(...args: string[]): Promise<Record<string, unknown>> {
  return JSON.parse(await cluster.kubectlOk(["get", ...args, "-o", "json"])) as Record<string, unknown>;
}

async function created(args: string[]): Promise<string> {
  return (await cluster.kubectlOk(args)).trim();
}

describe("kubectl create sends protobuf", () => {
  it("create configmap --from-literal", async () => {
    expect(await created(["create", "configmap", "settings", "--from-literal=a=1", "--from-literal=greeting=hello world"])).toBe("configmap/settings created");
    expect(await getJson("configmap", "settings")).toMatchObject({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "settings", namespace: "default" },
      data: { a: "1", greeting: "hello world" },
    });
  });

  it("create configmap --from-file with binary content lands in binaryData", async () => {
    // Not valid UTF-8, so kubectl puts it in binaryData, a map of bytes on the wire.
    const path = join(cluster.stateDir, "blob.bin");
    await writeFile(path, Buffer.from([0, 1, 2, 0xff]));
    await created(["create", "configmap", "blob", `--from-file=blob=${path}`]);
    const cm = await getJson("configmap", "blob");
    expect(cm.binaryData).toEqual({ blob: Buffer.from([0, 1, 2, 0xff]).toString("base64") });
  });

  it("create secret generic --from-literal", async () => {
    expect(await created(["create", "secret", "generic", "db", "--from-literal=user=admin", "--from-literal=password=s3cr3t!"])).toBe("secret/db created");
    expect(await getJson("secret", "db")).toMatchObject({ kind: "Secret", type: "Opaque", data: { user: b64("admin"), password: b64("s3cr3t!") } });
  });

  it("create secret docker-registry", async () => {
    await created(["create", "secret", "docker-registry", "registry", "--docker-server=registry.example", "--docker-username=u", "--docker-password=p"]);
    const secret = await getJson("secret", "registry");
    expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
    const config = JSON.parse(Buffer.from((secret.data as Record<string, string>)[".dockerconfigjson"], "base64").toString());
    expect(config.auths["registry.example"]).toMatchObject({ username: "u", password: "p" });
  });

  it("create namespace", async () => {
    expect(await created(["create", "namespace", "team-a"])).toBe("namespace/team-a created");
    expect(await getJson("namespace", "team-a")).toMatchObject({ kind: "Namespace", metadata: { name: "team-a" }, status: { phase: "Active" } });
  });

  it("create deployment --image", async () => {
    expect(await created(["create", "deployment", "web", "--image=nginx:1.25", "--replicas=2", "--port=80"])).toBe("deployment.apps/web created");
    const deployment = await getJson("deployment", "web");
    expect(deployment).toMatchObject({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80, protocol: "TCP" }] }] },
        },
        // Defaults, filled in because the zero values Go writes for unset fields were not taken as set.
        strategy: { type: "RollingUpdate" },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    });
  });

  it("create deployment --replicas=0 keeps the explicit zero", async () => {
    await created(["create", "deployment", "idle", "--image=nginx:1.25", "--replicas=0"]);
    expect((await getJson("deployment", "idle")).spec).toMatchObject({ replicas: 0 });
  });

  it("create service clusterip", async () => {
    expect(await created(["create", "service", "clusterip", "api", "--tcp=80:8080", "--tcp=443:8443"])).toBe("service/api created");
    const svc = await getJson("service", "api");
    expect(svc).toMatchObject({
      kind: "Service",
      metadata: { name: "api", labels: { app: "api" } },
      spec: {
        type: "ClusterIP",
        selector: { app: "api" },
        ports: [
          { name: "80-8080", port: 80, targetPort: 8080, protocol: "TCP" },
          { name: "443-8443", port: 443, targetPort: 8443, protocol: "TCP" },
        ],
      },
    });
    expect((svc.spec as { clusterIP: string }).clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("create service nodeport", async () => {
    await created(["create", "service", "nodeport", "edge", "--tcp=80:8080", "--node-port=30080"]);
    expect((await getJson("service", "edge")).spec).toMatchObject({ type: "NodePort", ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] });
  });

  it("create serviceaccount", async () => {
    expect(await created(["create", "serviceaccount", "robot"])).toBe("serviceaccount/robot created");
    expect(await getJson("serviceaccount", "robot")).toMatchObject({ kind: "ServiceAccount", metadata: { name: "robot", namespace: "default" } });
  });

  it("create job", async () => {
    expect(await created(["create", "job", "once", "--image=busybox:1.36", "--", "echo", "hi"])).toBe("job.batch/once created");
    const job = await getJson("job", "once");
    expect(job).toMatchObject({
      apiVersion: "batch/v1",
      kind: "Job",
      spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "once", image: "busybox:1.36", command: ["echo", "hi"] }] } } },
    });
  });

  it("create cronjob", async () => {
    await created(["create", "cronjob", "nightly", "--image=busybox:1.36", "--schedule=0 3 * * *", "--", "date"]);
    expect((await getJson("cronjob", "nightly")).spec).toMatchObject({
      schedule: "0 3 * * *",
      jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "nightly", command: ["date"] }] } } } },
    });
  });

  it("create role, rolebinding, clusterrole and clusterrolebinding", async () => {
    await created(["create", "role", "reader", "--verb=get,list", "--resource=pods,configmaps"]);
    expect((await getJson("role", "reader")).rules).toEqual([{ apiGroups: [""], resources: ["pods", "configmaps"], verbs: ["get", "list"] }]);
    await created(["create", "rolebinding", "reader", "--role=reader", "--user=alice", "--serviceaccount=default:robot"]);
    expect(await getJson("rolebinding", "reader")).toMatchObject({
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
      subjects: [
        { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" },
        { kind: "ServiceAccount", name: "robot", namespace: "default" },
      ],
    });
    await created(["create", "clusterrole", "node-viewer", "--verb=get", "--resource=nodes", "--non-resource-url=/healthz"]);
    expect((await getJson("clusterrole", "node-viewer")).rules).toEqual([
      { apiGroups: [""], resources: ["nodes"], verbs: ["get"] },
      { nonResourceURLs: ["/healthz"], verbs: ["get"] },
    ]);
    await created(["create", "clusterrolebinding", "node-viewer", "--clusterrole=node-viewer", "--group=ops"]);
    expect((await getJson("clusterrolebinding", "node-viewer")).subjects).toEqual([{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "ops" }]);
  });

  it("prints the created object from the JSON answer with -o json", async () => {
    const out = JSON.parse(await cluster.kubectlOk(["create", "configmap", "printed", "--from-literal=k=v", "-o", "json"]));
    expect(out).toMatchObject({ kind: "ConfigMap", metadata: { name: "printed", namespace: "default" }, data: { k: "v" } });
    expect(out.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("generators that send JSON", () => {
  it("expose deployment", async () => {
    await created(["create", "deployment", "shop", "--image=nginx:1.25", "--port=80"]);
    expect(await created(["expose", "deployment", "shop", "--port=8080", "--target-port=80"])).toBe("service/shop exposed");
    expect((await getJson("service", "shop")).spec).toMatchObject({ selector: { app: "shop" }, ports: [{ port: 8080, targetPort: 80, protocol: "TCP" }] });
  });

  it("run", async () => {
    expect(await created(["run", "box", "--image=busybox:1.36", "--labels=app=box", "--env=A=1", "--", "sleep", "3600"])).toBe("pod/box created");
    expect(await getJson("pod", "box")).toMatchObject({
      kind: "Pod",
      metadata: { name: "box", labels: { app: "box" } },
      spec: { containers: [{ name: "box", image: "busybox:1.36", args: ["sleep", "3600"], env: [{ name: "A", value: "1" }] }] },
    });
  });
});

describe("protobuf bodies over the API", () => {
  /** One length-delimited protobuf field; every value here is short, so each byte stays ASCII. */
  const field = (n: number, value: string): string => String.fromCharCode((n << 3) | 2, value.length) + value;
  const PROTOBUF = { "content-type": "application/vnd.kubernetes.protobuf" };

  it("updates with PUT as client-go's typed Update does", async () => {
    const current = await cluster.api("POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "typed" }, data: { a: "1" } });
    expect(current.status, current.text).toBe(201);
    const rv = (current.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const object = field(1, field(1, "typed") + field(6, rv)) + field(2, field(1, "a") + field(2, "2"));
    const body = "k8s\u0000" + field(1, field(1, "v1") + field(2, "ConfigMap")) + field(2, object);
    const res = await cluster.api("PUT", "/api/v1/namespaces/default/configmaps/typed", body, PROTOBUF);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ kind: "ConfigMap", data: { a: "2" } });
  });

  it("answers a malformed body with 400 BadRequest", async () => {
    const res = await cluster.api("POST", "/api/v1/namespaces/default/configmaps", "k8s\u0000\n\u0010", PROTOBUF);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      kind: "Status",
      reason: "BadRequest",
      message: "the object provided is unrecognized (must be of type ConfigMap): protobuf: envelope: length 16 runs past the end of the message (byte 1)",
    });
  });
});
