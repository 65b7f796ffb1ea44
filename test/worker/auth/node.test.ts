// The Node authorizer and NodeRestriction, with node credentials obtained as an agent gets them
// (a bootstrap token traded for a NodeCredentialRequest): a node reaches only what its pods need.
import { beforeAll, describe, expect, it } from "vitest";
import { get, post } from "../client";
import { as, namespaceOnce, ok, pod, type Obj } from "./helpers";

const NS = "nodes-ns";
let nodeA: ReturnType<typeof as>;
let nodeB: ReturnType<typeof as>;

async function nodeCredential(name: string): Promise<string> {
  const bootstrap = await ok(post<{ token: string }>("/admin/tokens", { ttlSeconds: 600 }));
  const cred = await ok(as(bootstrap.token).post<{ status: { token: string } }>("/apis/edgeplane.dev/v1/nodecredentialrequests", { apiVersion: "edgeplane.dev/v1", kind: "NodeCredentialRequest", spec: { nodeName: name } }));
  return cred.status.token;
}

const forbiddenBy = (node: string, verb: string, resource: string, why: string, namespace = NS) =>
  `User "system:node:${node}" cannot ${verb} resource "${resource}" in API group "" ${namespace ? `in the namespace "${namespace}"` : "at the cluster scope"}: ${why}`;

