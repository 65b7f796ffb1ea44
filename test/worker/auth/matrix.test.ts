// The authorization matrix: identities x verbs x resources x namespaces, each decided as
// Kubernetes 1.32 decides it with its default policy (RBAC with the default roles and
// aggregation, the Node authorizer with selectors, system:masters). Identities with a credential
// ask with their own token (SelfSubjectAccessReview, through authentication); the others are
// asked about by an admin (SubjectAccessReview). A sample is then tried for real.
import { beforeAll, describe, expect, it } from "vitest";
import { post } from "../client";
import { as, clusterRoleBinding, namespaceOnce, ok, pod, role, roleBinding, saSubject, serviceAccountToken } from "./helpers";

type Identity = { token: string | undefined } | { user: string; groups: string[] };
type Case = [who: string, verb: string, resource: string, namespace: string, name: string, allowed: boolean];

const A = "matrix-a";
const B = "matrix-b";
const ids: Record<string, Identity> = {};

/** "pods", "deployments.apps", "pods/log", "deployments.apps/scale", or a path ("/api") for non-resource URLs. */
function attributes(verb: string, resource: string, namespace: string, name: string) {
  if (resource.startsWith("/")) return { nonResourceAttributes: { path: resource, verb } };
  const [gr, subresource = ""] = resource.split("/");
  const dot = gr.indexOf(".");
  const [plural, group] = dot < 0 ? [gr, ""] : [gr.slice(0, dot), gr.slice(dot + 1)];
  return { resourceAttributes: { verb, group, resource: plural, subresource, namespace, name } };
}

