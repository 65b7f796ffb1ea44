// The apps/v1 kinds, in the order Kubernetes lists them in discovery.
import type { KindDef } from "../../types";
import { daemonSetKind } from "./daemonset";
import { deploymentKind } from "./deployment";
import { replicaSetKind } from "./replicaset";

export const appsV1Kinds: readonly KindDef[] = [daemonSetKind, deploymentKind, replicaSetKind];
