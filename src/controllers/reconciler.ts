// The reconciler Durable Object: one per controlled object. At most one pass runs at a time;
// triggers during a pass coalesce into one more pass; failures back off exponentially (5 ms
// doubling to 1,000 s, client-go's default) and requeues are alarms. A converged object sets no
// alarm and writes nothing.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { makeStore } from "../wiring";
import { settingsFrom } from "../settings";
import { CONTROLLERS } from "./registry";
import { reconcileOnce } from "./reconcile";
import type { ReconcileTarget } from "./targets";
import type { Action } from "./types";

const BASE_BACKOFF_MS = 5;
const MAX_BACKOFF_MS = 1_000_000;
/**
 * A pass over a large object (a ReplicaSet of 10,000 pods) costs time in proportion to it, and a
 * stream of its pods' status changes would run such passes back to back. After a pass that only
 * observed (it created and deleted nothing), the next one waits this many times the last one's
 * duration (at most PACE_MAX_MS), so such passes take at most a quarter of the object's time;
 * the triggers that arrive meanwhile join it. A pass that created or deleted is followed at
 * once (slow-start batches go on), and small objects' passes are quick, so theirs wait next to
 * nothing.
 */
const PACE_FACTOR = 3;
const PACE_MAX_MS = 1_000;

export function paceMs(passMs: number): number {
  return Math.min(PACE_MAX_MS, Math.max(0, passMs) * PACE_FACTOR);
}

export function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
}

export class Reconciler extends DurableObject<Env> {
  private target?: ReconcileTarget;
  private dirty = false;
  private running?: Promise<void>;
  private failures = 0;
  private readonly memo = new Map<string, unknown>();
  /** Passes run, for tests and benchmarks. */
  private passes = 0;

  /** Something this object depends on changed. Resolves when the pass it caused has run. */
  async trigger(target: ReconcileTarget): Promise<void> {
    this.target = target;
    this.dirty = true;
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  async stats(): Promise<{ passes: number; failures: number; alarm: number | null }> {
    return { passes: this.passes, failures: this.failures, alarm: await this.ctx.storage.getAlarm() };
  }

  private async run(): Promise<void> {
    let lastPassMs = 0;
    while (this.dirty && this.target) {
      const pace = paceMs(lastPassMs);
      if (pace > 0) await scheduler.wait(pace);
      this.dirty = false;
      this.passes++;
      const started = Date.now();
      let progressed = false;
      const onAction = (action: Action) => {
        progressed ||= action.type === "create" || action.type === "delete";
      };
      const store = makeStore(this.env, (p) => this.ctx.waitUntil(p));
      let next: number | undefined;
      try {
        const result = await reconcileOnce({ store, now: Date.now(), memo: this.memo, settings: settingsFrom(this.env), onAction }, this.target, CONTROLLERS);
        if (result.error) throw new Error(result.error.message);
        this.failures = 0;
        next = result.requeueAfterMs;
      } catch (err) {
        this.failures++;
        next = backoffMs(this.failures);
        console.warn(`reconcile ${JSON.stringify(this.target)} failed (${this.failures}):`, err instanceof Error ? err.message : err);
      }
      if (next !== undefined) await this.requeue(next);
      // A converged pass needs no wake-up: an alarm an earlier pass set (a progress deadline,
      // a backoff) would only run a pass that finds nothing to do.
      else await this.cancelAlarm();
      // Time advances across I/O only in a Worker: this is the pass's wall time, reads included.
      lastPassMs = progressed ? 0 : Date.now() - started;
    }
  }

  private async cancelAlarm(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) !== null) await this.ctx.storage.deleteAlarm();
  }

  private async requeue(afterMs: number): Promise<void> {
    const at = Date.now() + afterMs;
    const current = await this.ctx.storage.getAlarm();
    if (current !== null && current <= at) return;
    await this.ctx.storage.put("target", this.target);
    await this.ctx.storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    const target = this.target ?? (await this.ctx.storage.get<ReconcileTarget>("target"));
    if (target) await this.trigger(target);
  }
}
