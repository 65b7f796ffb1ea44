// rbac.authorization.k8s.io/v1 Role and ClusterRole: sets of rules, granted through bindings. A
// ClusterRole with an aggregationRule gets its rules from the ClusterRoles its selectors match.
import { kindSchema } from "../../meta";
import type { FieldCause, KindDef, KubeObject, PrinterColumn } from "../../types";
import { aggregationRuleSchema, pathSegmentNameErrors, rulesList, validateAggregationRule, validateRules, type AggregationRule, type PolicyRule } from "./schema";

export const roleSchema = kindSchema({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", extra: { rules: rulesList } });
export const clusterRoleSchema = kindSchema({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  extra: { rules: rulesList, aggregationRule: aggregationRuleSchema.optional() },
});

export interface RoleObject extends KubeObject {
  rules?: PolicyRule[];
  aggregationRule?: AggregationRule;
}

/** kubectl shows roles with their creation time in RFC 3339, not an age. */
const createdAt: PrinterColumn = {
  name: "Created At",
  type: "date",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
  cell: (obj) => obj.metadata.creationTimestamp ?? null,
};

const common = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  categories: [],
  shortNames: [],
  columns: [createdAt],
  tracksGeneration: false,
  validateName: pathSegmentNameErrors,
} satisfies Partial<KindDef>;

export const roleKind: KindDef = {
  ...common,
  kind: "Role",
  listKind: "RoleList",
  plural: "roles",
  singular: "role",
  namespaced: true,
  schema: roleSchema,
  validate: (obj): FieldCause[] => validateRules((obj as RoleObject).rules, true),
};

export const clusterRoleKind: KindDef = {
  ...common,
  kind: "ClusterRole",
  listKind: "ClusterRoleList",
  plural: "clusterroles",
  singular: "clusterrole",
  namespaced: false,
  schema: clusterRoleSchema,
  validate: (obj): FieldCause[] => {
    const role = obj as RoleObject;
    return [...validateRules(role.rules, false), ...validateAggregationRule(role.aggregationRule)];
  },
};
