// The control plane's own actors act in-process (they call the write paths directly, not the
// HTTP API), each under its own identity with least privilege: a controller named "x" is
// system:serviceaccount:kube-system:x, bound by the default policy to system:controller:x, as
// kube-controller-manager's --use-service-account-credentials makes them; the scheduler is
// system:kube-scheduler. Each action is checked against the default policy compiled once per
// isolate, so the check costs no I/O. A controller without a role may do nothing: give a new
// controller its ClusterRole in rbac/controllerroles.ts.
import type { ApiError } from "../api/status";
import type { Action } from "../controllers/types";
import type { Attributes } from "./attributes";
import { forbiddenError } from "./forbidden";
import { DEFAULT_CLUSTER_ROLE_BINDINGS, DEFAULT_CLUSTER_ROLES } from "./rbac/defaults";
import { RbacPolicy } from "./rbac/policy";
import { AUTHENTICATED, serviceAccountGroups, serviceAccountUsername, type UserInfo } from "./user";

export const SCHEDULER_IDENTITY = "default-scheduler";

/** edgeplane's names for controllers whose Kubernetes role has another spelling. */
const ROLE_NAMES: Record<string, string> = { "daemonset-controller": "daemon-set-controller" };

export function controllerUser(identity: string): UserInfo {
  if (identity === SCHEDULER_IDENTITY) return { name: "system:kube-scheduler", groups: [AUTHENTICATED] };
  return { name: serviceAccountUsername("kube-system", ROLE_NAMES[identity] ?? identity), groups: serviceAccountGroups("kube-system") };
}

let compiled: RbacPolicy | undefined;

function defaultPolicy(): RbacPolicy {
  compiled ??= new RbacPolicy({ clusterRoles: DEFAULT_CLUSTER_ROLES, roles: [], clusterRoleBindings: DEFAULT_CLUSTER_ROLE_BINDINGS, roleBindings: [] });
  return compiled;
}

export interface ControllerRequest {
  verb: string;
  /** The store key: "pods", "apps/replicasets". */
  resource: string;
  subresource?: string;
  namespace: string;
  name: string;
}

/** Forbidden, with Kubernetes' message, unless the identity's role allows the request. */
export function authorizeController(identity: string, r: ControllerRequest): ApiError | undefined {
  const slash = r.resource.indexOf("/");
  const attrs: Attributes = {
    user: controllerUser(identity),
    verb: r.verb,
    resourceRequest: true,
    path: "",
    apiGroup: slash < 0 ? "" : r.resource.slice(0, slash),
    apiVersion: "",
    resource: slash < 0 ? r.resource : r.resource.slice(slash + 1),
    subresource: r.subresource ?? "",
    namespace: r.namespace,
    name: r.name,
  };
  const decision = defaultPolicy().authorize(attrs);
  return decision.allowed ? undefined : forbiddenError(attrs, decision.reason);
}

/** The check for one controller action; Events are checked as the create or update they become. */
export function authorizeAction(identity: string, action: Action): ApiError | undefined {
  switch (action.type) {
    case "create":
      return authorizeController(identity, { verb: "create", resource: action.resource, namespace: action.object.metadata.namespace ?? "", name: "" });
    case "update":
    case "updateStatus": {
      const m = action.object.metadata;
      return authorizeController(identity, { verb: "update", resource: action.resource, subresource: action.type === "updateStatus" ? "status" : undefined, namespace: m.namespace ?? "", name: m.name ?? "" });
    }
    case "delete":
      return authorizeController(identity, { verb: "delete", resource: action.resource, namespace: action.namespace, name: action.name });
    case "event":
      return undefined;
  }
}
