// The Node authorizer against a fake graph: what node n1 may reach through its pods.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/apis/types";
import type { Attributes } from "../../../src/auth/attributes";
import { authorizeNode, type NodeGraph } from "../../../src/auth/node/authorizer";
import { nodeRules } from "../../../src/auth/rbac/defaults";

const pod = (name: string, nodeName: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns" }, spec: { nodeName, ...spec } });
const pods = [
  pod("p1", "n1", { serviceAccountName: "sa1", imagePullSecrets: [{ name: "pull" }], initContainers: [{ envFrom: [{ secretRef: { name: "init-env" } }] }], volumes: [{ projected: { sources: [{ configMap: { name: "cm" } }] } }] }),
  pod("p2", "n2", { volumes: [{ secret: { secretName: "theirs" } }] }),
];
const graph: NodeGraph = {
  podsOn: async (node, namespace) => pods.filter((p) => (p.spec as { nodeName: string }).nodeName === node && p.metadata.namespace === namespace),
  pod: async (namespace, name) => pods.find((p) => p.metadata.namespace === namespace && p.metadata.name === name),
};
const n1 = { name: "system:node:n1", groups: ["system:nodes", "system:authenticated"] };
const ask = (a: Partial<Attributes>) =>
  authorizeNode({ user: n1, verb: "get", resourceRequest: true, path: "", apiGroup: "", apiVersion: "v1", resource: "secrets", subresource: "", namespace: "ns", name: "", ...a }, graph, nodeRules());

describe("Node authorizer", () => {
  it.each<[string, Partial<Attributes>, boolean, string?]>([
    ["an image pull secret", { name: "pull" }, true],
    ["an init container's envFrom secret", { name: "init-env" }, true],
    ["another node's secret", { name: "theirs" }, false, "no relationship found between node 'n1' and this object"],
    ["a projected config map", { resource: "configmaps", name: "cm" }, true],
    // The agent's per-object watches (fieldSelector=metadata.name=<name>, which gives the request its name).
    ["a watch of one referenced secret", { verb: "watch", name: "pull", fieldSelector: [{ field: "metadata.name", operator: "=", value: "pull" }] }, true],
    ["a watch of one referenced config map", { resource: "configmaps", verb: "list", name: "cm", fieldSelector: [{ field: "metadata.name", operator: "=", value: "cm" }] }, true],
    ["a watch of another node's secret", { verb: "watch", name: "theirs", fieldSelector: [{ field: "metadata.name", operator: "=", value: "theirs" }] }, false, "no relationship found between node 'n1' and this object"],
    ["a watch of every secret in the namespace", { verb: "watch" }, false, "No Object name found"],
    ["a watch of every secret", { verb: "watch", namespace: "" }, false, "can only read namespaced object of this type"],
    ["a secret write", { verb: "update", name: "pull" }, false, "can only read resources of this type"],
    ["its service account's token", { resource: "serviceaccounts", subresource: "token", verb: "create", name: "sa1" }, true],
    ["the service account itself", { resource: "serviceaccounts", verb: "get", name: "sa1" }, false, "can only create tokens for individual service accounts"],
    ["its pod", { resource: "pods", name: "p1" }, true],
    ["another node's pod", { resource: "pods", name: "p2" }, false, "no relationship found between node 'n1' and this object"],
    ["its pods by selector", { resource: "pods", verb: "watch", namespace: "", fieldSelector: [{ field: "spec.nodeName", operator: "==", value: "n1" }] }, true],
    ["all pods", { resource: "pods", verb: "list", namespace: "" }, false, "can only list/watch pods with spec.nodeName field selector"],
    ["pod status", { resource: "pods", subresource: "status", verb: "patch", name: "p2" }, true],
    ["its Node", { resource: "nodes", namespace: "", name: "n1" }, true],
    ["all nodes", { resource: "nodes", namespace: "", verb: "list" }, false, "node 'n1' cannot read all nodes, only its own Node object"],
    ["its lease", { apiGroup: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", verb: "update", name: "n1" }, true],
    ["a lease elsewhere", { apiGroup: "coordination.k8s.io", resource: "leases", namespace: "ns", verb: "get", name: "n1" }, false, 'can only access leases in the "kube-node-lease" system namespace'],
    ["its tunnel", { apiGroup: "edgeplane.dev", resource: "nodes", subresource: "tunnel", namespace: "", name: "n1" }, true],
    ["another tunnel", { apiGroup: "edgeplane.dev", resource: "nodes", subresource: "tunnel", namespace: "", name: "n2" }, false],
    ["services (static node rules)", { resource: "services", verb: "list" }, true],
    ["deployments", { apiGroup: "apps", resource: "deployments", verb: "list" }, false],
  ])("%s", async (_name, a, allowed, reason) => {
    const decision = await ask(a);
    expect(decision.allowed).toBe(allowed);
    if (reason) expect(decision.reason).toBe(reason);
  });

  it("has no opinion about anyone else", async () => {
    const d = await authorizeNode({ user: { name: "system:node:n1", groups: ["system:authenticated"] }, verb: "get", resourceRequest: true, path: "", apiGroup: "", apiVersion: "v1", resource: "secrets", subresource: "", namespace: "ns", name: "pull" }, graph, nodeRules());
    expect(d).toEqual({ allowed: false, reason: "" });
  });
});
