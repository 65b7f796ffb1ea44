// Which nodes run a daemon pod (daemon_controller.go NodeShouldRunDaemonPod, with the scheduler's
// own predicates: node name, nodeSelector and required node affinity, taints), the tolerations
// every daemon pod gets (util.AddOrUpdateDaemonPodTolerations), and how a daemon pod names its
// node before it is bound (required node affinity on metadata.name, util.GetTargetNodeName).
import { compileRequired, requiredMatches } from "../../scheduler/nodeaffinity";
import { firstUntoleratedTaint, isDoNotScheduleTaint } from "../../scheduler/taints";
import {
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  type NodeLike,
  type NodeSelectorTerm,
  type PodSpecLike,
  type Toleration,
} from "../../scheduler/types";
import type { Pod } from "../podutil";
import type { DaemonSet } from "./types";

/** v1 Toleration.MatchToleration: the same key, operator, value and effect. */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? "") === (b.key ?? "") && (a.operator ?? "") === (b.operator ?? "") && (a.value ?? "") === (b.value ?? "") && (a.effect ?? "") === (b.effect ?? "");
}

/** AddOrUpdateTolerationInPodSpec: a matching toleration is replaced in place (dropping its tolerationSeconds), a new one appended. */
function addOrUpdateToleration(tolerations: readonly Toleration[], toleration: Toleration): Toleration[] {
  const at = tolerations.findIndex((t) => sameToleration(t, toleration));
  if (at < 0) return [...tolerations, toleration];
  return tolerations.map((t, i) => (i === at ? toleration : t));
}

const exists = (key: string, effect: string): Toleration => ({ key, operator: "Exists", effect });

/**
 * The tolerations of a daemon pod: forever on not-ready and unreachable nodes (the node lifecycle
 * controller must not evict it), and past the pressure, cordon and, for host-network pods,
 * network-unavailable taints.
 */
export function daemonPodTolerations(spec: PodSpecLike & { hostNetwork?: boolean }): Toleration[] {
  const wanted = [
    exists(TAINT_NOT_READY, "NoExecute"),
    exists(TAINT_UNREACHABLE, "NoExecute"),
    exists(TAINT_DISK_PRESSURE, "NoSchedule"),
    exists(TAINT_MEMORY_PRESSURE, "NoSchedule"),
    exists(TAINT_PID_PRESSURE, "NoSchedule"),
    exists(TAINT_UNSCHEDULABLE, "NoSchedule"),
  ];
  if (spec.hostNetwork) wanted.push(exists(TAINT_NETWORK_UNAVAILABLE, "NoSchedule"));
  return wanted.reduce(addOrUpdateToleration, spec.tolerations ?? []);
}

export interface NodeFit {
  /** The node should run a daemon pod if it has none. */
  shouldRun: boolean;
  /** A daemon pod already on the node may stay. */
  shouldContinueRunning: boolean;
}

const NO_FIT: NodeFit = { shouldRun: false, shouldContinueRunning: false };

/** What decides a DaemonSet's fit on any node, worked out once per pass. */
export interface DaemonSetPlacement {
  fit(node: NodeLike): NodeFit;
}

/**
 * NodeShouldRunDaemonPod: the template's nodeName (if any) must be the node, its nodeSelector and
 * required node affinity must match, and every NoSchedule/NoExecute taint must be tolerated (with
 * the daemon tolerations added). A node whose only untolerated taints are NoSchedule keeps the pod
 * it has but gets no new one.
 */
export function placementOf(ds: DaemonSet): DaemonSetPlacement {
  const spec = (ds.spec?.template?.spec ?? {}) as PodSpecLike & { hostNetwork?: boolean };
  const required = compileRequired(spec);
  const tolerations = daemonPodTolerations(spec);
  return {
    fit(node: NodeLike): NodeFit {
      const name = node.metadata.name ?? "";
      if (spec.nodeName && spec.nodeName !== name) return NO_FIT;
      if (required && !requiredMatches(required, node.metadata.labels ?? {}, name)) return NO_FIT;
      const taints = node.spec?.taints ?? [];
      if (!firstUntoleratedTaint(taints, tolerations, isDoNotScheduleTaint)) return { shouldRun: true, shouldContinueRunning: true };
      return { shouldRun: false, shouldContinueRunning: !firstUntoleratedTaint(taints, tolerations, (t) => t.effect === "NoExecute") };
    },
  };
}

/** The required node selector term that pins a pod to one node. */
function pinnedTerm(nodeName: string): NodeSelectorTerm {
  return { matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] };
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required node affinity becomes the one term
 * naming the node, so that the scheduler binds it there; preferred terms and pod affinity stay.
 */
export function pinToNode(spec: Record<string, unknown>, nodeName: string): Record<string, unknown> {
  const affinity = (spec.affinity ?? {}) as { nodeAffinity?: Record<string, unknown>; [k: string]: unknown };
  const required = { nodeSelectorTerms: [pinnedTerm(nodeName)] };
  const nodeAffinity = { ...affinity.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required };
  return { ...spec, affinity: { ...affinity, nodeAffinity } };
}

/**
 * GetTargetNodeName: spec.nodeName once bound, otherwise the single metadata.name the required
 * node affinity names; undefined for a pod that names no node (Kubernetes skips those).
 */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const spec = pod.spec as PodSpecLike | undefined;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const r of term.matchFields ?? []) {
      if (r.key === "metadata.name" && r.operator === "In") return r.values?.length === 1 ? r.values[0] : undefined;
    }
  }
  return undefined;
}
