// Small builders for the default policy, so roles read as data: rule(["get"], [""], ["pods"]).
import type { BindingObject } from "../../apis/rbac/v1/binding";
import type { RoleObject } from "../../apis/rbac/v1/role";
import { RBAC_GROUP, type Subject } from "../../apis/rbac/v1/schema";
import type { PolicyRule } from "./rules";

export const BOOTSTRAP_LABELS = { "kubernetes.io/bootstrapping": "rbac-defaults" };
/** Kept up to date by the server at start-up unless set to "false" (as kube-apiserver reconciles them). */
export const AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";

export function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  return resourceNames ? { verbs, apiGroups, resources, resourceNames } : { verbs, apiGroups, resources };
}

export function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

/** create, update and patch of core and events.k8s.io Events: what every controller records with. */
export const eventsRule = rule(["create", "update", "patch"], ["", "events.k8s.io"], ["events"]);

export function clusterRole(name: string, rules: PolicyRule[], labels: Record<string, string> = {}): RoleObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name, labels: { ...BOOTSTRAP_LABELS, ...labels }, annotations: { [AUTOUPDATE]: "true" } },
    rules,
  };
}

export function aggregatedRole(name: string, aggregateLabel: string, labels: Record<string, string> = {}): RoleObject {
  return {
    ...clusterRole(name, [], labels),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [aggregateLabel]: "true" } }] },
  };
}

export const user = (name: string): Subject => ({ kind: "User", apiGroup: RBAC_GROUP, name });
export const group = (name: string): Subject => ({ kind: "Group", apiGroup: RBAC_GROUP, name });
export const serviceAccount = (namespace: string, name: string): Subject => ({ kind: "ServiceAccount", namespace, name });

export function clusterBinding(name: string, role: string, subjects: Subject[]): BindingObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name, labels: { ...BOOTSTRAP_LABELS }, annotations: { [AUTOUPDATE]: "true" } },
    roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role },
    ...(subjects.length ? { subjects } : {}),
  };
}
