// Job conditions as the Job controller writes them (newCondition, ensureJobConditionStatus) and
// reads them (finished, its finish time for the TTL).
import { parseTime, rfc3339 } from "../podutil";
import type { Job, JobCondition } from "./types";

export function newCondition(type: string, status: string, reason: string, message: string, now: number): JobCondition {
  const condition: JobCondition = { type, status, lastProbeTime: rfc3339(now), lastTransitionTime: rfc3339(now) };
  // Reason and message are omitempty strings.
  if (reason) condition.reason = reason;
  if (message) condition.message = message;
  return condition;
}

export function findCondition(list: readonly JobCondition[] | undefined, type: string): JobCondition | undefined {
  return list?.find((c) => c.type === type);
}

export function isTrue(list: readonly JobCondition[] | undefined, type: string): boolean {
  return findCondition(list, type)?.status === "True";
}

/**
 * ensureJobConditionStatus: replace a condition of the type whose status, reason or message
 * differ, or append one, but never append a False one (from nothing to False says nothing).
 */
export function ensureCondition(list: readonly JobCondition[], next: JobCondition): { conditions: JobCondition[]; changed: boolean } {
  const i = list.findIndex((c) => c.type === next.type);
  if (i >= 0) {
    const c = list[i];
    if (c.status === next.status && (c.reason ?? "") === (next.reason ?? "") && (c.message ?? "") === (next.message ?? "")) return { conditions: [...list], changed: false };
    return { conditions: list.map((x, j) => (j === i ? next : x)), changed: true };
  }
  if (next.status === "False") return { conditions: [...list], changed: false };
  return { conditions: [...list, next], changed: true };
}

/** The interim condition of a Job that met its success criteria. */
export function isSuccessCriteria(c: JobCondition | undefined): boolean {
  return c?.type === "SuccessCriteriaMet" && c.status === "True";
}

/** The condition that finished the Job: Complete or Failed with status True (the first one listed). */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
}

/** When the Job finished (its finishing condition's transition), for the TTL; undefined if it has not. */
export function finishTime(job: Job): number | undefined {
  return parseTime(finishedCondition(job)?.lastTransitionTime);
}
