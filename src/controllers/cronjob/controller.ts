// The CronJob controller's plumbing. A pass reads the CronJob's Jobs by controller index,
// decides and carries it out; when it created a Job, a second pass adopts it into status.active
// (its uid is known only now). AlreadyExists on the create means another pass made that Job
// first: the second pass then adopts it, or leaves it alone if the CronJob does not control it.
// The minute cron drives schedules: runCronJobTick runs the pass of every CronJob that is due, at
// the cron's own time, so a late or repeated trigger acts on the schedule times it stands for.
import type { CronJob } from "../../apis/batch/v1/cronjob";
import type { KubeObject } from "../../apis/types";
import type { Client } from "../client";
import type { ControllerContext } from "../reconcile";
import { execute, type PassResult } from "../run";
import type { ReconcileTarget } from "../targets";
import type { Job } from "../job/types";
import { decideCronJob, pendingScheduleTime } from "./decide";

/** CronJobs a tick runs itself; more due at once go to their reconcilers. */
const PASSES_PER_TICK = 50;
/** CronJobs read per page. */
const PAGE = 500;

async function pass(client: Client, now: number, cronJob: CronJob): Promise<{ created: boolean; error?: PassResult["error"] }> {
  const namespace = cronJob.metadata.namespace ?? "";
  const jobs = (await client.list("batch/jobs", namespace, { controllerUid: cronJob.metadata.uid ?? "" })) as Job[];
  const { actions } = decideCronJob({ cronJob, jobs, now });
  const created = actions.some((a) => a.type === "create");
  const { failed } = await execute(client, actions);
  if (!failed) return { created };
  if (failed.action.type === "create" && failed.error.reason === "AlreadyExists") return { created };
  if (failed.action.type === "create") {
    await client.apply({ type: "event", about: cronJob, eventType: "Warning", reason: "FailedCreate", message: `Error creating job: ${failed.error.message}` });
  } else if (failed.action.type === "delete" && failed.action.resource === "batch/jobs") {
    await client.apply({ type: "event", about: cronJob, eventType: "Warning", reason: "FailedDelete", message: `Deleted job: ${failed.error.message}` });
  }
  return { created: false, error: failed.error };
}

/** Up to two passes: the second only after a create, to adopt the new Job (at most one create each). */
export async function syncCronJob(client: Client, now: number, obj: KubeObject): Promise<PassResult> {
  let cronJob = obj as CronJob;
  for (let round = 0; round < 2; round++) {
    const result = await pass(client, now, cronJob);
    if (result.error || !result.created) return { error: result.error };
    const fresh = await client.get("batch/cronjobs", cronJob.metadata.namespace ?? "", cronJob.metadata.name ?? "");
    if (!fresh || fresh.metadata.uid !== cronJob.metadata.uid) return {};
    cronJob = fresh as CronJob;
  }
  return {};
}

export function reconcileCronJob(ctx: ControllerContext, obj: KubeObject): Promise<PassResult> {
  return syncCronJob(ctx.client, ctx.now, obj);
}

export interface TickOptions {
  client: Client;
  now: number;
  /** Hands a CronJob to its reconciler (for the ones beyond what a tick runs itself). */
  enqueue(target: ReconcileTarget): Promise<void>;
}

/**
 * The cron's CronJob step: read the CronJobs page by page (by primary key), run the pass of each
 * one with a schedule time due at `now`. Returns how many were due. A converged cluster costs
 * the reads and nothing else.
 */
export async function runCronJobTick({ client, now, enqueue }: TickOptions): Promise<number> {
  const all = (await client.store.listAll({ resource: "batch/cronjobs", limit: PAGE })) as CronJob[];
  const due = all.filter((cj) => pendingScheduleTime(cj, now) !== undefined);
  const inline = due.slice(0, PASSES_PER_TICK);
  const results = await Promise.allSettled(inline.map((cj) => syncCronJob(client, now, cj)));
  results.forEach((r, i) => {
    // A conflict means the CronJob's reconciler acted at the same time (woken by the new Job); it converges.
    const error = r.status === "rejected" ? String(r.reason) : r.value.error?.reason === "Conflict" ? undefined : r.value.error?.message;
    if (error) console.warn(`cron: CronJob ${inline[i].metadata.namespace}/${inline[i].metadata.name}: ${error}`);
  });
  await Promise.all(
    due.slice(PASSES_PER_TICK).map((cj) => enqueue({ type: "object", resource: "batch/cronjobs", namespace: cj.metadata.namespace ?? "", name: cj.metadata.name ?? "" })),
  );
  return due.length;
}
