// The taints the node lifecycle controller owns (doNoScheduleTaintingPass and
// doNoExecuteTaintingPass): a NoSchedule taint per unhealthy condition and for a cordoned node,
// and the not-ready or unreachable NoExecute taint that drives evictions. Other taints are left
// exactly as they are; an added taint gets timeAdded now, as SwapNodeControllerTaint sets it.
import { rfc3339 } from "../podutil";
import {
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  type Condition,
  type Taint,
} from "../../scheduler/types";
import { sameTaint } from "../../scheduler/taints";

/** nodeConditionToTaintKeyStatusMap: which condition status earns which NoSchedule taint. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};

const NO_SCHEDULE_KEYS = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_UNSCHEDULABLE]);
const NO_EXECUTE_KEYS = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

function isManaged(t: Taint): boolean {
  return (t.effect === "NoSchedule" && NO_SCHEDULE_KEYS.has(t.key)) || (t.effect === "NoExecute" && NO_EXECUTE_KEYS.has(t.key));
}

/** The controller's taints for these conditions, without times. */
export function wantedTaints(conditions: readonly Condition[], unschedulable: boolean): Taint[] {
  const out: Taint[] = [];
  for (const c of conditions) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) out.push({ key, effect: "NoSchedule" });
  }
  if (unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: "NoSchedule" });
  const ready = conditions.find((c) => c.type === "Ready")?.status;
  if (ready === "False") out.push({ key: TAINT_NOT_READY, effect: "NoExecute" });
  if (ready === "Unknown") out.push({ key: TAINT_UNREACHABLE, effect: "NoExecute" });
  return out;
}

/**
 * The node's taints with the controller's brought in line: unwanted managed taints removed, wanted
 * ones kept (with their timeAdded) or appended with timeAdded now. When not-ready:NoExecute
 * replaces unreachable:NoExecute or the other way round, the new taint inherits the old one's
 * timeAdded: Kubernetes' taint manager keeps the eviction it had already scheduled in that case,
 * and evictions here count from timeAdded.
 */
export function reconcileTaints(current: readonly Taint[], wanted: readonly Taint[], now: number): Taint[] {
  const kept = current.filter((t) => !isManaged(t) || wanted.some((w) => sameTaint(w, t)));
  const swappedFrom = current.find((t) => t.effect === "NoExecute" && NO_EXECUTE_KEYS.has(t.key))?.timeAdded;
  for (const w of wanted) {
    if (kept.some((t) => sameTaint(t, w))) continue;
    const inherited = w.effect === "NoExecute" ? swappedFrom : undefined;
    kept.push({ ...w, timeAdded: inherited ?? rfc3339(now) });
  }
  return kept;
}

export function taintsEqual(a: readonly Taint[], b: readonly Taint[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
