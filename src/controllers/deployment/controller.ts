// The Deployment controller's plumbing: read the namespace's ReplicaSets and, for Recreate, the
// pods of the Deployment's ReplicaSets; decide; carry it out. A refused ReplicaSet create is
// reported on the Deployment (FailedRSCreate) before the pass backs off.
import type { KubeObject } from "../../apis/types";
import type { Pod } from "../podutil";
import type { ControllerContext } from "../reconcile";
import { execute, type PassResult } from "../run";
import { decideDeployment } from "./decide";
import { replicaSetCreateFailed } from "./failed";
import type { Deployment } from "./types";

export async function reconcileDeployment(ctx: ControllerContext, obj: KubeObject): Promise<PassResult> {
  const deployment = obj as Deployment;
  const namespace = deployment.metadata.namespace ?? "";
  const replicaSets = await ctx.client.list("apps/replicasets", namespace);
  const recreate = deployment.spec?.strategy?.type === "Recreate";
  const owned = replicaSets.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === deployment.metadata.uid));
  const pods = recreate ? (await Promise.all(owned.map((rs) => ctx.client.list("pods", namespace, { controllerUid: rs.metadata.uid ?? "" })))).flat() : [];
  const decision = decideDeployment({ deployment, replicaSets, pods: pods as Pod[], now: ctx.now });
  const { failed } = await execute(ctx.client, decision.actions);
  if (!failed) return { requeueAfterMs: decision.requeueAfterMs };
  const { action, error } = failed;
  if (action.type === "create" && action.resource === "apps/replicasets" && error.reason !== "AlreadyExists") {
    const fresh = (await ctx.client.get("apps/deployments", namespace, deployment.metadata.name ?? "")) as Deployment | undefined;
    if (fresh) await execute(ctx.client, replicaSetCreateFailed({ deployment: fresh, replicaSetName: action.object.metadata.name ?? "", message: error.message, now: ctx.now }));
  }
  return { error };
}
