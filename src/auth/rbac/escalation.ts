// Nobody grants what they do not hold (pkg/registry/rbac/{role,clusterrole,rolebinding,
// clusterrolebinding}/policybased): writing a Role or ClusterRole needs the `escalate` verb on it
// or every permission it grants; writing a binding needs `bind` on the role or every permission
// the role grants. Members of system:masters are exempt. Changes that only touch what the garbage
// collector writes (owner references, finalizers) are never checked.
import type { BindingObject } from "../../apis/rbac/v1/binding";
import type { RoleObject } from "../../apis/rbac/v1/role";
import { RBAC_GROUP } from "../../apis/rbac/v1/schema";
import type { KubeObject } from "../../apis/types";
import { forbidden, notFound, quote, type ApiError } from "../../api/status";
import type { AdmissionRequest } from "../../api/writes";
import { deepEqual } from "../../util/json";
import type { Attributes } from "../attributes";
import type { Decision } from "../decision";
import { goQuoteList } from "../quote";
import { isMaster, type UserInfo } from "../user";
import { compactRules, compactString, covers } from "./covers";
import type { RbacPolicy } from "./policy";
import type { PolicyRule } from "./rules";

export interface EscalationContext {
  user: UserInfo;
  authorize(attrs: Attributes): Promise<Decision>;
  policy: RbacPolicy;
}

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

/** IsOnlyMutatingGCFields: the objects differ at most in owner references, finalizers and what the server keeps. */
function onlyGcFields(obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!old) return false;
  const strip = (o: KubeObject) => {
    const { ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, ...metadata } = o.metadata;
    return { ...o, metadata };
  };
  return deepEqual(strip(obj), strip(old));
}

/** ConfirmNoEscalation: the message naming what the user lacks, or undefined when they hold it all. */
export function escalation(policy: RbacPolicy, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): string | undefined {
  const held = policy.rulesFor(user, namespace);
  const { covered, missing } = covers(held.rules, rules);
  if (covered) return undefined;
  const described = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${quote(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${described.join("\n")}`;
  if (held.errors.length) msg += `; resolution errors: [${held.errors.join(" ")}]`;
  return msg;
}

function rbacAttributes(user: UserInfo, verb: string, resource: string, name: string, namespace: string): Attributes {
  return { user, verb, resourceRequest: true, path: "", apiGroup: RBAC_GROUP, apiVersion: "v1", resource, subresource: "", namespace, name };
}

async function checkRole(ctx: EscalationContext, req: AdmissionRequest): Promise<ApiError | undefined> {
  const role = req.object as RoleObject;
  const name = role.metadata.name ?? "";
  const namespace = role.metadata.namespace ?? "";
  if ((await ctx.authorize(rbacAttributes(ctx.user, "escalate", req.kind.plural, name, namespace))).allowed) return undefined;
  const refuse = (why: string) => forbidden(req.kind.plural, RBAC_GROUP, name, why);
  const why = escalation(ctx.policy, ctx.user, namespace, role.rules ?? []);
  if (why) return refuse(why);
  // An aggregation rule can gather anything: setting one takes full authority.
  const newAggregation = role.aggregationRule && !deepEqual(role.aggregationRule, (req.old as RoleObject | undefined)?.aggregationRule);
  if (newAggregation && escalation(ctx.policy, ctx.user, "", FULL_AUTHORITY)) return refuse("must have cluster-admin privileges to use the aggregationRule");
  return undefined;
}

async function checkBinding(ctx: EscalationContext, req: AdmissionRequest): Promise<ApiError | undefined> {
  const binding = req.object as BindingObject;
  const name = binding.metadata.name ?? "";
  const namespace = binding.metadata.namespace ?? "";
  const ref = binding.roleRef;
  const roleResource = ref.kind === "ClusterRole" ? "clusterroles" : "roles";
  if ((await ctx.authorize(rbacAttributes(ctx.user, "bind", roleResource, ref.name, namespace))).allowed) return undefined;
  const found = ctx.policy.roleRefRules(ref, namespace);
  if ("missing" in found) return notFound(found.missing, RBAC_GROUP, ref.name);
  const why = escalation(ctx.policy, ctx.user, namespace, found.rules);
  return why ? forbidden(req.kind.plural, RBAC_GROUP, name, why) : undefined;
}

/** The escalation check for a write to an RBAC object; undefined when it may go ahead. */
export async function checkEscalation(ctx: EscalationContext, req: AdmissionRequest): Promise<ApiError | undefined> {
  if (req.kind.group !== RBAC_GROUP || req.operation === "DELETE" || isMaster(ctx.user)) return undefined;
  if (req.operation === "UPDATE" && onlyGcFields(req.object, req.old)) return undefined;
  return req.kind.kind.endsWith("Binding") ? checkBinding(ctx, req) : checkRole(ctx, req);
}
