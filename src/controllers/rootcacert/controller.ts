// The root CA publisher's pass over one namespace: read its kube-root-ca.crt, decide, act.
import type { KubeObject } from "../../apis/types";
import { ROOT_CA_CONFIGMAP } from "../../auth/serviceaccount/automount";
import type { ControllerContext } from "../reconcile";
import { executeDecision, type PassResult } from "../run";
import { decideRootCA } from "./publisher";

export async function reconcileRootCA(ctx: ControllerContext, namespace: KubeObject): Promise<PassResult> {
  const existing = await ctx.client.get("configmaps", namespace.metadata.name ?? "", ROOT_CA_CONFIGMAP);
  const result = await executeDecision(ctx.client, decideRootCA(namespace, existing, ctx.settings.clusterCaCert));
  // Two passes racing to create it: the second finds it there.
  return result.error?.reason === "AlreadyExists" ? {} : result;
}
