// The service account controller (pkg/controller/serviceaccount): every active namespace has a
// "default" ServiceAccount, the one pods run as unless they name another, so that `kubectl
// create token default` and the agent's projected tokens find it.
import type { KubeObject } from "../apis/types";
import type { ControllerContext } from "../controllers/reconcile";
import { executeDecision, type PassResult } from "../controllers/run";
import type { Decision } from "../controllers/types";

export const DEFAULT_SERVICE_ACCOUNT = "default";

export function decideDefaultServiceAccount(namespace: KubeObject, existing: KubeObject | undefined): Decision {
  const name = namespace.metadata.name ?? "";
  const active = !namespace.metadata.deletionTimestamp && (namespace.status as { phase?: string } | undefined)?.phase !== "Terminating";
  if (!active || existing) return { actions: [] };
  const sa: KubeObject = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: name } };
  return { actions: [{ type: "create", resource: "serviceaccounts", object: sa }] };
}

export async function reconcileNamespaceServiceAccounts(ctx: ControllerContext, namespace: KubeObject): Promise<PassResult> {
  const existing = await ctx.client.get("serviceaccounts", namespace.metadata.name ?? "", DEFAULT_SERVICE_ACCOUNT);
  const result = await executeDecision(ctx.client, decideDefaultServiceAccount(namespace, existing));
  // Two passes racing to create it: the second finds it there.
  return result.error?.reason === "AlreadyExists" ? {} : result;
}
