// The Deployment controller's plumbing: read the namespace's ReplicaSets and, for Recreate, the
// pods of the Deployment's ReplicaSets (followed from the changelog while it waits for the old
// ones to go, as the ReplicaSet follows its own); decide; carry it out. A refused ReplicaSet
// create is reported on the Deployment (FailedRSCreate) before the pass backs off.
import type { KubeObject } from "../../apis/types";
import type { Pod } from "../podutil";
import { followPods, type PodView } from "../podview";
import type { ControllerContext } from "../reconcile";
import { execute, type PassResult } from "../run";
import { decideDeployment } from "./decide";
import { replicaSetCreateFailed } from "./failed";
import type { Deployment } from "./types";

/** The Recreate strategy's view of its pods, kept between passes (ControllerContext.memo). */
const PODS = "pods";

export async function reconcileDeployment(ctx: ControllerContext, obj: KubeObject): Promise<PassResult> {
  const deployment = obj as Deployment;
  const namespace = deployment.metadata.namespace ?? "";
  const replicaSets = await ctx.client.list("apps/replicasets", namespace);
  const recreate = deployment.spec?.strategy?.type === "Recreate";
  const owned = replicaSets.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === deployment.metadata.uid));
  let pods: Pod[] = [];
  if (recreate) {
    const scope = { namespace, controllers: owned.map((rs) => rs.metadata.uid ?? ""), orphans: false };
    const view = await followPods(ctx.client.store, scope, ctx.memo.get(PODS) as PodView | undefined);
    ctx.memo.set(PODS, view);
    pods = [...view.pods.values()];
  } else {
    // A RollingUpdate reads no pods: keep none in memory.
    ctx.memo.delete(PODS);
  }
  const decision = decideDeployment({ deployment, replicaSets, pods, now: ctx.now });
  const { failed } = await execute(ctx.client, decision.actions);
  if (!failed) return { requeueAfterMs: decision.requeueAfterMs };
  const { action, error } = failed;
  if (action.type === "create" && action.resource === "apps/replicasets" && error.reason !== "AlreadyExists") {
    const fresh = (await ctx.client.get("apps/deployments", namespace, deployment.metadata.name ?? "")) as Deployment | undefined;
    if (fresh) await execute(ctx.client, replicaSetCreateFailed({ deployment: fresh, replicaSetName: action.object.metadata.name ?? "", message: error.message, now: ctx.now }));
  }
  return { error };
}
