// Taint-based eviction (pkg/controller/tainteviction): a pod on a node with NoExecute taints is
// deleted as soon as one of them is not tolerated, or once the shortest tolerationSeconds among
// the tolerations it uses has run out. Here that time counts from each taint's timeAdded, so the
// decision needs no memory between passes. A taint without timeAdded counts as added long ago.
import { parseTime, rfc3339 } from "../podutil";
import { matchingToleration } from "../../scheduler/taints";
import type { Condition, PodLike, Taint } from "../../scheduler/types";

/** When the pod must go: a time in ms, `now`-or-earlier meaning at once, Infinity meaning never. */
export function evictionTime(pod: PodLike, taints: readonly Taint[]): number {
  const tolerations = pod.spec?.tolerations ?? [];
  let at = Infinity;
  for (const taint of taints) {
    if (taint.effect !== "NoExecute") continue;
    const toleration = matchingToleration(tolerations, taint);
    if (!toleration) return -Infinity;
    const seconds = toleration.tolerationSeconds;
    if (seconds === undefined || seconds === null) continue;
    const added = parseTime(taint.timeAdded) ?? 0;
    at = Math.min(at, added + Math.max(0, seconds) * 1000);
  }
  return at;
}

/** The DisruptionTarget condition the taint manager writes before deleting (PodDisruptionConditions). */
export function disruptionCondition(now: number): Condition {
  return {
    type: "DisruptionTarget",
    status: "True",
    reason: "DeletionByTaintManager",
    message: "Taint manager: deleting due to NoExecute taint",
    lastTransitionTime: rfc3339(now),
  };
}

/** Replaces (in place of the old one) or appends a pod condition; undefined when nothing but the time would change. */
export function withPodCondition(conditions: readonly Condition[] | undefined, next: Condition): Condition[] | undefined {
  const list = conditions ?? [];
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return [...list, next];
  const cur = list[i];
  if (cur.status === next.status && cur.reason === next.reason && cur.message === next.message) return undefined;
  const placed = cur.status === next.status ? { ...next, lastTransitionTime: cur.lastTransitionTime } : next;
  return list.map((c, j) => (j === i ? placed : c));
}

/** MarkPodsNotReady's change to one pod: its Ready condition, if it has one that is not False, becomes False. */
export function notReadyConditions(pod: PodLike, now: number): Condition[] | undefined {
  const list = pod.status?.conditions;
  const ready = list?.find((c) => c.type === "Ready");
  if (!list || !ready || ready.status === "False") return undefined;
  return list.map((c) => (c === ready ? { ...c, status: "False", lastTransitionTime: rfc3339(now) } : c));
}
