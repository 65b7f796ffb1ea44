// The minute cron trigger: the time-driven housekeeping of the control plane.
import type { Env } from "./env";
import { Store } from "./store/store";

const DEFAULT_WINDOW_SECONDS = 300;
const DEFAULT_MIN_REVISIONS = 1000;

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export interface CronReport {
  compactedTo: number;
}

export async function runCron(env: Env, scheduledTime: number): Promise<CronReport> {
  const store = new Store(env.DB, { now: () => scheduledTime });
  const windowMs = positive(env.COMPACTION_WINDOW_SECONDS, DEFAULT_WINDOW_SECONDS) * 1000;
  const keep = positive(env.COMPACTION_MIN_REVISIONS, DEFAULT_MIN_REVISIONS);
  const compactedTo = await store.compact(windowMs, keep);
  return { compactedTo };
}
