// The rbac.authorization.k8s.io/v1 kinds.
import type { KindDef } from "../../types";
import { clusterRoleBindingKind, roleBindingKind } from "./binding";
import { clusterRoleKind, roleKind } from "./role";

export const rbacV1Kinds: readonly KindDef[] = [clusterRoleBindingKind, clusterRoleKind, roleBindingKind, roleKind];
