// The ReplicaSet controller's plumbing: bring its view of the pods (owned, and orphans that may
// be adopted) up to date from the changelog, decide, carry it out. A failed pod create or delete
// is remembered for the next pass, which reports it in the ReplicaFailure condition.
import type { KubeObject } from "../../apis/types";
import { followPods, type PodView } from "../podview";
import type { ControllerContext } from "../reconcile";
import { execute, type PassResult } from "../run";
import { decideReplicaSet, podCreateFailedEvent, podDeleteFailedEvent } from "./decide";
import { throttleRecount } from "./status";
import type { ReplicaSet, ReplicaSetFailure } from "./types";

/** What the reconciler keeps between passes (ControllerContext.memo). */
const FAILURE = "failure";
const PODS = "pods";
const STATUS_WRITTEN = "statusWritten";

export async function reconcileReplicaSet(ctx: ControllerContext, obj: KubeObject): Promise<PassResult> {
  const rs = obj as ReplicaSet;
  const scope = { namespace: rs.metadata.namespace ?? "", controllers: [rs.metadata.uid ?? ""], orphans: true };
  const view = await followPods(ctx.client.store, scope, ctx.memo.get(PODS) as PodView | undefined);
  ctx.memo.set(PODS, view);
  const pods = [...view.pods.values()];
  const failure = ctx.memo.get(FAILURE) as ReplicaSetFailure | undefined;
  const decided = decideReplicaSet({ rs, pods, now: ctx.now, failure });
  const decision = throttleRecount(decided, rs, ctx.memo.get(STATUS_WRITTEN) as number | undefined, ctx.now);
  const { failed } = await execute(ctx.client, decision.actions);
  if (!failed) {
    ctx.memo.delete(FAILURE);
    if (decision.actions.some((a) => a.type === "updateStatus")) ctx.memo.set(STATUS_WRITTEN, ctx.now);
    return { requeueAfterMs: decision.requeueAfterMs };
  }
  const { action, error } = failed;
  const isPodWrite = (action.type === "create" || action.type === "delete") && action.resource === "pods";
  if (isPodWrite) {
    const failed: ReplicaSetFailure = { reason: action.type === "create" ? "FailedCreate" : "FailedDelete", message: error.message };
    ctx.memo.set(FAILURE, failed);
    await ctx.client.apply(action.type === "create" ? podCreateFailedEvent(rs, error.message) : podDeleteFailedEvent(rs, error.message));
    // As Kubernetes' syncReplicaSet does, the status (with ReplicaFailure) is written even though the pass failed.
    const retold = decideReplicaSet({ rs, pods, now: ctx.now, failure: failed });
    await execute(ctx.client, retold.actions.filter((a) => a.type === "updateStatus"));
    ctx.memo.set(STATUS_WRITTEN, ctx.now);
  }
  return { error };
}