async function decide(who: string, verb: string, resource: string, namespace: string, name: string): Promise<boolean> {
  const id = ids[who];
  const spec = attributes(verb, resource, namespace, name);
  const review =
    "token" in id
      ? await as(id.token).post<{ status?: { allowed: boolean } }>("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec })
      : await post<{ status?: { allowed: boolean } }>("/apis/authorization.k8s.io/v1/subjectaccessreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { ...spec, user: id.user, groups: id.groups } });
  if (review.status !== 201) throw new Error(`${who} ${verb} ${resource}: ${review.status} ${JSON.stringify(review.body)}`);
  return review.body.status!.allowed;
}

const Y = true;
const N = false;

const cases: Case[] = [
  // system:masters
  ["admin", "get", "pods", A, "", Y],
  ["admin", "delete", "nodes", "", "node-a", Y],
  ["admin", "create", "clusterroles.rbac.authorization.k8s.io", "", "", Y],
  ["admin", "get", "/metrics", "", "", Y],
  ["admin", "escalate", "clusterroles.rbac.authorization.k8s.io", "", "cluster-admin", Y],
  ["admin", "impersonate", "users", "", "jane", Y],
  // edit, bound in A
  ["editor", "get", "pods", A, "web", Y],
  ["editor", "list", "pods", A, "", Y],
  ["editor", "create", "deployments.apps", A, "", Y],
  ["editor", "delete", "secrets", A, "db", Y],
  ["editor", "get", "secrets", A, "db", Y],
  ["editor", "create", "pods/exec", A, "web", Y],
  ["editor", "get", "pods/log", A, "web", Y],
  ["editor", "patch", "deployments.apps/scale", A, "web", Y],
  ["editor", "create", "rolebindings.rbac.authorization.k8s.io", A, "", N],
  ["editor", "get", "roles.rbac.authorization.k8s.io", A, "", N],
  ["editor", "get", "pods", B, "web", N],
  ["editor", "list", "pods", "", "", N],
  ["editor", "get", "namespaces", A, A, Y],
  ["editor", "list", "namespaces", "", "", N],
  ["editor", "create", "serviceaccounts/token", A, "default", Y],
  ["editor", "impersonate", "serviceaccounts", A, "default", Y],
  ["editor", "get", "nodes", "", "node-a", N],
  ["editor", "create", "selfsubjectaccessreviews.authorization.k8s.io", "", "", Y],
  ["editor", "get", "/api", "", "", Y],
  ["editor", "get", "/version", "", "", Y],
  ["editor", "get", "/metrics", "", "", N],
  ["editor", "update", "deployments.apps/status", A, "web", N],
  ["editor", "get", "deployments.apps/status", A, "web", Y],
  ["editor", "create", "localsubjectaccessreviews.authorization.k8s.io", A, "", N],
  ["editor", "create", "leases.coordination.k8s.io", A, "", Y],
  ["editor", "deletecollection", "configmaps", A, "", Y],
  ["editor", "watch", "events", A, "", Y],
  ["editor", "create", "events", A, "", Y],
  ["editor", "get", "horizontalpodautoscalers.autoscaling", A, "h", Y],
  ["editor", "create", "cronjobs.batch", A, "", Y],
  ["editor", "get", "endpointslices.discovery.k8s.io", A, "e", Y],
  ["editor", "update", "endpointslices.discovery.k8s.io", A, "e", N],
  // view, bound in A
  ["viewer", "get", "pods", A, "web", Y],
  ["viewer", "list", "deployments.apps", A, "", Y],
  ["viewer", "get", "secrets", A, "db", N],
  ["viewer", "create", "pods", A, "", N],
  ["viewer", "get", "pods/log", A, "web", Y],
  ["viewer", "watch", "configmaps", A, "", Y],
  ["viewer", "update", "configmaps", A, "c", N],
  ["viewer", "get", "serviceaccounts", A, "default", Y],
  ["viewer", "create", "serviceaccounts/token", A, "default", N],
  ["viewer", "get", "roles.rbac.authorization.k8s.io", A, "r", N],
  ["viewer", "get", "pods", B, "web", N],
  ["viewer", "create", "pods/exec", A, "web", N],
  // admin, bound in A
  ["owner", "create", "rolebindings.rbac.authorization.k8s.io", A, "", Y],
  ["owner", "get", "roles.rbac.authorization.k8s.io", A, "r", Y],
  ["owner", "delete", "roles.rbac.authorization.k8s.io", A, "r", Y],
  ["owner", "create", "localsubjectaccessreviews.authorization.k8s.io", A, "", Y],
  ["owner", "get", "secrets", A, "db", Y],
  ["owner", "create", "pods", A, "", Y],
  ["owner", "get", "resourcequotas", A, "q", Y],
  ["owner", "update", "resourcequotas", A, "q", N],
  ["owner", "create", "rolebindings.rbac.authorization.k8s.io", B, "", N],
  ["owner", "escalate", "roles.rbac.authorization.k8s.io", A, "r", N],
  ["owner", "bind", "clusterroles.rbac.authorization.k8s.io", A, "cluster-admin", N],
  ["owner", "delete", "namespaces", A, A, N],
  // a service account with no bindings
  ["nobody", "get", "pods", A, "web", N],
  ["nobody", "create", "selfsubjectaccessreviews.authorization.k8s.io", "", "", Y],
  ["nobody", "create", "selfsubjectrulesreviews.authorization.k8s.io", "", "", Y],
  ["nobody", "create", "selfsubjectreviews.authentication.k8s.io", "", "", Y],
  ["nobody", "get", "/api", "", "", Y],
  ["nobody", "get", "/healthz", "", "", Y],
  ["nobody", "get", "/metrics", "", "", N],
  ["nobody", "list", "serviceaccounts", A, "", N],
  // view everywhere (ClusterRoleBinding to a user)
  ["auditor", "get", "pods", A, "web", Y],
  ["auditor", "list", "pods", "", "", Y],
  ["auditor", "get", "pods", B, "web", Y],
  ["auditor", "get", "secrets", A, "db", N],
  ["auditor", "list", "nodes", "", "", N],
  ["auditor", "list", "namespaces", "", "", Y],
  ["auditor", "delete", "pods", A, "web", N],
  ["auditor", "get", "deployments.apps", B, "web", Y],
  ["auditor", "get", "/apis", "", "", Y],
  // a Role narrowed by resourceNames, bound to a group in B
  ["carol", "get", "configmaps", B, "settings", Y],
  ["carol", "get", "configmaps", B, "other", N],
  ["carol", "list", "configmaps", B, "", Y],
  ["carol", "get", "configmaps", A, "settings", N],
  ["carol", "update", "configmaps", B, "settings", N],
  ["carol", "watch", "configmaps", B, "", N],
  // anonymous: health and version as in Kubernetes; discovery too, as issue 7 asks (Kubernetes has
  // bound system:discovery to authenticated users only since 1.14)
  ["anonymous", "get", "/version", "", "", Y],
  ["anonymous", "get", "/healthz", "", "", Y],
  ["anonymous", "get", "/api", "", "", Y],
  ["anonymous", "get", "/apis/apps", "", "", Y],
  ["anonymous", "get", "pods", A, "web", N],
  ["anonymous", "create", "selfsubjectaccessreviews.authorization.k8s.io", "", "", N],
  ["anonymous", "get", "/metrics", "", "", N],
  ["anonymous", "list", "namespaces", "", "", N],
  // a node: the Node authorizer
  ["node-a", "get", "nodes", "", "node-a", Y],
  ["node-a", "get", "nodes", "", "node-b", N],
  ["node-a", "create", "nodes", "", "", Y],
  ["node-a", "update", "nodes/status", "", "node-a", Y],
  ["node-a", "get", "pods", A, "pa", Y],
  ["node-a", "get", "pods", A, "pb", N],
  ["node-a", "list", "pods", "", "", N],
  ["node-a", "update", "pods/status", A, "pa", Y],
  ["node-a", "get", "secrets", A, "a-secret", Y],
  ["node-a", "get", "secrets", A, "b-secret", N],
  ["node-a", "list", "secrets", A, "", N],
  ["node-a", "get", "configmaps", A, "a-config", Y],
  ["node-a", "get", "configmaps", A, "b-config", N],
  ["node-a", "create", "events", A, "", Y],
  ["node-a", "get", "services", A, "s", Y],
  ["node-a", "delete", "leases.coordination.k8s.io", "kube-node-lease", "node-a", Y],
  ["node-a", "get", "leases.coordination.k8s.io", "kube-node-lease", "node-b", N],
  ["node-a", "list", "leases.coordination.k8s.io", "kube-node-lease", "", N],
  ["node-a", "update", "pods", A, "pa", N],
  ["node-a", "create", "serviceaccounts/token", A, "a-sa", Y],
  ["node-a", "create", "serviceaccounts/token", A, "b-sa", N],
  ["node-a", "create", "deployments.apps", A, "", N],
  // a controller's service account and the scheduler
  ["rs-controller", "create", "pods", A, "", Y],
  ["rs-controller", "delete", "pods", A, "web", Y],
  ["rs-controller", "update", "replicasets.apps/status", A, "rs", Y],
  ["rs-controller", "patch", "pods", A, "web", Y],
  ["rs-controller", "delete", "deployments.apps", A, "web", N],
  ["rs-controller", "get", "secrets", A, "db", N],
  ["rs-controller", "create", "events", A, "", Y],
  ["rs-controller", "create", "events.events.k8s.io", A, "", Y],
  ["scheduler", "create", "pods/binding", A, "web", Y],
  ["scheduler", "update", "pods/status", A, "web", Y],
  ["scheduler", "list", "nodes", "", "", Y],
  ["scheduler", "get", "secrets", A, "db", N],
  ["scheduler", "delete", "pods", A, "web", Y],
  ["scheduler", "create", "deployments.apps", A, "", N],
  // a bootstrap token
  ["joiner", "create", "nodecredentialrequests.edgeplane.dev", "", "", Y],
  ["joiner", "create", "certificatesigningrequests.certificates.k8s.io", "", "", Y],
  ["joiner", "get", "pods", A, "web", N],
  ["joiner", "create", "selfsubjectreviews.authentication.k8s.io", "", "", Y],
];

beforeAll(async () => {
  await namespaceOnce(A);
  await namespaceOnce(B);
  ids.admin = { token: "test-admin-token" };
  // Anonymous clients may not ask about themselves (system:basic-user is for authenticated users): an admin asks.
  ids.anonymous = { user: "system:anonymous", groups: ["system:unauthenticated"] };
  for (const [name, clusterRole] of [["editor", "edit"], ["viewer", "view"], ["owner", "admin"]] as const) {
    ids[name] = { token: await serviceAccountToken(A, name) };
    await roleBinding(A, `${name}-binding`, { kind: "ClusterRole", name: clusterRole }, [saSubject(A, name)]);
  }
  ids.nobody = { token: await serviceAccountToken(A, "nobody") };
  ids.auditor = { user: "auditor", groups: ["system:authenticated"] };
  await clusterRoleBinding("matrix-auditor", "view", [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "auditor" }]);
  ids.carol = { user: "carol", groups: ["qa", "system:authenticated"] };
  await role(B, "cm-reader", [
    { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["settings"] },
    { apiGroups: [""], resources: ["configmaps"], verbs: ["list"] },
  ]);
  await roleBinding(B, "qa-reads", { kind: "Role", name: "cm-reader" }, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "qa" }]);
  ids["rs-controller"] = { user: "system:serviceaccount:kube-system:replicaset-controller", groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"] };
  ids.scheduler = { user: "system:kube-scheduler", groups: ["system:authenticated"] };
  const bootstrap = await ok(post<{ token: string }>("/admin/tokens", { ttlSeconds: 600 }));
  ids.joiner = { token: bootstrap.token };
  const cred = await ok(as(bootstrap.token).post<{ status: { token: string } }>("/apis/edgeplane.dev/v1/nodecredentialrequests", { apiVersion: "edgeplane.dev/v1", kind: "NodeCredentialRequest", spec: { nodeName: "node-a" } }));
  ids["node-a"] = { token: cred.status.token };
  for (const sa of ["a-sa", "b-sa"]) await ok(post(`/api/v1/namespaces/${A}/serviceaccounts`, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: sa } }));
  await ok(post(`/api/v1/namespaces/${A}/pods`, pod("pa", { nodeName: "node-a", serviceAccountName: "a-sa", volumes: [{ name: "s", secret: { secretName: "a-secret" } }, { name: "c", configMap: { name: "a-config" } }] })));
  await ok(post(`/api/v1/namespaces/${A}/pods`, pod("pb", { nodeName: "node-b", serviceAccountName: "b-sa", volumes: [{ name: "s", secret: { secretName: "b-secret" } }, { name: "c", configMap: { name: "b-config" } }] })));
});

