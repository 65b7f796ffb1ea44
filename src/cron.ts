// The minute cron trigger: the time-driven housekeeping of the control plane. Besides compaction
// it expires Events after an hour, runs CronJobs, watches node Leases (a node that stopped
// renewing gets its reconciler, which marks it and evicts its pods) and is the reconcilers'
// safety net: dependents of gone owners and objects whose status lags are enqueued again. A
// healthy, converged cluster costs reads here and no writes.
import type { Env } from "./env";
import { targetName, type ReconcileTarget } from "./controllers/targets";
import { isSilent, readyCondition } from "./controllers/nodelifecycle/health";
import { NODE_LEASE_NAMESPACE } from "./controllers/nodelifecycle/controller";
import type { LeaseLike, NodeLike } from "./scheduler/types";
import { settingsFrom, type Settings } from "./settings";
import type { Store } from "./store/store";
import { makeStore } from "./wiring";
import { Client } from "./controllers/client";
import { runCronJobTick } from "./controllers/cronjob/controller";
import { jobsPastDeadline } from "./controllers/job/controller";
import { CONTROLLERS } from "./controllers/registry";

const RESYNC_BATCH = 100;
/** Kubernetes keeps Events for an hour (kube-apiserver --event-ttl). */
const EVENT_TTL_MS = 3600_000;
const EVENT_SWEEP_BATCH = 500;
const CONTROLLER_TAINTS = new Set(["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"]);

export interface CronReport {
  compactedTo: number;
  resynced: number;
  nodesChecked: number;
  /** CronJobs with a schedule time due. */
  cronJobsDue: number;
  /** Jobs re-enqueued because their active deadline or TTL ran out. */
  jobsPastDeadline: number;
  eventsExpired: number;
}

/** Nodes that are silent, or still marked from being silent: their reconciler has work to do. */
async function nodesToCheck(store: Store, now: number, settings: Settings): Promise<ReconcileTarget[]> {
  const [nodes, leases] = await Promise.all([store.listAll({ resource: "nodes" }), store.listAll({ resource: "coordination.k8s.io/leases", namespace: NODE_LEASE_NAMESPACE })]);
  const leaseOf = new Map(leases.map((l) => [l.metadata.name, l as LeaseLike]));
  return nodes
    .filter((obj) => {
      const node = obj as NodeLike;
      const marked = readyCondition(node)?.status !== "True" || (node.spec?.taints ?? []).some((t) => CONTROLLER_TAINTS.has(t.key));
      return marked || isSilent(node, leaseOf.get(obj.metadata.name), now, { gracePeriodMs: settings.nodeGracePeriodMs });
    })
    .map((obj) => ({ type: "object", resource: "nodes", namespace: "", name: obj.metadata.name ?? "" }));
}

/**
 * Kinds whose status has no observedGeneration, so they would always look lagging: Jobs (the
 * cron looks for those past a deadline or TTL instead) and CronJobs (the tick runs due ones).
 */
const NO_OBSERVED_GENERATION = new Set(["batch/jobs", "batch/cronjobs"]);

/** Controlled objects whose status lags their spec: a lost trigger, or a pass that failed for good. */
async function laggingObjects(store: Store): Promise<ReconcileTarget[]> {
  const found = await Promise.all(
    [...CONTROLLERS.keys()].filter((resource) => !NO_OBSERVED_GENERATION.has(resource)).map(async (resource) => (await store.lagging(resource, RESYNC_BATCH)).map((k): ReconcileTarget => ({ type: "object", resource, ...k }))),
  );
  return found.flat();
}

export async function runCron(env: Env, scheduledTime: number, waitUntil: (p: Promise<unknown>) => void): Promise<CronReport> {
  const settings = settingsFrom(env);
  const store = makeStore(env, waitUntil, { now: () => scheduledTime });
  const compactedTo = await store.compact(settings.compactionWindowMs, settings.compactionMinRevisions);
  const orphans: ReconcileTarget[] = (await store.danglingOwners(RESYNC_BATCH)).map((uid) => ({ type: "orphans", uid }));
  const nodes = await nodesToCheck(store, scheduledTime, settings);
  const lagging = await laggingObjects(store);
  const enqueue = (t: ReconcileTarget) => env.RECONCILER.get(env.RECONCILER.idFromName(targetName(t))).trigger(t);
  const cronJobsDue = await runCronJobTick({ client: new Client(store, () => scheduledTime, "cronjob-controller"), now: scheduledTime, enqueue });
  const jobs = await jobsPastDeadline(store, scheduledTime);
  const targets = [...orphans, ...nodes, ...lagging, ...jobs];
  await Promise.all(targets.map(enqueue));
  const expired = await store.expiredEvents(scheduledTime - EVENT_TTL_MS, EVENT_SWEEP_BATCH);
  for (const { resource, object } of expired) await store.delete(resource, object, Number(object.metadata.resourceVersion));
  return { compactedTo, resynced: orphans.length + lagging.length, nodesChecked: nodes.length, cronJobsDue, jobsPastDeadline: jobs.length, eventsExpired: expired.length };
}