beforeAll(async () => {
  await namespaceOnce(NS);
  for (const name of ["a-only", "b-only", "shared"]) await ok(post(`/api/v1/namespaces/${NS}/secrets`, { apiVersion: "v1", kind: "Secret", metadata: { name }, stringData: { k: name } }));
  await ok(post(`/api/v1/namespaces/${NS}/configmaps`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a-cm" }, data: { k: "v" } }));
  for (const name of ["a-sa", "b-sa"]) await ok(post(`/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name } }));
  await ok(
    post(
      `/api/v1/namespaces/${NS}/pods`,
      pod("pa", {
        nodeName: "node-a",
        serviceAccountName: "a-sa",
        volumes: [{ name: "s", secret: { secretName: "a-only" } }, { name: "sh", projected: { sources: [{ secret: { name: "shared" } }] } }],
        containers: [{ name: "c", image: "busybox", envFrom: [{ configMapRef: { name: "a-cm" } }] }],
      }),
    ),
  );
  await ok(
    post(
      `/api/v1/namespaces/${NS}/pods`,
      pod("pb", {
        nodeName: "node-b",
        serviceAccountName: "b-sa",
        containers: [{ name: "c", image: "busybox", env: [{ name: "P", valueFrom: { secretKeyRef: { name: "b-only", key: "k" } } }, { name: "S", valueFrom: { secretKeyRef: { name: "shared", key: "k" } } }] }],
      }),
    ),
  );
  nodeA = as(await nodeCredential("node-a"));
  nodeB = as(await nodeCredential("node-b"));
});

describe("a node's secrets, config maps and service account tokens", () => {
  it("reads only the Secrets its own pods reference", async () => {
    expect((await nodeA.get(`/api/v1/namespaces/${NS}/secrets/a-only`)).status).toBe(200);
    expect((await nodeA.get(`/api/v1/namespaces/${NS}/secrets/shared`)).status).toBe(200);
    expect((await nodeB.get(`/api/v1/namespaces/${NS}/secrets/shared`)).status).toBe(200);
    const denied = await nodeA.get(`/api/v1/namespaces/${NS}/secrets/b-only`);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      reason: "Forbidden",
      details: { name: "b-only", kind: "secrets" },
      message: `secrets "b-only" is forbidden: ${forbiddenBy("node-a", "get", "secrets", "no relationship found between node 'node-a' and this object")}`,
    });
    expect(JSON.stringify(denied.body)).not.toContain(btoa("b-only"));
    const list = await nodeA.get(`/api/v1/namespaces/${NS}/secrets`);
    expect(list.body).toMatchObject({ code: 403, message: `secrets is forbidden: ${forbiddenBy("node-a", "list", "secrets", "No Object name found")}` });
    const one = await nodeA.get<{ items: Obj[] }>(`/api/v1/namespaces/${NS}/secrets?fieldSelector=metadata.name%3Da-only`);
    expect(one.status).toBe(200);
    expect(one.body.items.map((s) => s.metadata.name)).toEqual(["a-only"]);
    expect((await nodeA.post(`/api/v1/namespaces/${NS}/secrets`, { apiVersion: "v1", kind: "Secret", metadata: { name: "x" } })).status).toBe(403);
  });

  it("reads only the ConfigMaps its pods reference", async () => {
    expect((await nodeA.get(`/api/v1/namespaces/${NS}/configmaps/a-cm`)).status).toBe(200);
    expect((await nodeB.get(`/api/v1/namespaces/${NS}/configmaps/a-cm`)).status).toBe(403);
  });

  it("gets tokens only for its pods' service accounts, bound to those pods", async () => {
    const pa = await get<Obj>(`/api/v1/namespaces/${NS}/pods/pa`);
    const pb = await get<Obj>(`/api/v1/namespaces/${NS}/pods/pb`);
    const request = (name: string, p?: Obj) => ({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: p ? { boundObjectRef: { kind: "Pod", apiVersion: "v1", name: p.metadata.name, uid: p.metadata.uid } } : {} });
    expect((await nodeA.post(`/api/v1/namespaces/${NS}/serviceaccounts/a-sa/token`, request("a-sa", pa.body))).status).toBe(201);
    const unbound = await nodeA.post(`/api/v1/namespaces/${NS}/serviceaccounts/a-sa/token`, request("a-sa"));
    expect(unbound.body).toMatchObject({ code: 403, message: 'serviceaccounts "a-sa" is forbidden: node requested token not bound to a pod' });
    const other = await nodeA.post(`/api/v1/namespaces/${NS}/serviceaccounts/b-sa/token`, request("b-sa", pb.body));
    expect(other.body).toMatchObject({ code: 403, message: `serviceaccounts "b-sa" is forbidden: ${forbiddenBy("node-a", "create", "serviceaccounts/token", "no relationship found between node 'node-a' and this object")}` });
  });
});

describe("a node's pods", () => {
  it("reads the pods bound to it, by name or by its spec.nodeName selector only", async () => {
    expect((await nodeA.get(`/api/v1/namespaces/${NS}/pods/pa`)).status).toBe(200);
    expect((await nodeA.get(`/api/v1/namespaces/${NS}/pods/pb`)).status).toBe(403);
    const all = await nodeA.get("/api/v1/pods");
    expect(all.body).toMatchObject({ code: 403, message: `pods is forbidden: ${forbiddenBy("node-a", "list", "pods", "can only list/watch pods with spec.nodeName field selector", "")}` });
    const mine = await nodeA.get<{ items: Obj[] }>("/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a");
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((p) => p.metadata.name)).toEqual(["pa"]);
    expect((await nodeA.get("/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-b")).status).toBe(403);
  });

  it("writes the status of its own pods only, and nothing else of them", async () => {
    const patched = await nodeA.patch<Obj>(`/api/v1/namespaces/${NS}/pods/pa/status`, { status: { phase: "Running" } });
    expect(patched.status).toBe(200);
    const pb = await get<Obj>(`/api/v1/namespaces/${NS}/pods/pb`);
    const denied = await nodeA.put(`/api/v1/namespaces/${NS}/pods/pb/status`, { ...pb.body, status: { phase: "Failed" } });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ reason: "Forbidden", message: 'pods "pb" is forbidden: node "node-a" can only update pod status for pods with spec.nodeName set to itself' });
    // Labels cannot change through status here at all (Kubernetes lets them and NodeRestriction refuses nodes).
    const relabel = await nodeA.patch<Obj>(`/api/v1/namespaces/${NS}/pods/pa/status`, { metadata: { labels: { stolen: "yes" } } });
    expect(relabel.body.metadata.labels).toBeUndefined();
    const update = await nodeA.patch(`/api/v1/namespaces/${NS}/pods/pb`, { metadata: { labels: { x: "y" } } });
    expect(update.body).toMatchObject({ code: 403, message: `pods "pb" is forbidden: ${forbiddenBy("node-a", "patch", "pods", "")}`.replace(/: $/, "") });
    const removal = await nodeA.del(`/api/v1/namespaces/${NS}/pods/pb`);
    expect(removal.body).toMatchObject({ code: 403, message: 'pods "pb" is forbidden: node "node-a" can only delete pods with spec.nodeName set to itself' });
    const created = await nodeA.post(`/api/v1/namespaces/${NS}/pods`, pod("rogue", { nodeName: "node-a" }));
    expect(created.body).toMatchObject({ code: 403, message: 'pods "rogue" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "node-a" can only create mirror pods' });
  });
});

describe("a node's Node and Lease", () => {
  const node = (name: string, taints?: unknown[]) => ({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name } }, spec: taints ? { taints } : {} });

  it("registers and reads its own Node, not another's", async () => {
    expect((await nodeA.post("/api/v1/nodes", node("node-a"))).status).toBe(201);
    const other = await nodeA.post("/api/v1/nodes", node("node-c"));
    expect(other.body).toMatchObject({ code: 403, message: 'nodes "node-c" is forbidden: node "node-a" is not allowed to modify node "node-c"' });
    expect((await nodeA.get("/api/v1/nodes/node-a")).status).toBe(200);
    expect((await nodeA.get("/api/v1/nodes/node-b")).body).toMatchObject({ code: 403, message: `nodes "node-b" is forbidden: ${forbiddenBy("node-a", "get", "nodes", "node 'node-a' cannot read 'node-b', only its own Node object", "")}` });
    expect((await nodeA.get("/api/v1/nodes")).body).toMatchObject({ code: 403, message: `nodes is forbidden: ${forbiddenBy("node-a", "list", "nodes", "node 'node-a' cannot read all nodes, only its own Node object", "")}` });
    expect((await nodeA.patch("/api/v1/nodes/node-a/status", { status: { conditions: [{ type: "Ready", status: "True" }] } })).status).toBe(200);
    const taint = await nodeA.patch("/api/v1/nodes/node-a", { spec: { taints: [] , unschedulable: false } });
    expect(taint.status).toBe(200);
    const untaint = await post("/api/v1/nodes", node("node-t", [{ key: "k", effect: "NoSchedule" }]));
    expect(untaint.status).toBe(201);
    const tokenT = as(await nodeCredential("node-t"));
    const cleared = await tokenT.patch("/api/v1/nodes/node-t", { spec: { taints: null } });
    expect(cleared.body).toMatchObject({ code: 403, message: 'nodes "node-t" is forbidden: node "node-t" is not allowed to modify taints' });
    const restricted = await nodeA.patch("/api/v1/nodes/node-a", { metadata: { labels: { "node-restriction.kubernetes.io/pool": "secure" } } });
    expect(restricted.body).toMatchObject({ code: 403, message: 'nodes "node-a" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool' });
  });

  it("keeps its own Lease in kube-node-lease", async () => {
    const lease = (name: string) => ({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40 } });
    expect((await nodeA.post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease("node-a"))).status).toBe(201);
    const theirs = await nodeA.post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease("node-b"));
    expect(theirs.body).toMatchObject({ code: 403, message: 'leases.coordination.k8s.io "node-b" is forbidden: can only access node lease with the same name as the requesting node' });
    expect((await nodeA.get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-b")).status).toBe(403);
    expect((await nodeA.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/node-a")).status).toBe(403);
  });

  it("cannot list its permissions (the Node authorizer does not enumerate them)", async () => {
    const review = await ok(nodeA.post<{ status: Record<string, unknown> }>("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace: NS } }));
    expect(review.status).toMatchObject({ incomplete: true, evaluationError: "node authorizer does not support user rule resolution" });
  });
});
