// The default policy: the ClusterRoles and ClusterRoleBindings kube-apiserver creates at start-up
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), with the same names and rules, so that
// `kubectl auth can-i --list` as an editor prints what it prints against Kubernetes. Roles name
// resources edgeplane does not serve yet; that is harmless and keeps them true to Kubernetes.
import type { BindingObject } from "../../apis/rbac/v1/binding";
import type { RoleObject } from "../../apis/rbac/v1/role";
import { aggregatedRole, clusterBinding, clusterRole, eventsRule, group, rule, urls, user } from "./build";
import { CONTROLLER_BINDINGS, CONTROLLER_ROLES } from "./controllerroles";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];
const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

const TO_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin";
const TO_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit";
const TO_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";

const aggregateToView = clusterRole(
  "system:aggregate-to-view",
  [
    rule(READ, [""], ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"]),
    rule(READ, [""], ["limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"]),
    rule(READ, [""], ["namespaces"]),
    rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
    rule(READ, ["apps"], ["controllerrevisions", "statefulsets", "statefulsets/scale", "statefulsets/status", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status"]),
    rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
    rule(READ, ["batch"], ["jobs", "cronjobs", "cronjobs/status", "jobs/status"]),
    rule(READ, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale", "networkpolicies"]),
    rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
    rule(READ, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
  ],
  { [TO_VIEW]: "true" },
);

const aggregateToEdit = clusterRole(
  "system:aggregate-to-edit",
  [
    rule(READ, [""], ["pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"]),
    rule(["impersonate"], [""], ["serviceaccounts"]),
    rule(WRITE, [""], ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
    rule(["create"], [""], ["pods/eviction"]),
    rule(WRITE, [""], ["replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events"]),
    rule(["create"], [""], ["serviceaccounts/token"]),
    rule(WRITE, ["apps"], ["statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"]),
    rule(WRITE, ["autoscaling"], ["horizontalpodautoscalers"]),
    rule(WRITE, ["batch"], ["jobs", "cronjobs"]),
    rule(WRITE, ["extensions"], ["daemonsets", "deployments", "deployments/scale", "deployments/rollback", "ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies"]),
    rule(WRITE, ["policy"], ["poddisruptionbudgets"]),
    rule(WRITE, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
    rule(ALL_VERBS, ["coordination.k8s.io"], ["leases"]),
  ],
  { [TO_EDIT]: "true" },
);

const aggregateToAdmin = clusterRole(
  "system:aggregate-to-admin",
  [rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]), rule(ALL_VERBS, ["rbac.authorization.k8s.io"], ["roles", "rolebindings"])],
  { [TO_ADMIN]: "true" },
);

const SYSTEM_NODE_RULES = [
  rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
  rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"]),
  rule(READ, [""], ["services"]),
  rule(["create", "get", "list", "watch"], [""], ["nodes"]),
  rule(["update", "patch"], [""], ["nodes/status"]),
  rule(["update", "patch"], [""], ["nodes"]),
  rule(["create", "update", "patch"], [""], ["events"]),
  rule(READ, [""], ["pods"]),
  rule(["create", "delete"], [""], ["pods"]),
  rule(["update", "patch"], [""], ["pods/status"]),
  rule(["create"], [""], ["pods/eviction"]),
  rule(READ, [""], ["configmaps", "secrets"]),
  rule(["get"], [""], ["persistentvolumeclaims", "persistentvolumes"]),
  rule(["get"], [""], ["endpoints"]),
  rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
  rule(["get", "create", "update", "patch", "delete"], ["coordination.k8s.io"], ["leases"]),
  rule(["get"], ["storage.k8s.io"], ["volumeattachments"]),
  rule(["create"], [""], ["serviceaccounts/token"]),
  rule(["get", "update", "patch"], [""], ["persistentvolumeclaims/status"]),
  rule(READ, ["storage.k8s.io"], ["csidrivers"]),
  rule(["get", "create", "update", "patch", "delete"], ["storage.k8s.io"], ["csinodes"]),
  rule(READ, ["node.k8s.io"], ["runtimeclasses"]),
  // edgeplane: a node renews its own credential (the handler checks the name).
  rule(["create"], ["edgeplane.dev"], ["nodecredentialrequests"]),
  // edgeplane: the agent is also its node's kube-proxy (system:node-proxier's read of the slices).
  rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
];

/** What the Node authorizer grants every node outside the resources it decides itself (bootstrappolicy.NodeRules). */
export function nodeRules() {
  return SYSTEM_NODE_RULES;
}

export const DEFAULT_CLUSTER_ROLES: RoleObject[] = [
  clusterRole("cluster-admin", [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])]),
  aggregatedRole("admin", TO_ADMIN),
  aggregatedRole("edit", TO_EDIT, { [TO_ADMIN]: "true" }),
  aggregatedRole("view", TO_VIEW, { [TO_EDIT]: "true" }),
  aggregateToAdmin,
  aggregateToEdit,
  aggregateToView,
  clusterRole("system:auth-delegator", [rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]), rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])]),
  clusterRole("system:basic-user", [
    rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
    rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
  ]),
  clusterRole("system:discovery", [urls(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/", "/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*"])]),
  clusterRole("system:public-info-viewer", [urls(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"])]),
  clusterRole("system:monitoring", [urls(["get"], ["/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*"])]),
  clusterRole("system:service-account-issuer-discovery", [urls(["get"], ["/.well-known/openid-configuration", "/openid/v1/jwks"])]),
  clusterRole("system:node", SYSTEM_NODE_RULES),
  // kubeadm's bootstrappers create CSRs; edgeplane's trade their token for a node credential instead.
  clusterRole("system:node-bootstrapper", [rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]), rule(["create"], ["edgeplane.dev"], ["nodecredentialrequests"])]),
  clusterRole("system:node-proxier", [
    rule(["list", "watch"], [""], ["services", "endpoints"]),
    rule(READ, [""], ["nodes"]),
    eventsRule,
    rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
  ]),
  clusterRole("system:kube-scheduler", [
    eventsRule,
    rule(["create"], ["coordination.k8s.io"], ["leases"]),
    rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler"]),
    rule(READ, [""], ["nodes"]),
    rule(["delete", "get", "list", "watch"], [""], ["pods"]),
    rule(["create"], [""], ["bindings", "pods/binding"]),
    rule(["patch", "update"], [""], ["pods/status"]),
    rule(READ, [""], ["replicationcontrollers", "services"]),
    rule(READ, ["apps", "extensions"], ["replicasets"]),
    rule(READ, ["apps"], ["statefulsets"]),
    rule(READ, ["policy"], ["poddisruptionbudgets"]),
    rule(READ, [""], ["persistentvolumeclaims", "persistentvolumes"]),
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    rule(READ, ["storage.k8s.io"], ["csinodes"]),
    rule(READ, [""], ["namespaces"]),
    rule(READ, ["storage.k8s.io"], ["csidrivers"]),
    rule(READ, ["storage.k8s.io"], ["csistoragecapacities"]),
  ]),
  clusterRole("system:kube-controller-manager", [
    eventsRule,
    rule(["create"], ["coordination.k8s.io"], ["leases"]),
    rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-controller-manager"]),
    rule(["create"], [""], ["secrets", "serviceaccounts"]),
    rule(["delete"], [""], ["secrets"]),
    rule(["get"], [""], ["configmaps", "namespaces", "secrets", "serviceaccounts"]),
    rule(["update"], [""], ["secrets", "serviceaccounts"]),
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    rule(["list", "watch"], ["*"], ["*"]),
    rule(["create"], [""], ["serviceaccounts/token"]),
  ]),
  ...CONTROLLER_ROLES,
];

export const DEFAULT_CLUSTER_ROLE_BINDINGS: BindingObject[] = [
  clusterBinding("cluster-admin", "cluster-admin", [group("system:masters")]),
  clusterBinding("system:basic-user", "system:basic-user", [group("system:authenticated")]),
  // Kubernetes binds discovery to authenticated users only (since 1.14); edgeplane's issue asks
  // that anonymous clients see discovery too, as they did before. Drop the subject (and set the
  // autoupdate annotation to "false") to close it.
  clusterBinding("system:discovery", "system:discovery", [group("system:authenticated"), group("system:unauthenticated")]),
  clusterBinding("system:public-info-viewer", "system:public-info-viewer", [group("system:authenticated"), group("system:unauthenticated")]),
  clusterBinding("system:monitoring", "system:monitoring", [group("system:monitoring")]),
  clusterBinding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery", [group("system:serviceaccounts")]),
  clusterBinding("system:kube-controller-manager", "system:kube-controller-manager", [user("system:kube-controller-manager")]),
  clusterBinding("system:kube-scheduler", "system:kube-scheduler", [user("system:kube-scheduler")]),
  // Nodes are authorized by the Node authorizer; the binding is kept without subjects, as in Kubernetes.
  clusterBinding("system:node", "system:node", []),
  clusterBinding("system:node-proxier", "system:node-proxier", [user("system:kube-proxy")]),
  clusterBinding("edgeplane:node-bootstrapper", "system:node-bootstrapper", [group("system:bootstrappers")]),
  ...CONTROLLER_BINDINGS,
];
