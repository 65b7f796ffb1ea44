// What scheduling needs from a pod, worked out once per attempt (kube-scheduler's PodInfo and
// PreFilter state) so that examining a node is cheap.
import { compilePreferred, compileRequired, type PreferredTerm, type RequiredAffinity } from "./nodeaffinity";
import { podRequests, type PodRequests } from "./resources";
import { tolerationsTolerateTaint } from "./taints";
import { TAINT_UNSCHEDULABLE, type PodLike, type Toleration, type TopologySpreadConstraint } from "./types";

export interface HostPort {
  /** "0.0.0.0" when the port binds every address. */
  ip: string;
  protocol: string;
  port: number;
}

export interface PodInfo {
  pod: PodLike;
  key: string;
  namespace: string;
  labels: Record<string, string>;
  requests: PodRequests;
  ports: HostPort[];
  tolerations: Toleration[];
  /** Tolerates node.kubernetes.io/unschedulable:NoSchedule, as DaemonSet pods do. */
  toleratesUnschedulable: boolean;
  required: RequiredAffinity | undefined;
  preferred: PreferredTerm[];
  owner: string | undefined;
  spread: TopologySpreadConstraint[];
}

export function podKey(pod: { metadata: { namespace?: string; name?: string } }): string {
  return `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;
}

/** Host ports the pod's containers claim (NodePorts' getContainerPorts: app containers, hostPort > 0). */
export function hostPortsOf(pod: PodLike): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort });
    }
  }
  return out;
}

/** uid of the controlling owner (ReplicaSet, StatefulSet, Job...). */
export function controllerUid(pod: PodLike): string | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;
}

export function preparePod(pod: PodLike): PodInfo {
  const tolerations = pod.spec?.tolerations ?? [];
  return {
    pod,
    key: podKey(pod),
    namespace: pod.metadata.namespace ?? "",
    labels: pod.metadata.labels ?? {},
    requests: podRequests(pod.spec),
    ports: hostPortsOf(pod),
    tolerations,
    toleratesUnschedulable: tolerationsTolerateTaint(tolerations, { key: TAINT_UNSCHEDULABLE, effect: "NoSchedule" }),
    required: compileRequired(pod.spec),
    preferred: compilePreferred(pod.spec),
    owner: controllerUid(pod),
    spread: pod.spec?.topologySpreadConstraints ?? [],
  };
}
