// RBAC's rule resolution, aggregation and decisions over the default policy.
import { describe, expect, it } from "vitest";
import type { Attributes } from "../../../src/auth/attributes";
import { DEFAULT_CLUSTER_ROLE_BINDINGS, DEFAULT_CLUSTER_ROLES } from "../../../src/auth/rbac/defaults";
import { RbacPolicy } from "../../../src/auth/rbac/policy";
import { authorizeController } from "../../../src/auth/controllers";
import type { BindingObject } from "../../../src/apis/rbac/v1/binding";

const sa = { name: "system:serviceaccount:team:dev", groups: ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"] };

function binding(namespace: string, name: string, role: { kind: "Role" | "ClusterRole"; name: string }, subjects: BindingObject["subjects"]): BindingObject {
  return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name, namespace }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...role }, subjects };
}

const policy = new RbacPolicy({
  clusterRoles: DEFAULT_CLUSTER_ROLES,
  roles: [],
  clusterRoleBindings: DEFAULT_CLUSTER_ROLE_BINDINGS,
  // A service account subject without a namespace means the binding's namespace.
  roleBindings: [binding("team", "dev-edits", { kind: "ClusterRole", name: "edit" }, [{ kind: "ServiceAccount", name: "dev" }]), binding("team", "dangling", { kind: "Role", name: "gone" }, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:authenticated" }])],
});

const ask = (a: Partial<Attributes>): Attributes => ({ user: sa, verb: "get", resourceRequest: true, path: "", apiGroup: "", apiVersion: "v1", resource: "pods", subresource: "", namespace: "team", name: "", ...a });

describe("RbacPolicy", () => {
  it("aggregates admin from edit and view, and edit from view", () => {
    const admin = policy.roleRefRules({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" }, "");
    const edit = policy.roleRefRules({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" }, "");
    if (!("rules" in admin) || !("rules" in edit)) throw new Error("aggregated roles missing");
    expect(admin.rules.some((r) => r.resources?.includes("rolebindings"))).toBe(true);
    expect(admin.rules.some((r) => r.resources?.includes("secrets") && r.verbs?.includes("create"))).toBe(true);
    expect(edit.rules.some((r) => r.resources?.includes("rolebindings"))).toBe(false);
    expect(edit.rules.some((r) => r.resources?.includes("pods/log"))).toBe(true);
  });

  it("decides for a namespaced editor, and says which binding names a missing role", () => {
    expect(policy.authorize(ask({})).allowed).toBe(true);
    expect(policy.authorize(ask({ namespace: "other" })).allowed).toBe(false);
    const denied = policy.authorize(ask({ resource: "roles", apiGroup: "rbac.authorization.k8s.io" }));
    expect(denied).toEqual({ allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found' });
    const { rules, errors } = policy.rulesFor(sa, "team");
    expect(rules.some((r) => r.nonResourceURLs?.includes("/api/*"))).toBe(true);
    expect(errors).toEqual(['role.rbac.authorization.k8s.io "gone" not found']);
  });
});

describe("controllers' least privilege", () => {
  it("lets each controller do its own work only", () => {
    expect(authorizeController("replicaset-controller", { verb: "create", resource: "pods", namespace: "a", name: "" })).toBeUndefined();
    expect(authorizeController("deployment-controller", { verb: "create", resource: "apps/replicasets", namespace: "a", name: "" })).toBeUndefined();
    expect(authorizeController("daemonset-controller", { verb: "create", resource: "pods", subresource: "binding", namespace: "a", name: "p" })).toBeUndefined();
    expect(authorizeController("default-scheduler", { verb: "create", resource: "pods", subresource: "binding", namespace: "a", name: "p" })).toBeUndefined();
    expect(authorizeController("deployment-controller", { verb: "get", resource: "secrets", namespace: "a", name: "s" })?.message).toBe(
      'secrets "s" is forbidden: User "system:serviceaccount:kube-system:deployment-controller" cannot get resource "secrets" in API group "" in the namespace "a"',
    );
    expect(authorizeController("default-scheduler", { verb: "delete", resource: "apps/deployments", namespace: "a", name: "d" })?.code).toBe(403);
    expect(authorizeController("some-new-controller", { verb: "create", resource: "pods", namespace: "a", name: "" })?.code).toBe(403);
  });
});
