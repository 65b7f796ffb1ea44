// The controllers' roles (bootstrappolicy/controller_policy.go): one ClusterRole per controller,
// bound to a service account of that name in kube-system. edgeplane's controllers run in-process
// and act as those service accounts (src/auth/controllers.ts). Where an edgeplane controller
// writes differently from Kubernetes', its role says so next to the rule.
import { clusterBinding, clusterRole, eventsRule, rule, serviceAccount } from "./build";

export const CONTROLLER_ROLE_PREFIX = "system:controller:";

const READ = ["get", "list", "watch"];

const roles: Record<string, ReturnType<typeof rule>[]> = {
  "clusterrole-aggregation-controller": [rule(["escalate", "get", "list", "watch", "update", "patch"], ["rbac.authorization.k8s.io"], ["clusterroles"])],
  "cronjob-controller": [
    rule(["get", "list", "watch", "update"], ["batch"], ["cronjobs"]),
    rule(["get", "list", "watch", "create", "update", "delete", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["cronjobs/status"]),
    rule(["update"], ["batch"], ["cronjobs/finalizers"]),
    rule(["list", "delete"], [""], ["pods"]),
    eventsRule,
  ],
  "daemon-set-controller": [
    rule(READ, ["extensions", "apps"], ["daemonsets"]),
    rule(["update"], ["extensions", "apps"], ["daemonsets/status"]),
    rule(["update"], ["extensions", "apps"], ["daemonsets/finalizers"]),
    rule(["list", "watch"], [""], ["nodes"]),
    rule(["list", "watch", "create", "delete", "patch"], [""], ["pods"]),
    // edgeplane: relabelling and adopting pods is an update, not a patch.
    rule(["update"], [""], ["pods"]),
    rule(["create"], [""], ["pods/binding"]),
    rule(["get", "list", "watch", "create", "delete", "update", "patch"], ["apps"], ["controllerrevisions"]),
    eventsRule,
  ],
  "deployment-controller": [
    rule(["get", "list", "watch", "update"], ["extensions", "apps"], ["deployments"]),
    rule(["update"], ["extensions", "apps"], ["deployments/status"]),
    rule(["update"], ["extensions", "apps"], ["deployments/finalizers"]),
    rule(["get", "list", "watch", "create", "update", "patch", "delete"], ["apps", "extensions"], ["replicasets"]),
    rule(["get", "list", "watch", "update"], [""], ["pods"]),
    eventsRule,
  ],
  "endpoint-controller": [
    rule(READ, [""], ["services", "pods"]),
    rule(["get", "list", "create", "update", "delete"], [""], ["endpoints"]),
    rule(["create"], [""], ["endpoints/restricted"]),
    eventsRule,
  ],
  "endpointslice-controller": [
    rule(READ, [""], ["services", "pods", "nodes"]),
    rule(["update"], [""], ["services/finalizers"]),
    rule(["get", "list", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
    // edgeplane: the same controller keeps the Endpoints (Kubernetes' endpoint-controller) and a
    // Service's load-balancer status (its service-controller).
    rule(["get", "list", "create", "update", "delete"], [""], ["endpoints"]),
    rule(["update"], [""], ["services/status"]),
    eventsRule,
  ],
  "generic-garbage-collector": [rule(["get", "list", "watch", "patch", "update", "delete"], ["*"], ["*"]), eventsRule],
  "horizontal-pod-autoscaler": [
    rule(READ, ["autoscaling"], ["horizontalpodautoscalers"]),
    rule(["update"], ["autoscaling"], ["horizontalpodautoscalers/status"]),
    rule(["get", "update"], ["*"], ["*/scale"]),
    rule(["list"], [""], ["pods"]),
    rule(["list"], ["metrics.k8s.io"], ["pods"]),
    rule(["get", "list"], ["custom.metrics.k8s.io"], ["*"]),
    rule(["get", "list"], ["external.metrics.k8s.io"], ["*"]),
    eventsRule,
  ],
  "job-controller": [
    rule(["get", "list", "watch", "update", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["jobs/status"]),
    rule(["update"], ["batch"], ["jobs/finalizers"]),
    rule(["list", "watch", "create", "delete", "patch"], [""], ["pods"]),
    // edgeplane: the job-tracking finalizer leaves a pod through an update, and the Job
    // controller also removes finished Jobs whose TTL ran out (Kubernetes' ttl-after-finished controller).
    rule(["update"], [""], ["pods"]),
    rule(["delete"], ["batch"], ["jobs"]),
    eventsRule,
  ],
  "namespace-controller": [
    rule(["get", "list", "watch", "delete"], [""], ["namespaces"]),
    rule(["update"], [""], ["namespaces/finalize", "namespaces/status"]),
    rule(["get", "list", "delete", "deletecollection"], ["*"], ["*"]),
    // edgeplane: the namespace's spec.finalizers are cleared through an update of the namespace.
    rule(["update"], [""], ["namespaces"]),
  ],
  "node-controller": [
    rule(["get", "list", "update", "delete", "patch"], [""], ["nodes"]),
    rule(["patch", "update"], [""], ["nodes/status"]),
    rule(["patch", "update"], [""], ["pods/status"]),
    rule(["list", "get", "delete"], [""], ["pods"]),
    eventsRule,
  ],
  "pod-garbage-collector": [rule(["list", "watch", "delete"], [""], ["pods"]), rule(["get", "list"], [""], ["nodes"]), rule(["patch"], [""], ["pods/status"])],
  "replicaset-controller": [
    rule(["get", "list", "watch", "update"], ["apps", "extensions"], ["replicasets"]),
    rule(["update"], ["apps", "extensions"], ["replicasets/status"]),
    rule(["update"], ["apps", "extensions"], ["replicasets/finalizers"]),
    rule(["list", "watch", "patch", "create", "delete"], [""], ["pods"]),
    // edgeplane: adopting and releasing pods is an update of their ownerReferences, not a patch.
    rule(["update"], [""], ["pods"]),
    eventsRule,
  ],
  "root-ca-cert-publisher": [rule(["create", "update"], [""], ["configmaps"]), eventsRule],
  "service-account-controller": [rule(["create"], [""], ["serviceaccounts"]), eventsRule],
  "ttl-after-finished-controller": [rule(["get", "list", "watch", "delete"], ["batch"], ["jobs"]), eventsRule],
};

export const CONTROLLER_NAMES = Object.keys(roles);

export const CONTROLLER_ROLES = Object.entries(roles).map(([name, rules]) => clusterRole(`${CONTROLLER_ROLE_PREFIX}${name}`, rules));

export const CONTROLLER_BINDINGS = CONTROLLER_NAMES.map((name) => clusterBinding(`${CONTROLLER_ROLE_PREFIX}${name}`, `${CONTROLLER_ROLE_PREFIX}${name}`, [serviceAccount("kube-system", name)]));
