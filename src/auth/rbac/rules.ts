// Whether a policy rule allows a request: RBAC's RuleAllows (plugin/pkg/auth/authorizer/rbac).
// "*" matches any verb, group, resource or URL; "*/scale" any resource's scale subresource; a
// URL ending in "*" is a prefix; resourceNames narrow a rule to named objects.
import type { PolicyRule } from "../../apis/rbac/v1/schema";
import { resourceOf, type Attributes } from "../attributes";

export type { PolicyRule };

export const ALL = "*";

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === ALL || v === verb);
}

function groupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some((r) => r === ALL || r === combined || (subresource !== "" && r.startsWith("*/") && r.slice(2) === subresource));
}

function nameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

function urlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === ALL || u === path || (u.endsWith("*") && path.startsWith(u.slice(0, -1))));
}

export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return urlMatches(rule, attrs.path);
  return groupMatches(rule, attrs.apiGroup) && resourceMatches(rule, resourceOf(attrs), attrs.subresource) && nameMatches(rule, attrs.name);
}

export function rulesAllow(attrs: Attributes, rules: readonly PolicyRule[]): boolean {
  return rules.some((rule) => ruleAllows(attrs, rule));
}
