// Writes of kinds that hold values exclusively across the cluster (a Service's cluster IP and
// node ports). The kind's Allocator fills in what the object needs; the store claims the values
// in the same batch as the object write (see store/statements.ts), so a value is held exactly
// while its holder exists: concurrent creates, a Worker restart mid-request or a failed write can
// neither hand a value out twice nor leak it. A value lost to a concurrent writer is picked again.
import type { KubeObject } from "../apis/types";
import { internalError, type Result } from "./status";

// The store's shapes, declared here structurally so that allocators and their tests need no D1.
/** A value drawn from a range, e.g. { range: "services/clusterIPs", value: "10.96.0.10" }. */
export interface Allocation {
  range: string;
  value: string;
}

export interface ObjectKey {
  resource: string;
  namespace: string;
  name: string;
}

/** What of the store the claiming loop reads (the Store fulfils it). */
export interface ClaimStore {
  /** Every value held in `range` by objects other than `except`. */
  allocated(range: string, except: ObjectKey): Promise<string[]>;
  /** Which of `claims` objects other than `key` hold. */
  taken(key: ObjectKey, claims: readonly Allocation[]): Promise<Allocation[]>;
}

/** A write lost to a value another object holds. */
export interface Lost {
  ok: false;
  why: "allocated";
  taken: Allocation[];
}

type Outcome = { ok: true } | { ok: false; why: string };

function isLost(outcome: Outcome): outcome is Lost {
  return !outcome.ok && outcome.why === "allocated";
}

export interface Assigned {
  object: KubeObject;
  /** Every value the object holds once written. */
  claims: Allocation[];
}

/** Identifies a value in a set of unavailable ones. */
export function allocationKey(a: Allocation): string {
  return `${a.range}=${a.value}`;
}

export interface Allocator {
  /** On update, before defaults and validation: values the old object holds and the new one leaves empty are kept. */
  carryOver(obj: KubeObject, old: KubeObject): void;
  /**
   * A copy of `obj` with every value it needs and lacks picked outside `unavailable` (keys of
   * allocationKey), and everything it holds. A requested value outside its range or unavailable
   * is a 422; a range with nothing left to pick a 500, as in Kubernetes.
   */
  assign(obj: KubeObject, unavailable: ReadonlySet<string>): Result<Assigned>;
  /** Whether a range is small enough to read whole once a value picked from it was lost. */
  readWhole(range: string): boolean;
}

/** Tries before giving up on values lost to concurrent writers (each try learns what was taken). */
const ATTEMPTS = 8;

export type Attempt<O extends Outcome> = (assigned: Assigned) => Promise<O>;

/**
 * Assign and attempt the write until it is not lost to a taken value. What was taken is avoided
 * on the next try; for a small range (node ports) the whole range is read, so a nearly full range
 * does not cost a try per value.
 */
export async function writeClaiming<O extends Outcome>(store: ClaimStore, key: ObjectKey, allocator: Allocator, obj: KubeObject, attempt: Attempt<O>): Promise<Result<O>> {
  const unavailable = new Set<string>();
  const readWhole = new Set<string>();
  for (let i = 0; i < ATTEMPTS; i++) {
    const assigned = allocator.assign(obj, unavailable);
    if (!assigned.ok) return assigned;
    const outcome = await attempt(assigned.value);
    if (!isLost(outcome)) return { ok: true, value: outcome };
    for (const taken of outcome.taken) {
      unavailable.add(allocationKey(taken));
      if (allocator.readWhole(taken.range) && !readWhole.has(taken.range)) {
        readWhole.add(taken.range);
        for (const value of await store.allocated(taken.range, key)) unavailable.add(allocationKey({ range: taken.range, value }));
      }
    }
  }
  return { ok: false, error: internalError(`the values ${key.resource} "${key.name}" needs were taken by concurrent writes ${ATTEMPTS} times; try again`) };
}

/** A dry run claims nothing: it reports what a write would have found taken. */
export function dryRunAttempt(store: ClaimStore, key: ObjectKey, object: (assigned: Assigned) => KubeObject): Attempt<{ ok: true; object: KubeObject; rv: number } | Lost> {
  return async (assigned) => {
    const taken = await store.taken(key, assigned.claims);
    return taken.length ? { ok: false, why: "allocated", taken } : { ok: true, object: object(assigned), rv: 0 };
  };
}
