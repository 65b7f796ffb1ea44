// The node lifecycle controller's plumbing: the node, its Lease and the pods bound to it, then
// decideNode. It runs when the Node changes and when the cron finds a node to look at.
import type { KubeObject } from "../../apis/types";
import type { LeaseLike, NodeLike, PodLike } from "../../scheduler/types";
import type { ControllerContext } from "../reconcile";
import { executeDecision, type PassResult } from "../run";
import { decideNode } from "./decide";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";

export async function reconcileNode(ctx: ControllerContext, obj: KubeObject): Promise<PassResult> {
  const name = obj.metadata.name ?? "";
  const [lease, pods] = await Promise.all([
    ctx.client.get("coordination.k8s.io/leases", NODE_LEASE_NAMESPACE, name),
    ctx.client.store.list({ resource: "pods", nodeName: name, limit: 10_000 }),
  ]);
  const decision = decideNode({
    node: obj as NodeLike,
    lease: lease as LeaseLike | undefined,
    pods: pods.items as PodLike[],
    now: ctx.now,
    gracePeriodMs: ctx.settings.nodeGracePeriodMs,
  });
  return executeDecision(ctx.client, decision);
}
