// The ReplicaSet controller's plumbing: read the ReplicaSet's pods (owned, and orphans that may
// be adopted) by index, decide, carry it out. A failed pod create or delete is remembered for
// the next pass, which reports it in the ReplicaFailure condition.
import type { KubeObject } from "../../apis/types";
import type { Pod } from "../podutil";
import type { ControllerContext } from "../reconcile";
import { execute, type PassResult } from "../run";
import { decideReplicaSet, podCreateFailedEvent, podDeleteFailedEvent } from "./decide";
import type { ReplicaSet, ReplicaSetFailure } from "./types";

export async function reconcileReplicaSet(ctx: ControllerContext, obj: KubeObject): Promise<PassResult> {
  const rs = obj as ReplicaSet;
  const namespace = rs.metadata.namespace ?? "";
  const [owned, orphans] = await Promise.all([
    ctx.client.list("pods", namespace, { controllerUid: rs.metadata.uid ?? "" }),
    ctx.client.list("pods", namespace, { controllerUid: null }),
  ]);
  const failure = ctx.memo.get("failure") as ReplicaSetFailure | undefined;
  const decision = decideReplicaSet({ rs, pods: [...owned, ...orphans] as Pod[], now: ctx.now, failure });
  const { failed } = await execute(ctx.client, decision.actions);
  if (!failed) {
    ctx.memo.delete("failure");
    return { requeueAfterMs: decision.requeueAfterMs };
  }
  const { action, error } = failed;
  const isPodWrite = (action.type === "create" || action.type === "delete") && action.resource === "pods";
  if (isPodWrite) {
    const failed: ReplicaSetFailure = { reason: action.type === "create" ? "FailedCreate" : "FailedDelete", message: error.message };
    ctx.memo.set("failure", failed);
    await ctx.client.apply(action.type === "create" ? podCreateFailedEvent(rs, error.message) : podDeleteFailedEvent(rs, error.message));
    // As Kubernetes' syncReplicaSet does, the status (with ReplicaFailure) is written even though the pass failed.
    const retold = decideReplicaSet({ rs, pods: [...owned, ...orphans] as Pod[], now: ctx.now, failure: failed });
    await execute(ctx.client, retold.actions.filter((a) => a.type === "updateStatus"));
  }
  return { error };
}
