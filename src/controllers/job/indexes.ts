// Indexed Jobs: completion indexes of pods and sets of indexes as ordered intervals, written the
// way status.completedIndexes and status.failedIndexes show them ("1,3-5,7": a pair of
// neighbours is written "3,4", a longer run "3-5"), as Kubernetes' indexed_job_utils does.
import type { Pod } from "../podutil";
import { COMPLETION_INDEX } from "./types";

export interface Interval {
  first: number;
  last: number;
}

export type Intervals = readonly Interval[];

const INTEGER = /^[+-]?\d+$/;

/** getCompletionIndex: the pod's index, or undefined when it has none or it is malformed. */
export function completionIndex(pod: Pod): number | undefined {
  const raw = pod.metadata.annotations?.[COMPLETION_INDEX];
  if (raw === undefined || !INTEGER.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 0 && Number.isSafeInteger(n) ? n : undefined;
}

/** completionIndex, when it is within the Job's completions. */
export function validIndex(pod: Pod, completions: number): number | undefined {
  const ix = completionIndex(pod);
  return ix !== undefined && ix < completions ? ix : undefined;
}

/**
 * parseIndexesFromString: lenient, because the string comes from status a user may have
 * written: malformed parts are skipped, indexes from `completions` on are dropped.
 */
export function parseIndexes(text: string | undefined, completions: number): Interval[] {
  const out: Interval[] = [];
  for (const part of (text ?? "").split(",")) {
    const [a, b] = part.split("-");
    if (!INTEGER.test(a) || (b !== undefined && !INTEGER.test(b))) continue;
    const first = Number(a);
    if (first >= completions) break;
    const last = b === undefined ? first : Math.min(Number(b), completions - 1);
    const prev = out[out.length - 1];
    if (prev && prev.last === first - 1) prev.last = last;
    else out.push({ first, last });
  }
  return out;
}

/** The union of two ordered interval lists, neighbours joined. */
export function mergeIntervals(a: Intervals, b: Intervals): Interval[] {
  const out: Interval[] = [];
  const add = (next: Interval) => {
    const last = out[out.length - 1];
    if (!last || next.first > last.last + 1) out.push({ ...next });
    else if (last.last < next.last) last.last = next.last;
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].first < b[j].first)) add(a[i++]);
    else add(b[j++]);
  }
  return out;
}

/** withOrderedIndexes: `intervals` plus single indexes given in increasing order. */
export function withIndexes(intervals: Intervals, indexes: Iterable<number>): Interval[] {
  const sorted = [...new Set(indexes)].sort((x, y) => x - y);
  return mergeIntervals(
    intervals,
    sorted.map((ix) => ({ first: ix, last: ix })),
  );
}

export function totalIndexes(intervals: Intervals): number {
  return intervals.reduce((sum, iv) => sum + iv.last - iv.first + 1, 0);
}

export function hasIndex(intervals: Intervals | undefined, ix: number): boolean {
  return (intervals ?? []).some((iv) => iv.first <= ix && ix <= iv.last);
}

export function formatIntervals(intervals: Intervals): string {
  return intervals.map((iv) => (iv.last === iv.first ? `${iv.first}` : `${iv.first}${iv.last === iv.first + 1 ? "," : "-"}${iv.last}`)).join(",");
}

export function indexesOf(pods: readonly Pod[]): Set<number> {
  const out = new Set<number>();
  for (const p of pods) {
    const ix = completionIndex(p);
    if (ix !== undefined) out.add(ix);
  }
  return out;
}

/** firstPendingIndexes: the first `count` indexes below `completions` that are not in `taken`. */
export function firstPendingIndexes(taken: Intervals, count: number, completions: number): number[] {
  const out: number[] = [];
  let candidate = 0;
  for (const iv of [...taken, { first: completions, last: completions }]) {
    for (; candidate < Math.min(iv.first, completions) && out.length < count; candidate++) out.push(candidate);
    candidate = Math.max(candidate, iv.last + 1);
  }
  return out;
}

/**
 * appendDuplicatedIndexPodsForRemoval: pods without an index or with one out of range are all
 * removed; of several pods with the same index all but one go, `keepLast` choosing the one to keep
 * among them (the last in deletion order). Returns what goes and what stays.
 */
export function duplicatedIndexPods(pods: readonly Pod[], completions: number, keepLast: (same: Pod[]) => Pod[]): { remove: Pod[]; keep: Pod[] } {
  const byIndex = new Map<number, Pod[]>();
  const remove: Pod[] = [];
  for (const p of pods) {
    const ix = validIndex(p, completions);
    if (ix === undefined) remove.push(p);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
  }
  const keep: Pod[] = [];
  for (const ix of [...byIndex.keys()].sort((x, y) => x - y)) {
    const ordered = keepLast(byIndex.get(ix) ?? []);
    remove.push(...ordered.slice(0, -1));
    keep.push(ordered[ordered.length - 1]);
  }
  return { remove, keep };
}
