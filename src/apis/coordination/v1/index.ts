// The coordination.k8s.io/v1 kinds.
import type { KindDef } from "../../types";
import { leaseKind } from "./lease";

export const coordinationV1Kinds: readonly KindDef[] = [leaseKind];
