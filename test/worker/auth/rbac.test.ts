// RBAC through the API: the default policy in the store, aggregation, the escalation and bind
// checks (nobody grants what they do not hold), and RBAC object validation.
import { beforeAll, describe, expect, it } from "vitest";
import { call, get, post, put } from "../client";
import { as, namespaceOnce, ok, RBAC, roleBinding, saSubject, serviceAccountToken, type Obj } from "./helpers";

const NS = "rbac-ns";
let owner: ReturnType<typeof as>;
let viewer: string;

const roleObj = (name: string, rules: unknown[]) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name }, rules });
const binding = (name: string, roleRef: { kind: string; name: string }, subjects: unknown[]) => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "RoleBinding",
  metadata: { name },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
  subjects,
});

beforeAll(async () => {
  await namespaceOnce(NS);
  owner = as(await serviceAccountToken(NS, "owner"));
  await roleBinding(NS, "owner-is-admin", { kind: "ClusterRole", name: "admin" }, [saSubject(NS, "owner")]);
  viewer = await serviceAccountToken(NS, "viewer");
  await roleBinding(NS, "viewer-views", { kind: "ClusterRole", name: "view" }, [saSubject(NS, "viewer")]);
});

describe("default policy", () => {
  it("is stored with Kubernetes' names, labels and aggregated rules", async () => {
    const admin = await ok(get<Obj>(`${RBAC}/clusterroles/cluster-admin`), 200);
    expect(admin.rules).toEqual([{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }, { verbs: ["*"], nonResourceURLs: ["*"] }]);
    expect(admin.metadata).toMatchObject({ labels: { "kubernetes.io/bootstrapping": "rbac-defaults" }, annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" } });
    const edit = await ok(get<Obj>(`${RBAC}/clusterroles/edit`), 200);
    const rules = edit.rules as { resources?: string[]; verbs: string[] }[];
    expect(rules.some((r) => r.resources?.includes("secrets") && r.verbs.includes("create"))).toBe(true);
    expect(rules.some((r) => r.resources?.includes("pods/log"))).toBe(true);
    for (const name of ["system:node", "system:kube-scheduler", "system:controller:deployment-controller", "system:basic-user", "system:discovery"]) {
      expect((await get(`${RBAC}/clusterroles/${name}`)).status, name).toBe(200);
    }
    const bindings = await ok(get<{ items: Obj[] }>(`${RBAC}/clusterrolebindings`), 200);
    expect(bindings.items.map((b) => b.metadata.name)).toEqual(expect.arrayContaining(["cluster-admin", "system:basic-user", "system:controller:replicaset-controller", "edgeplane:node-bootstrapper"]));
  });

  it("aggregates new ClusterRoles into view, edit and admin by label", async () => {
    const widgets = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "widgets:view", labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } }, rules: [{ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["get"] }] };
    await ok(post(`${RBAC}/clusterroles`, widgets));
    const review = await ok(as(viewer).post<{ status: { allowed: boolean } }>("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes: { namespace: NS, verb: "get", group: "example.com", resource: "widgets" } } }));
    expect(review.status.allowed).toBe(true);
    // The aggregation controller writes the union into the stored role.
    await new Promise((r) => setTimeout(r, 300));
    const view = await ok(get<Obj>(`${RBAC}/clusterroles/view`), 200);
    expect(view.rules).toContainEqual({ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["get"] });
  });
});

describe("escalation checks", () => {
  it("let a namespace admin grant what they hold and nothing more", async () => {
    expect((await owner.post(`${RBAC}/namespaces/${NS}/roles`, roleObj("pod-reader", [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]))).status).toBe(201);
    const escalating = await owner.post(`${RBAC}/namespaces/${NS}/roles`, roleObj("node-reader", [{ apiGroups: [""], resources: ["nodes", "pods"], verbs: ["list", "get"] }, { apiGroups: ["apps"], resources: ["deployments"], verbs: ["escalate"] }]));
    expect(escalating.status).toBe(403);
    expect(escalating.body).toMatchObject({
      reason: "Forbidden",
      message: `roles.rbac.authorization.k8s.io "node-reader" is forbidden: user "system:serviceaccount:${NS}:owner" (groups=["system:serviceaccounts" "system:serviceaccounts:${NS}" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["list" "get"]}\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["escalate"]}`,
    });
    // Binding: a role whose rules they hold, yes; cluster-admin, no; a missing role is 404.
    expect((await owner.post(`${RBAC}/namespaces/${NS}/rolebindings`, binding("viewer-edits", { kind: "ClusterRole", name: "edit" }, [saSubject(NS, "viewer")]))).status).toBe(201);
    const tooMuch = await owner.post(`${RBAC}/namespaces/${NS}/rolebindings`, binding("viewer-rules", { kind: "ClusterRole", name: "cluster-admin" }, [saSubject(NS, "viewer")]));
    expect(tooMuch.status).toBe(403);
    expect(String((tooMuch.body as unknown as { message: string }).message)).toMatch(/^rolebindings\.rbac\.authorization\.k8s\.io "viewer-rules" is forbidden: user "system:serviceaccount:rbac-ns:owner" .* is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}/);
    const missing = await owner.post(`${RBAC}/namespaces/${NS}/rolebindings`, binding("ghost", { kind: "Role", name: "ghost" }, [saSubject(NS, "viewer")]));
    expect(missing.body).toMatchObject({ code: 404, message: 'roles.rbac.authorization.k8s.io "ghost" not found' });
    // Cluster-wide objects are out of reach altogether.
    expect((await owner.post(`${RBAC}/clusterroles`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "mine" }, rules: [] })).status).toBe(403);
  });

  it("let the bind and escalate verbs through", async () => {
    await ok(post(`${RBAC}/namespaces/${NS}/roles`, roleObj("binder", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["cluster-admin"] }, { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate"] }])));
    await roleBinding(NS, "owner-binds", { kind: "Role", name: "binder" }, [saSubject(NS, "owner")]);
    expect((await owner.post(`${RBAC}/namespaces/${NS}/rolebindings`, binding("viewer-is-root-here", { kind: "ClusterRole", name: "cluster-admin" }, [saSubject(NS, "viewer")]))).status).toBe(201);
    expect((await owner.post(`${RBAC}/namespaces/${NS}/roles`, roleObj("escalated", [{ apiGroups: [""], resources: ["nodes"], verbs: ["*"] }]))).status).toBe(201);
  });

  it("refuse a non-admin aggregation rule", async () => {
    const token = await serviceAccountToken(NS, "role-maker");
    await ok(post(`${RBAC}/clusterroles`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "role-maker" }, rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["create"] }] }));
    await ok(post(`${RBAC}/clusterrolebindings`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "role-maker" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "role-maker" }, subjects: [saSubject(NS, "role-maker")] }));
    const aggregated = await as(token).post(`${RBAC}/clusterroles`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "gatherer" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { any: "thing" } }] } });
    expect(aggregated.body).toMatchObject({ code: 403, message: 'clusterroles.rbac.authorization.k8s.io "gatherer" is forbidden: must have cluster-admin privileges to use the aggregationRule' });
  });
});

