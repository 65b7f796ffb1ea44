// The controllers, by the resource they reconcile. Finalization (garbage collection and
// namespace termination) is not listed: it applies to every kind.
import type { Controller } from "./reconcile";
import { reconcileDeployment } from "./deployment/controller";
import { reconcileReplicaSet } from "./replicaset/controller";
import { reconcileNode } from "./nodelifecycle/controller";

export const CONTROLLERS: ReadonlyMap<string, Controller> = new Map<string, Controller>([
  ["apps/deployments", reconcileDeployment],
  ["apps/replicasets", reconcileReplicaSet],
  ["nodes", reconcileNode],
]);
