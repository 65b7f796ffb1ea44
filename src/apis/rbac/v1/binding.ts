// rbac.authorization.k8s.io/v1 RoleBinding and ClusterRoleBinding: who gets a role. The roleRef
// cannot change once set (delete and recreate instead), as in Kubernetes.
import { invalid } from "../../fielderrors";
import { kindSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject, PrinterColumn } from "../../types";
import { semanticEqual } from "../../validation";
import { defaultBinding, pathSegmentNameErrors, roleRefSchema, subjectsList, validateRoleRef, validateSubject, type RoleRef, type Subject } from "./schema";

const extra = { roleRef: roleRefSchema.optional(), subjects: subjectsList };
export const roleBindingSchema = kindSchema({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", extra });
export const clusterRoleBindingSchema = kindSchema({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", extra });

export interface BindingObject extends KubeObject {
  roleRef: RoleRef;
  subjects?: Subject[];
}

const asBinding = (obj: KubeObject) => obj as BindingObject;

/** rbac.SubjectsStrings: users, groups and service accounts ("namespace/name"), each joined by ", ". */
function subjectsOf(kind: Subject["kind"]) {
  return (obj: KubeObject): string =>
    (asBinding(obj).subjects ?? [])
      .filter((s) => s.kind === kind)
      .map((s) => (kind === "ServiceAccount" && s.namespace ? `${s.namespace}/${s.name}` : s.name))
      .join(", ");
}

const columns: PrinterColumn[] = [
  { name: "Role", type: "string", description: "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.", cell: (obj) => `${asBinding(obj).roleRef?.kind}/${asBinding(obj).roleRef?.name}` },
  ageColumn(),
  { name: "Users", type: "string", priority: 1, description: "Users in the roleBinding", cell: subjectsOf("User") },
  { name: "Groups", type: "string", priority: 1, description: "Groups in the roleBinding", cell: subjectsOf("Group") },
  { name: "ServiceAccounts", type: "string", priority: 1, description: "ServiceAccounts in the roleBinding", cell: subjectsOf("ServiceAccount") },
];

function validator(namespaced: boolean, roleKinds: readonly string[]) {
  return (obj: KubeObject, old?: KubeObject): FieldCause[] => {
    const b = asBinding(obj);
    const causes = [...validateRoleRef(b.roleRef, roleKinds), ...(b.subjects ?? []).flatMap((s, i) => validateSubject(s, namespaced, `subjects[${i}]`))];
    if (old && !semanticEqual(b.roleRef, asBinding(old).roleRef)) causes.push(invalid("roleRef", b.roleRef, "cannot change roleRef"));
    return causes;
  };
}

const common = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  categories: [],
  shortNames: [],
  columns,
  tracksGeneration: false,
  validateName: pathSegmentNameErrors,
  defaults: (obj: KubeObject) => defaultBinding(asBinding(obj).roleRef, asBinding(obj).subjects),
} satisfies Partial<KindDef>;

export const roleBindingKind: KindDef = {
  ...common,
  kind: "RoleBinding",
  listKind: "RoleBindingList",
  plural: "rolebindings",
  singular: "rolebinding",
  namespaced: true,
  schema: roleBindingSchema,
  validate: validator(true, ["Role", "ClusterRole"]),
};

export const clusterRoleBindingKind: KindDef = {
  ...common,
  kind: "ClusterRoleBinding",
  listKind: "ClusterRoleBindingList",
  plural: "clusterrolebindings",
  singular: "clusterrolebinding",
  namespaced: false,
  schema: clusterRoleBindingSchema,
  validate: validator(false, ["ClusterRole"]),
};
