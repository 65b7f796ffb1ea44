// The Job controller's plumbing: the Job's pods and the namespace's orphans by index, decideJob,
// carry it out. A refused pod create is reported on the Job (FailedCreate) before the pass backs
// off. jobsPastDeadline is the cron's safety net for the reconcilers' deadline and TTL alarms.
import type { KubeObject } from "../../apis/types";
import type { Store } from "../../store/store";
import type { ControllerContext } from "../reconcile";
import { execute, type PassResult } from "../run";
import type { ReconcileTarget } from "../targets";
import { decideJob } from "./decide";
import type { Job, Pod } from "./types";

/** Jobs the cron re-enqueues per tick; any left over come next minute. */
const DUE_BATCH = 100;

export async function reconcileJob(ctx: ControllerContext, obj: KubeObject): Promise<PassResult> {
  const job = obj as Job;
  const namespace = job.metadata.namespace ?? "";
  const [owned, orphans] = await Promise.all([
    ctx.client.list("pods", namespace, { controllerUid: job.metadata.uid ?? "" }),
    ctx.client.list("pods", namespace, { controllerUid: null }),
  ]);
  const decision = decideJob({ job, pods: [...owned, ...orphans] as Pod[], now: ctx.now });
  const { failed } = await execute(ctx.client, decision.actions);
  if (!failed) return { requeueAfterMs: decision.requeueAfterMs };
  if (failed.action.type === "create" && failed.action.resource === "pods") {
    await ctx.client.apply({ type: "event", about: job, eventType: "Warning", reason: "FailedCreate", message: `Error creating: ${failed.error.message}` });
  }
  return { error: failed.error };
}

/** Jobs whose activeDeadlineSeconds or TTL ran out by `now`, found by one bounded query. */
export async function jobsPastDeadline(store: Store, now: number): Promise<ReconcileTarget[]> {
  const keys = await store.jobsPastDeadline(now, DUE_BATCH);
  return keys.map((k) => ({ type: "object", resource: "batch/jobs", namespace: k.namespace, name: k.name }));
}
