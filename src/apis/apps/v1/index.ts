// The apps/v1 kinds, in the order Kubernetes lists them in discovery.
import type { KindDef } from "../../types";
import { controllerRevisionKind } from "./controllerrevision";
import { daemonSetKind } from "./daemonset";
import { deploymentKind } from "./deployment";
import { replicaSetKind } from "./replicaset";

export const appsV1Kinds: readonly KindDef[] = [controllerRevisionKind, daemonSetKind, deploymentKind, replicaSetKind];
