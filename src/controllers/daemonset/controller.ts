// The DaemonSet controller's plumbing: read the nodes, the DaemonSet's pods (owned, and orphans it
// may adopt) and its namespace's ControllerRevisions, decide, carry it out. The failed-pod backoff
// lives in the reconciler's memo; a refused pod create or delete is reported as Kubernetes' pod
// control reports it (FailedCreate/FailedDelete) before the pass backs off.
import type { KubeObject } from "../../apis/types";
import type { NodeLike } from "../../scheduler/types";
import type { Pod } from "../podutil";
import type { ControllerContext } from "../reconcile";
import { podCreateFailedEvent, podDeleteFailedEvent } from "../replicaset/decide";
import { execute, type PassResult } from "../run";
import { decideDaemonSet } from "./decide";
import { REVISION_RESOURCE, type BackoffEntry, type ControllerRevision, type DaemonSet } from "./types";

export async function reconcileDaemonSet(ctx: ControllerContext, obj: KubeObject): Promise<PassResult> {
  const ds = obj as DaemonSet;
  const namespace = ds.metadata.namespace ?? "";
  const [nodes, owned, orphans, revisions] = await Promise.all([
    ctx.client.list("nodes"),
    ctx.client.list("pods", namespace, { controllerUid: ds.metadata.uid ?? "" }),
    ctx.client.list("pods", namespace, { controllerUid: null }),
    ctx.client.list(REVISION_RESOURCE, namespace),
  ]);
  const backoff = ctx.memo.get("backoff") as Map<string, BackoffEntry> | undefined;
  const decision = decideDaemonSet({
    ds,
    nodes: nodes as NodeLike[],
    pods: [...owned, ...orphans] as Pod[],
    revisions: revisions as ControllerRevision[],
    now: ctx.now,
    backoff,
  });
  ctx.memo.set("backoff", decision.backoff);
  const { failed } = await execute(ctx.client, decision.actions);
  if (!failed) return { requeueAfterMs: decision.requeueAfterMs };
  const { action, error } = failed;
  if ((action.type === "create" || action.type === "delete") && action.resource === "pods") {
    await ctx.client.apply(action.type === "create" ? podCreateFailedEvent(ds, error.message) : podDeleteFailedEvent(ds, error.message));
  }
  return { error };
}
