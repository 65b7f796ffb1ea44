// Node health as pkg/controller/nodelifecycle judges it (tryUpdateNodeHealth): the last sign of
// life is the later of the Lease's renewTime and the Ready condition's lastHeartbeatTime; once it
// is older than the grace period the controller sets the kubelet's conditions to Unknown. A node
// that has never posted a Ready condition gets the longer startup grace period.
import { parseTime, rfc3339 } from "../podutil";
import type { Condition, LeaseLike, NodeLike } from "../../scheduler/types";

/** nodeMonitorGracePeriod and nodeStartupGracePeriod, kube-controller-manager's defaults. */
export const DEFAULT_GRACE_PERIOD_MS = 40_000;
export const DEFAULT_STARTUP_GRACE_PERIOD_MS = 60_000;

/** The conditions the controller overrides; NetworkUnavailable belongs to the network plugin and is left alone. */
const KUBELET_CONDITIONS = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

export interface HealthOptions {
  gracePeriodMs?: number;
  startupGracePeriodMs?: number;
}

export function readyCondition(node: NodeLike): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready");
}

/**
 * When the node stops counting as alive: last sign of life plus the grace period. Undefined when
 * nothing about the node carries a time (nothing to judge it by). The caller can set an alarm
 * for it; decideNode does not, so that idle healthy nodes cost no alarms.
 */
export function healthDeadline(node: NodeLike, lease: LeaseLike | undefined, opts: HealthOptions = {}): number | undefined {
  const ready = readyCondition(node);
  const times = [parseTime(lease?.spec?.renewTime), parseTime(ready?.lastHeartbeatTime)];
  if (!ready) times.push(parseTime(node.metadata.creationTimestamp));
  const seen = times.filter((t): t is number => t !== undefined);
  if (seen.length === 0) return undefined;
  const grace = ready ? (opts.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS) : (opts.startupGracePeriodMs ?? DEFAULT_STARTUP_GRACE_PERIOD_MS);
  return Math.max(...seen) + grace;
}

/** Whether the node has been silent for longer than its grace period (probeTimestamp + grace before now). */
export function isSilent(node: NodeLike, lease: LeaseLike | undefined, now: number, opts: HealthOptions = {}): boolean {
  const deadline = healthDeadline(node, lease, opts);
  return deadline !== undefined && deadline < now;
}

/**
 * The conditions of a silent node: each kubelet condition goes Unknown with NodeStatusUnknown /
 * "Kubelet stopped posting node status." (its lastTransitionTime set when the status changes), and
 * one never posted is added with NodeStatusNeverUpdated / "Kubelet never posted node status.".
 */
export function silentConditions(node: NodeLike, now: number): Condition[] {
  const out = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  const at = rfc3339(now);
  for (const type of KUBELET_CONDITIONS) {
    const current = out.find((c) => c.type === type);
    if (!current) {
      out.push({
        type,
        status: "Unknown",
        reason: "NodeStatusNeverUpdated",
        message: "Kubelet never posted node status.",
        lastHeartbeatTime: node.metadata.creationTimestamp,
        lastTransitionTime: at,
      });
    } else if (current.status !== "Unknown") {
      Object.assign(current, { status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: at });
    }
  }
  return out;
}

export function conditionsEqual(a: readonly Condition[] | undefined, b: readonly Condition[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}
