// RBAC rule matching and the escalation arithmetic (covers, compaction, messages).
import { describe, expect, it } from "vitest";
import { requestAttributes, type Attributes } from "../../../src/auth/attributes";
import { compactRules, compactString, covers } from "../../../src/auth/rbac/covers";
import { ruleAllows, type PolicyRule } from "../../../src/auth/rbac/rules";

const user = { name: "u", groups: [] };
const attrs = (a: Partial<Attributes>): Attributes => ({ user, verb: "get", resourceRequest: true, path: "", apiGroup: "", apiVersion: "v1", resource: "pods", subresource: "", namespace: "ns", name: "", ...a });

describe("ruleAllows", () => {
  it.each<[string, PolicyRule, Partial<Attributes>, boolean]>([
    ["exact", { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, {}, true],
    ["other verb", { verbs: ["list"], apiGroups: [""], resources: ["pods"] }, {}, false],
    ["other group", { verbs: ["get"], apiGroups: ["apps"], resources: ["pods"] }, {}, false],
    ["wildcards", { verbs: ["*"], apiGroups: ["*"], resources: ["*"] }, { apiGroup: "apps", resource: "deployments", subresource: "scale" }, true],
    ["a subresource needs its own entry", { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, { subresource: "log" }, false],
    ["resource/subresource", { verbs: ["get"], apiGroups: [""], resources: ["pods/log"] }, { subresource: "log" }, true],
    ["*/scale", { verbs: ["update"], apiGroups: ["*"], resources: ["*/scale"] }, { verb: "update", apiGroup: "apps", resource: "deployments", subresource: "scale" }, true],
    ["*/scale is not the resource", { verbs: ["update"], apiGroups: ["*"], resources: ["*/scale"] }, { verb: "update", apiGroup: "apps", resource: "deployments" }, false],
    ["named", { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] }, { name: "a" }, true],
    ["named, other name", { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] }, { name: "b" }, false],
    ["named, a list has no name", { verbs: ["list"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] }, { verb: "list" }, false],
    ["URL", { verbs: ["get"], nonResourceURLs: ["/healthz"] }, { resourceRequest: false, path: "/healthz" }, true],
    ["URL prefix", { verbs: ["get"], nonResourceURLs: ["/apis/*"] }, { resourceRequest: false, path: "/apis/apps/v1" }, true],
    ["URL prefix is not the parent", { verbs: ["get"], nonResourceURLs: ["/apis/*"] }, { resourceRequest: false, path: "/apis" }, false],
    ["URL rule, resource request", { verbs: ["get"], nonResourceURLs: ["*"] }, {}, false],
  ])("%s", (_name, rule, a, allowed) => {
    expect(ruleAllows(attrs(a), rule)).toBe(allowed);
  });
});

describe("covers", () => {
  const owner: PolicyRule[] = [
    { verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "pods/log"] },
    { verbs: ["*"], apiGroups: ["apps"], resources: ["*/scale"] },
    { verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a", "b"] },
    { verbs: ["get"], nonResourceURLs: ["/apis/*"] },
  ];

  it("holds what the owner holds, and names what it lacks", () => {
    expect(covers(owner, [{ verbs: ["list"], apiGroups: [""], resources: ["pods/log"] }]).covered).toBe(true);
    expect(covers(owner, [{ verbs: ["patch"], apiGroups: ["apps"], resources: ["deployments/scale"] }]).covered).toBe(true);
    expect(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }]).covered).toBe(true);
    expect(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"] }]).covered).toBe(false);
    expect(covers(owner, [{ verbs: ["get"], nonResourceURLs: ["/apis/apps"] }]).covered).toBe(true);
    expect(covers(owner, [{ verbs: ["*"], apiGroups: [""], resources: ["pods"] }]).covered).toBe(false);
    const { missing } = covers(owner, [{ verbs: ["get", "delete", "create"], apiGroups: ["", "batch"], resources: ["pods"] }]);
    expect(compactRules(missing).map(compactString).sort()).toEqual([
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete" "create"]}',
      '{APIGroups:["batch"], Resources:["pods"], Verbs:["get" "delete" "create"]}',
    ]);
  });

  it("prints rules as Kubernetes' CompactString does", () => {
    expect(compactString({ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["x"] })).toBe('{APIGroups:[""], Resources:["pods"], ResourceNames:["x"], Verbs:["get"]}');
    expect(compactString({ verbs: ["get"], nonResourceURLs: ["/healthz"] })).toBe('{NonResourceURLs:["/healthz"], Verbs:["get"]}');
  });
});

describe("requestAttributes", () => {
  const at = (method: string, path: string) => {
    const a = requestAttributes(user, method, new URL(`https://x${path}`));
    return { verb: a.verb, resourceRequest: a.resourceRequest, apiGroup: a.apiGroup, resource: a.resource, subresource: a.subresource, namespace: a.namespace, name: a.name };
  };

  it.each<[string, string, Partial<ReturnType<typeof at>>]>([
    ["GET", "/api/v1/namespaces/ns/pods", { verb: "list", resource: "pods", namespace: "ns", name: "" }],
    ["GET", "/api/v1/namespaces/ns/pods?watch=true", { verb: "watch", resource: "pods" }],
    ["GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1", { verb: "list", resource: "pods", namespace: "" }],
    ["GET", "/api/v1/namespaces/ns/secrets?fieldSelector=metadata.name%3Ds", { verb: "list", resource: "secrets", name: "s" }],
    ["GET", "/api/v1/namespaces/ns/pods/p/log", { verb: "get", resource: "pods", subresource: "log", name: "p" }],
    ["PUT", "/api/v1/namespaces/ns/pods/p/status", { verb: "update", subresource: "status" }],
    ["DELETE", "/apis/apps/v1/namespaces/ns/deployments", { verb: "deletecollection", apiGroup: "apps", resource: "deployments" }],
    ["POST", "/api/v1/namespaces/ns/serviceaccounts/sa/token", { verb: "create", resource: "serviceaccounts", subresource: "token", name: "sa" }],
    ["GET", "/api/v1/namespaces/ns", { verb: "get", resource: "namespaces", namespace: "ns", name: "ns" }],
    ["PUT", "/api/v1/namespaces/ns/finalize", { verb: "update", resource: "namespaces", subresource: "finalize", name: "ns" }],
    ["PATCH", "/api/v1/nodes/n1/status", { verb: "patch", resource: "nodes", subresource: "status", namespace: "" }],
    ["GET", "/api/v1/nodes/n1/proxy/stats/summary", { verb: "get", resource: "nodes", subresource: "proxy", name: "n1" }],
    ["GET", "/apis/apps/v1", { verb: "get", resourceRequest: false }],
    ["GET", "/api", { verb: "get", resourceRequest: false }],
    ["POST", "/admin/tokens", { verb: "post", resourceRequest: false }],
  ])("%s %s", (method, path, expected) => {
    expect(at(method, path)).toMatchObject({ resourceRequest: true, subresource: "", ...expected });
  });
});