describe("RBAC objects", () => {
  it("are validated as Kubernetes validates them", async () => {
    expect((await post(`${RBAC}/clusterroles`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "team:reader" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] })).status).toBe(201);
    const bad = await post(`${RBAC}/namespaces/${NS}/roles`, roleObj("bad", [{ resources: ["pods"] }, { nonResourceURLs: ["/x"], verbs: ["get"] }]));
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({
      message:
        'Role.rbac.authorization.k8s.io "bad" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[1].nonResourceURLs: Invalid value: ["/x"]: namespaced rules cannot apply to non-resource URLs]',
    });
    const b = await ok(post<Obj>(`${RBAC}/namespaces/${NS}/rolebindings`, binding("immutable", { kind: "ClusterRole", name: "view" }, [{ kind: "User", name: "jane" }])));
    expect(b.subjects).toEqual([{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "jane" }]);
    const changed = await put(`${RBAC}/namespaces/${NS}/rolebindings/immutable`, { ...b, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" } });
    expect(changed.status).toBe(422);
    expect(String((changed.body as unknown as { message: string }).message)).toContain("roleRef: Invalid value");
    expect(String((changed.body as unknown as { message: string }).message)).toContain("cannot change roleRef");
    const crb = await post(`${RBAC}/clusterrolebindings`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "sa-without-ns" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "x" }, subjects: [{ kind: "ServiceAccount", name: "x" }] });
    expect(crb.body).toMatchObject({ code: 422, message: 'ClusterRoleBinding.rbac.authorization.k8s.io "sa-without-ns" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value]' });
  });
});

describe("impersonation", () => {
  const review = (headers: Record<string, string>, token = "test-admin-token") =>
    call<{ status?: { userInfo: Record<string, unknown> }; message?: string }>("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }, { authorization: `Bearer ${token}`, ...headers });

  it("lets admins act as anyone, as kubectl --as does", async () => {
    const sa = await review({ "impersonate-user": `system:serviceaccount:${NS}:viewer` });
    expect(sa.status).toBe(201);
    expect(sa.body.status?.userInfo).toEqual({ username: `system:serviceaccount:${NS}:viewer`, groups: ["system:serviceaccounts", `system:serviceaccounts:${NS}`, "system:authenticated"] });
    const jane = await review({ "impersonate-user": "jane", "impersonate-group": "qa, ops" });
    expect(jane.body.status?.userInfo).toEqual({ username: "jane", groups: ["qa", "ops", "system:authenticated"] });
    const secrets = await call("GET", `/api/v1/namespaces/${NS}/secrets`, undefined, { "impersonate-user": `system:serviceaccount:${NS}:nobody` });
    expect(secrets.body).toMatchObject({ code: 403, message: `secrets is forbidden: User "system:serviceaccount:${NS}:nobody" cannot list resource "secrets" in API group "" in the namespace "${NS}"` });
  });

  it("needs the impersonate verb: editors may act as service accounts of their namespace only", async () => {
    const editor = await serviceAccountToken(NS, "impersonator");
    await roleBinding(NS, "impersonator-edits", { kind: "ClusterRole", name: "edit" }, [saSubject(NS, "impersonator")]);
    expect((await review({ "impersonate-user": `system:serviceaccount:${NS}:viewer` }, editor)).status).toBe(201);
    const user = await review({ "impersonate-user": "jane" }, editor);
    expect(user.body).toMatchObject({ code: 403, message: `users "jane" is forbidden: User "system:serviceaccount:${NS}:impersonator" cannot impersonate resource "users" in API group "" at the cluster scope` });
    expect((await review({ "impersonate-group": "qa" })).status).toBe(400);
  });
});
