// RBAC as Kubernetes decides it (plugin/pkg/auth/authorizer/rbac, pkg/registry/rbac/validation's
// DefaultRuleResolver): the rules a user holds are those of the ClusterRoles bound to them
// cluster-wide plus, in a namespace, those of the Roles and ClusterRoles bound there. A snapshot
// of the RBAC objects, indexed once; aggregated ClusterRoles get their rules at indexing time.
import type { BindingObject } from "../../apis/rbac/v1/binding";
import type { RoleObject } from "../../apis/rbac/v1/role";
import type { RoleRef, Subject } from "../../apis/rbac/v1/schema";
import { labelSelectorMatches } from "../../apis/validation";
import { deepEqual } from "../../util/json";
import type { Attributes } from "../attributes";
import { serviceAccountUsername, type UserInfo } from "../user";
import { ruleAllows, type PolicyRule } from "./rules";

export interface RbacObjects {
  clusterRoles: RoleObject[];
  roles: RoleObject[];
  clusterRoleBindings: BindingObject[];
  roleBindings: BindingObject[];
}

export interface ResolvedRules {
  rules: PolicyRule[];
  /** Bindings that name a role that does not exist (RBAC reports and skips them). */
  errors: string[];
}

function appliesTo(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case "User":
      return user.name === subject.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      // A RoleBinding's ServiceAccount subject without a namespace means the binding's namespace.
      const ns = subject.namespace || namespace;
      return ns !== "" && user.name === serviceAccountUsername(ns, subject.name);
    }
  }
  return false;
}

function bindsUser(binding: BindingObject, user: UserInfo, namespace: string): boolean {
  return (binding.subjects ?? []).some((s) => appliesTo(user, s, namespace));
}

/** The union of the matching roles' rules, without repeats, in role name order (as the aggregation controller writes them). */
export function aggregate(role: RoleObject, byName: ReadonlyMap<string, RoleObject>, seen = new Set<string>()): PolicyRule[] {
  const selectors = role.aggregationRule?.clusterRoleSelectors ?? [];
  const name = role.metadata.name ?? "";
  seen.add(name);
  const rules: PolicyRule[] = [];
  const names = [...byName.keys()].sort();
  for (const other of names) {
    const candidate = byName.get(other)!;
    if (seen.has(other) || !selectors.some((s) => labelSelectorMatches(s, candidate.metadata.labels))) continue;
    const theirs = candidate.aggregationRule ? aggregate(candidate, byName, new Set(seen)) : (candidate.rules ?? []);
    for (const r of theirs) if (!rules.some((x) => deepEqual(x, r))) rules.push(r);
  }
  return rules;
}

export class RbacPolicy {
  private readonly clusterRoles = new Map<string, PolicyRule[]>();
  private readonly roles = new Map<string, PolicyRule[]>();
  private readonly clusterBindings: BindingObject[];
  private readonly bindings = new Map<string, BindingObject[]>();

  constructor(objects: RbacObjects) {
    const byName = new Map(objects.clusterRoles.map((r) => [r.metadata.name ?? "", r]));
    for (const [name, role] of byName) this.clusterRoles.set(name, role.aggregationRule ? aggregate(role, byName) : (role.rules ?? []));
    for (const role of objects.roles) this.roles.set(`${role.metadata.namespace}/${role.metadata.name}`, role.rules ?? []);
    this.clusterBindings = objects.clusterRoleBindings;
    for (const b of objects.roleBindings) {
      const ns = b.metadata.namespace ?? "";
      this.bindings.set(ns, [...(this.bindings.get(ns) ?? []), b]);
    }
  }

  /** GetRoleReferenceRules: the rules a roleRef names, or the plural of the kind it names that does not exist. */
  roleRefRules(ref: RoleRef, namespace: string): { rules: PolicyRule[] } | { missing: "roles" | "clusterroles" } {
    if (ref.kind === "ClusterRole") {
      const rules = this.clusterRoles.get(ref.name);
      return rules ? { rules } : { missing: "clusterroles" };
    }
    const rules = ref.kind === "Role" ? this.roles.get(`${namespace}/${ref.name}`) : undefined;
    return rules ? { rules } : { missing: "roles" };
  }

  /** Walks the rules bound to `user` (cluster-wide, then in `namespace`) until `visit` returns false. */
  private visit(user: UserInfo, namespace: string, visitor: (rule: PolicyRule) => boolean, errors: string[]): void {
    const scopes: [BindingObject[], string][] = [[this.clusterBindings, ""]];
    if (namespace) scopes.push([this.bindings.get(namespace) ?? [], namespace]);
    for (const [bindings, ns] of scopes) {
      for (const binding of bindings) {
        if (!bindsUser(binding, user, ns)) continue;
        const found = this.roleRefRules(binding.roleRef, ns);
        if ("missing" in found) {
          // The authorizer reads through listers, whose NotFound names the singular resource.
          errors.push(`${found.missing.slice(0, -1)}.rbac.authorization.k8s.io ${JSON.stringify(binding.roleRef.name)} not found`);
          continue;
        }
        for (const rule of found.rules) if (!visitor(rule)) return;
      }
    }
  }

  rulesFor(user: UserInfo, namespace: string): ResolvedRules {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visit(user, namespace, (r) => (rules.push(r), true), errors);
    return { rules, errors };
  }

  /** Allowed, or not with RBAC's reason ("" unless a binding names a missing role). */
  authorize(attrs: Attributes): { allowed: boolean; reason: string } {
    let allowed = false;
    const errors: string[] = [];
    this.visit(attrs.user, attrs.namespace, (r) => !(allowed = ruleAllows(attrs, r)), errors);
    if (allowed) return { allowed, reason: "" };
    return { allowed, reason: errors.length ? `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`}` : "" };
  }
}
