// Which pods a ReplicaSet deletes first when it has too many: Kubernetes' ActivePodsWithRanks
// (pkg/controller/controller_utils.go) with the PodDeletionCost and LogarithmicScaleDown
// behaviour that is on by default. The earlier a pod sorts, the sooner it goes:
//   1. unscheduled before scheduled
//   2. Pending before Unknown before Running
//   3. not ready before ready
//   4. lower controller.kubernetes.io/pod-deletion-cost first
//   5. more active related pods on the same node first (spread what is left)
//   6. both ready: ready for less time first
//   7. more container restarts first
//   8. newer first
// In 6 and 8 times compare in log2 buckets of their age, ties broken by uid, so that pods of
// about the same age go in a pseudo-random but stable order. A final tie goes by name, so that
// deciding twice on the same state deletes the same pods.
import { isPodActive, isPodReady, maxContainerRestarts, parseTime, podDeletionCost, podReadyTime, type Pod } from "../podutil";

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

interface Ranked {
  pod: Pod;
  /** Active related pods on this pod's node. */
  rank: number;
}

/** log2 bucket of an age in nanoseconds (Go's time.Duration), -1 for a time not in the past. */
function logBucket(at: number, now: number): number {
  const ns = (now - at) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/**
 * Go's afterOrZero and logarithmic comparison of two times: true when `a` should go first.
 * Undefined means "no time" (Go's zero time), which goes first.
 */
function newerFirst(a: Ranked, ta: number | undefined, b: Ranked, tb: number | undefined, now: number): boolean {
  if (ta === undefined || tb === undefined) return ta === undefined;
  const diff = logBucket(ta, now) - logBucket(tb, now);
  if (diff === 0) return (a.pod.metadata.uid ?? "") < (b.pod.metadata.uid ?? "");
  return diff < 0;
}

/** ActivePodsWithRanks.Less: whether `a` should be deleted before `b`; undefined when no rule decides. */
function less(a: Ranked, b: Ranked, now: number): boolean | undefined {
  const na = a.pod.spec?.nodeName ?? "";
  const nb = b.pod.spec?.nodeName ?? "";
  if (na !== nb && (na === "" || nb === "")) return na === "";
  const pa = PHASE_ORDINAL[a.pod.status?.phase ?? ""] ?? 0;
  const pb = PHASE_ORDINAL[b.pod.status?.phase ?? ""] ?? 0;
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a.pod);
  if (ra !== isPodReady(b.pod)) return !ra;
  const ca = podDeletionCost(a.pod);
  const cb = podDeletionCost(b.pod);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra) {
    const ta = podReadyTime(a.pod);
    const tb = podReadyTime(b.pod);
    if (ta !== tb) return newerFirst(a, ta, b, tb, now);
  }
  const xa = maxContainerRestarts(a.pod);
  const xb = maxContainerRestarts(b.pod);
  if (xa !== xb) return xa > xb;
  const ka = parseTime(a.pod.metadata.creationTimestamp);
  const kb = parseTime(b.pod.metadata.creationTimestamp);
  if (ka !== kb) return newerFirst(a, ka, b, kb, now);
  return undefined;
}

function compare(a: Ranked, b: Ranked, now: number): number {
  const ab = less(a, b, now);
  if (ab !== undefined) return ab ? -1 : less(b, a, now) ? 1 : 0;
  const x = a.pod.metadata.name ?? "";
  const y = b.pod.metadata.name ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Pods in deletion-preference order (the first is deleted first). */
export function rankPodsForDeletion(pods: readonly Pod[], relatedPods: readonly Pod[], now: number): Pod[] {
  const onNode = new Map<string, number>();
  for (const p of relatedPods) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? "";
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? "") ?? 0 }));
  return ranked.sort((a, b) => compare(a, b, now)).map((r) => r.pod);
}

/** getPodsToDelete: the `count` pods to delete, the most expendable first. */
export function podsToDelete(pods: readonly Pod[], relatedPods: readonly Pod[], count: number, now: number): Pod[] {
  return rankPodsForDeletion(pods, relatedPods, now).slice(0, Math.max(0, count));
}
