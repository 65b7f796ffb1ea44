// Taints and tolerations as k8s.io/api/core/v1 (Toleration.ToleratesTaint) and
// pkg/apis/core/v1/helper (FindMatchingUntoleratedTaint, GetMatchingTolerations) define them.
import type { Taint, Toleration } from "./types";

/** ToleratesTaint: effect and key must agree when set; "Exists" ignores the value, "Equal" (or "") compares it. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? "") {
    case "":
    case "Equal":
      return (t.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      return false;
  }
}

/** The first toleration that tolerates the taint, or undefined. */
export function matchingToleration(tolerations: readonly Toleration[], taint: Taint): Toleration | undefined {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return t;
  return undefined;
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  return matchingToleration(tolerations, taint) !== undefined;
}

/** The first taint (in the node's order) that no toleration tolerates, among those `include` selects. */
export function firstUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  include: (t: Taint) => boolean = () => true,
): Taint | undefined {
  for (const taint of taints) {
    if (include(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

/** Effects the TaintToleration filter enforces (DoNotScheduleTaintsFilterFunc). */
export function isDoNotScheduleTaint(t: Taint): boolean {
  return t.effect === "NoSchedule" || t.effect === "NoExecute";
}

/** The scheduler's wording for a taint the pod does not tolerate. */
export function untoleratedTaintReason(t: Taint): string {
  return `node(s) had untolerated taint {${t.key}: ${t.value ?? ""}}`;
}

/** Whether two taints are the same taint (key and effect identify it; the value may differ). */
export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}
