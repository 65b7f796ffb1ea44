// The minute cron trigger: the time-driven housekeeping of the control plane. Besides
// compaction it is the safety net of the reconcilers: anything a lost trigger left behind
// (dependents of gone owners, objects stuck finalizing) is enqueued again.
import type { Env } from "./env";
import { targetName, type ReconcileTarget } from "./controllers/targets";
import { makeStore } from "./wiring";

const DEFAULT_WINDOW_SECONDS = 300;
const DEFAULT_MIN_REVISIONS = 1000;
const RESYNC_BATCH = 100;

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export interface CronReport {
  compactedTo: number;
  resynced: number;
}

export async function runCron(env: Env, scheduledTime: number, waitUntil: (p: Promise<unknown>) => void): Promise<CronReport> {
  const store = makeStore(env, waitUntil, () => scheduledTime);
  const windowMs = positive(env.COMPACTION_WINDOW_SECONDS, DEFAULT_WINDOW_SECONDS) * 1000;
  const keep = positive(env.COMPACTION_MIN_REVISIONS, DEFAULT_MIN_REVISIONS);
  const compactedTo = await store.compact(windowMs, keep);
  const targets: ReconcileTarget[] = (await store.danglingOwners(RESYNC_BATCH)).map((uid) => ({ type: "orphans", uid }));
  await Promise.all(targets.map((t) => env.RECONCILER.get(env.RECONCILER.idFromName(targetName(t))).trigger(t)));
  return { compactedTo, resynced: targets.length };
}
