// The controllers, by the resource they reconcile. Finalization (garbage collection and
// namespace termination) is not listed: it applies to every kind.
import type { RegisteredController } from "./reconcile";
import { reconcileCronJob } from "./cronjob/controller";
import { reconcileDaemonSet } from "./daemonset/controller";
import { reconcileDeployment } from "./deployment/controller";
import { reconcileJob } from "./job/controller";
import { reconcileReplicaSet } from "./replicaset/controller";
import { reconcileNode } from "./nodelifecycle/controller";
import { reconcileService } from "./endpointslice/controller";
import { reconcileNamespaceServiceAccounts } from "../auth/serviceaccounts";
import { reconcileRootCA } from "./rootcacert/controller";

/**
 * Each controller acts under its own name, the one Kubernetes' controller-manager gives it (Events'
 * "From"). A resource may have several, run one after the other on each pass.
 */
export const CONTROLLERS: ReadonlyMap<string, readonly RegisteredController[]> = new Map<string, RegisteredController[]>([
  ["apps/daemonsets", [{ name: "daemonset-controller", reconcile: reconcileDaemonSet }]],
  ["apps/deployments", [{ name: "deployment-controller", reconcile: reconcileDeployment }]],
  ["apps/replicasets", [{ name: "replicaset-controller", reconcile: reconcileReplicaSet }]],
  ["batch/cronjobs", [{ name: "cronjob-controller", reconcile: reconcileCronJob }]],
  ["batch/jobs", [{ name: "job-controller", reconcile: reconcileJob }]],
  ["nodes", [{ name: "node-controller", reconcile: reconcileNode }]],
  [
    "namespaces",
    [
      { name: "service-account-controller", reconcile: reconcileNamespaceServiceAccounts },
      { name: "root-ca-cert-publisher", reconcile: reconcileRootCA },
    ],
  ],
  ["services", [{ name: "endpointslice-controller", reconcile: reconcileService }]],
]);
