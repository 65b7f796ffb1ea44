// rbac.authorization.k8s.io/v1 building blocks: PolicyRule, Subject, RoleRef, AggregationRule,
// and their validation as Kubernetes' pkg/apis/rbac/validation words it.
import { z } from "zod";
import { invalid, notSupported, required } from "../../fielderrors";
import { atomicList, labelSelectorSchema } from "../../meta";
import type { FieldCause } from "../../types";
import { validateDns1123Subdomain, validateLabelSelector } from "../../validation";

export const RBAC_GROUP = "rbac.authorization.k8s.io";

export const policyRuleSchema = z.strictObject({
  verbs: atomicList(z.string()),
  apiGroups: atomicList(z.string()),
  resources: atomicList(z.string()),
  resourceNames: atomicList(z.string()),
  nonResourceURLs: atomicList(z.string()),
});

export const subjectSchema = z.strictObject({
  kind: z.string(),
  apiGroup: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
});

export const roleRefSchema = z.strictObject({
  apiGroup: z.string().optional(),
  kind: z.string(),
  name: z.string(),
});

export const aggregationRuleSchema = z.strictObject({
  clusterRoleSelectors: atomicList(labelSelectorSchema),
});

export const rulesList = atomicList(policyRuleSchema);
export const subjectsList = atomicList(subjectSchema);

export type PolicyRule = z.infer<typeof policyRuleSchema>;
export type Subject = z.infer<typeof subjectSchema>;
export type RoleRef = z.infer<typeof roleRefSchema>;
export type AggregationRule = z.infer<typeof aggregationRuleSchema>;

/** ValidatePathSegmentName: RBAC names may hold colons ("system:node"), only "/", "%", "." and ".." are out. */
export function pathSegmentNameErrors(name: string, prefix: boolean): string[] {
  if (!prefix && (name === "." || name === "..")) return [`may not be '${name}'`];
  return ["/", "%"].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/** ValidatePolicyRule: verbs always; either resources with groups, or non-resource URLs (cluster roles only). */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!rule.verbs?.length) causes.push(required(`${path}.verbs`, "verbs must contain at least one value"));
  if (rule.nonResourceURLs?.length) {
    if (namespaced) causes.push(invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, "namespaced rules cannot apply to non-resource URLs"));
    if (rule.apiGroups?.length || rule.resources?.length) {
      causes.push(invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return causes;
  }
  if (!rule.apiGroups?.length) causes.push(required(`${path}.apiGroups`, "resource rules must supply at least one api group"));
  if (!rule.resources?.length) causes.push(required(`${path}.resources`, "resource rules must supply at least one resource"));
  return causes;
}

export function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldCause[] {
  return (rules ?? []).flatMap((rule, i) => validatePolicyRule(rule, namespaced, `rules[${i}]`));
}

export function validateAggregationRule(rule: AggregationRule | undefined): FieldCause[] {
  if (!rule) return [];
  const selectors = rule.clusterRoleSelectors ?? [];
  if (selectors.length === 0) return [required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil")];
  return selectors.flatMap((s, i) => validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`));
}

/** ValidateRoleBindingSubject: User and Group in the RBAC group, ServiceAccount in the core group. */
export function validateSubject(subject: Subject, namespaced: boolean, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!subject.name) causes.push(required(`${path}.name`));
  switch (subject.kind) {
    case "ServiceAccount":
      if (subject.apiGroup) causes.push(notSupported(`${path}.apiGroup`, subject.apiGroup, [""]));
      if (subject.name) causes.push(...validateDns1123Subdomain(subject.name, `${path}.name`));
      if (!namespaced && !subject.namespace) causes.push(required(`${path}.namespace`));
      break;
    case "User":
    case "Group":
      if (subject.apiGroup !== RBAC_GROUP) causes.push(notSupported(`${path}.apiGroup`, subject.apiGroup ?? "", [RBAC_GROUP]));
      break;
    default:
      causes.push(notSupported(`${path}.kind`, subject.kind, ["ServiceAccount", "User", "Group"]));
  }
  return causes;
}

/** A binding's roleRef: the RBAC group, a kind the binding may name, and a valid name. */
export function validateRoleRef(ref: RoleRef | undefined, kinds: readonly string[]): FieldCause[] {
  if (!ref) return [required("roleRef")];
  const causes: FieldCause[] = [];
  if (ref.apiGroup !== RBAC_GROUP) causes.push(notSupported("roleRef.apiGroup", ref.apiGroup ?? "", [RBAC_GROUP]));
  if (!kinds.includes(ref.kind)) causes.push(notSupported("roleRef.kind", ref.kind, kinds));
  if (!ref.name) causes.push(required("roleRef.name"));
  else for (const msg of pathSegmentNameErrors(ref.name, false)) causes.push(invalid("roleRef.name", ref.name, msg));
  return causes;
}

/** SetDefaults_RoleBinding and SetDefaults_Subject: the RBAC group where clients leave it out. */
export function defaultBinding(ref: RoleRef | undefined, subjects: Subject[] | undefined): void {
  if (ref && !ref.apiGroup) ref.apiGroup = RBAC_GROUP;
  for (const s of subjects ?? []) {
    // The core group is "" and omitted from JSON, as Go's omitempty does.
    if (s.apiGroup === "") delete s.apiGroup;
    if (s.apiGroup === undefined && (s.kind === "User" || s.kind === "Group")) s.apiGroup = RBAC_GROUP;
  }
}
