// The RBAC snapshot each isolate authorizes with: read from the store (four lists) and kept for a
// second, like the informer caches kube-apiserver's RBAC authorizer reads, which also trail the
// store a little. A write to an RBAC object through this isolate drops the snapshot at once.
import type { BindingObject } from "../../apis/rbac/v1/binding";
import type { RoleObject } from "../../apis/rbac/v1/role";
import type { Store } from "../../store/store";
import { RbacPolicy } from "./policy";

const FRESH_MS = 1000;

export const RBAC_RESOURCES = {
  clusterRoles: "rbac.authorization.k8s.io/clusterroles",
  roles: "rbac.authorization.k8s.io/roles",
  clusterRoleBindings: "rbac.authorization.k8s.io/clusterrolebindings",
  roleBindings: "rbac.authorization.k8s.io/rolebindings",
} as const;

let snapshot: { policy: RbacPolicy; at: number } | undefined;
let loading: Promise<RbacPolicy> | undefined;
let generation = 0;

async function load(store: Store): Promise<RbacPolicy> {
  const [clusterRoles, roles, clusterRoleBindings, roleBindings] = await Promise.all(Object.values(RBAC_RESOURCES).map((resource) => store.listAll({ resource })));
  return new RbacPolicy({
    clusterRoles: clusterRoles as RoleObject[],
    roles: roles as RoleObject[],
    clusterRoleBindings: clusterRoleBindings as BindingObject[],
    roleBindings: roleBindings as BindingObject[],
  });
}

/** The current policy; concurrent callers share one load. */
export async function rbacPolicy(store: Store, now: number = Date.now()): Promise<RbacPolicy> {
  if (snapshot && now - snapshot.at < FRESH_MS) return snapshot.policy;
  if (!loading) {
    const started = generation;
    loading = load(store).finally(() => (loading = undefined));
    const policy = await loading;
    // A write that landed during the load may be missing from it: keep it for this caller only.
    if (started === generation) snapshot = { policy, at: now };
    return policy;
  }
  return loading;
}

/** An RBAC object changed through this isolate: the next request reloads. */
export function invalidateRbac(): void {
  generation++;
  snapshot = undefined;
}

export function isRbacResource(resource: string): boolean {
  return (Object.values(RBAC_RESOURCES) as string[]).includes(resource);
}