describe("authorization matrix", () => {
  it(`has at least 100 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.each(cases)("%s %s %s in %o (%o): %o", async (who, verb, resource, namespace, name, allowed) => {
    expect(await decide(who, verb, resource, namespace, name)).toBe(allowed);
  });

  it("is what real requests get", async () => {
    const tries: [string, string, number][] = [
      ["editor", `/api/v1/namespaces/${A}/pods`, 200],
      ["editor", `/api/v1/namespaces/${A}/secrets`, 200],
      ["editor", `/api/v1/namespaces/${B}/pods`, 403],
      ["viewer", `/api/v1/namespaces/${A}/secrets`, 403],
      ["viewer", `/apis/apps/v1/namespaces/${A}/deployments`, 200],
      ["owner", `/apis/rbac.authorization.k8s.io/v1/namespaces/${A}/roles`, 200],
      ["editor", `/apis/rbac.authorization.k8s.io/v1/namespaces/${A}/roles`, 403],
      ["nobody", `/api/v1/namespaces/${A}/pods`, 403],
      ["anonymous", "/api", 200],
      ["anonymous", `/api/v1/namespaces/${A}/pods`, 403],
      ["node-a", `/api/v1/namespaces/${A}/pods/pa`, 200],
      ["node-a", `/api/v1/namespaces/${A}/pods/pb`, 403],
    ];
    const tokenOf = (who: string) => (who === "anonymous" ? undefined : (ids[who] as { token: string }).token);
    for (const [who, path, code] of tries) expect((await as(tokenOf(who)).get(path)).status, `${who} ${path}`).toBe(code);
    // Anonymous clients cannot even ask what they may do.
    expect((await as(undefined).post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: attributes("get", "pods", A, "") })).status).toBe(403);
  });
});
