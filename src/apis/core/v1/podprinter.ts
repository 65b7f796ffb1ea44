// The `kubectl get pods` cells as Kubernetes' printPod computes them: READY, STATUS (with
// Init:x/y, waiting/terminated reasons, Terminating...), RESTARTS with "(5m ago)", and the wide
// IP / NODE / NOMINATED NODE / READINESS GATES columns.
import { age, ageColumn, orNone } from "../../printers";
import type { KubeObject, PrinterColumn } from "../../types";
import type { Container } from "./container";
import type { PodSpec } from "./podspec";
import type { ContainerStatus, PodStatus } from "./podstatus";

interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: PodStatus;
}

const NODE_UNREACHABLE_POD_REASON = "NodeLost";

interface Summary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** Finish time of the most recent restart counted, ms since the epoch (0: none). */
  lastRestart: number;
}

function isSidecar(c: Container | undefined): boolean {
  return c?.restartPolicy === "Always";
}

function finishedAt(cs: ContainerStatus): number {
  const t = cs.lastState?.terminated?.finishedAt;
  return t ? Date.parse(t) || 0 : 0;
}

function conditionTrue(status: PodStatus, type: string): boolean {
  return (status.conditions ?? []).some((c) => c.type === type && c.status === "True");
}

/** "Init:<reason>" for a failed or waiting init container, or undefined when it is done. */
function initReason(cs: ContainerStatus, index: number, total: number, sidecar: boolean): string | undefined {
  const { terminated, waiting } = cs.state ?? {};
  if (terminated && terminated.exitCode === 0) return undefined;
  if (sidecar && cs.started) return undefined;
  if (terminated) {
    if (terminated.reason) return `Init:${terminated.reason}`;
    return terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
  }
  if (waiting?.reason && waiting.reason !== "PodInitializing") return `Init:${waiting.reason}`;
  return `Init:${index}/${total}`;
}

function summarizePod(pod: Pod): Summary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initSpecs = new Map((spec.initContainers ?? []).map((c) => [c.name, c]));
  const s: Summary = { ready: 0, total: (spec.containers ?? []).length + [...initSpecs.values()].filter(isSidecar).length, reason: status.reason || status.phase || "", restarts: 0, lastRestart: 0 };
  if ((status.conditions ?? []).some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) s.reason = "SchedulingGated";

  let sidecarRestarts = 0;
  let sidecarLastRestart = 0;
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (const [i, cs] of initStatuses.entries()) {
    const sidecar = isSidecar(initSpecs.get(cs.name));
    s.restarts += cs.restartCount;
    s.lastRestart = Math.max(s.lastRestart, finishedAt(cs));
    if (sidecar) {
      sidecarRestarts += cs.restartCount;
      sidecarLastRestart = Math.max(sidecarLastRestart, finishedAt(cs));
    }
    const reason = initReason(cs, i, initSpecs.size, sidecar);
    // A started sidecar counts towards READY (one that exited 0 does not).
    if (sidecar && cs.started && cs.ready && cs.state?.terminated?.exitCode !== 0) s.ready++;
    if (reason === undefined) continue;
    s.reason = reason;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, "Initialized")) {
    s.restarts = sidecarRestarts;
    s.lastRestart = sidecarLastRestart;
    let hasRunning = false;
    // Backwards, so that the first container's reason is the one that shows.
    for (const cs of [...(status.containerStatuses ?? [])].reverse()) {
      s.restarts += cs.restartCount;
      s.lastRestart = Math.max(s.lastRestart, finishedAt(cs));
      const { waiting, terminated, running } = cs.state ?? {};
      if (waiting?.reason) s.reason = waiting.reason;
      else if (terminated?.reason) s.reason = terminated.reason;
      else if (terminated) s.reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (cs.ready && running) {
        hasRunning = true;
        s.ready++;
      }
    }
    if (s.reason === "Completed" && hasRunning) s.reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
  }

  const terminal = status.phase === "Succeeded" || status.phase === "Failed";
  if (pod.metadata.deletionTimestamp && status.reason === NODE_UNREACHABLE_POD_REASON) s.reason = "Unknown";
  else if (pod.metadata.deletionTimestamp && !terminal) s.reason = "Terminating";
  return s;
}

function restartsCell(s: Summary, now: Date): string {
  if (s.restarts === 0 || s.lastRestart === 0) return String(s.restarts);
  return `${s.restarts} (${age(new Date(s.lastRestart).toISOString(), now)} ago)`;
}

function readinessGatesCell(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  const conditions = pod.status?.conditions ?? [];
  const ready = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === "True").length;
  return `${ready}/${gates.length}`;
}

const asPod = (obj: KubeObject) => obj as Pod;

export const podColumns: PrinterColumn[] = [
  {
    name: "Ready",
    type: "string",
    description: "The aggregate readiness state of this pod for accepting traffic.",
    cell: (obj) => {
      const s = summarizePod(asPod(obj));
      return `${s.ready}/${s.total}`;
    },
  },
  { name: "Status", type: "string", description: "The aggregate status of the containers in this pod.", cell: (obj) => summarizePod(asPod(obj)).reason },
  { name: "Restarts", type: "string", description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", cell: (obj, now) => restartsCell(summarizePod(asPod(obj)), now) },
  ageColumn(),
  {
    name: "IP",
    type: "string",
    priority: 1,
    description: "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
    cell: (obj) => orNone(asPod(obj).status?.podIPs?.[0]?.ip),
  },
  {
    name: "Node",
    type: "string",
    priority: 1,
    description: "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
    cell: (obj) => orNone(asPod(obj).spec?.nodeName),
  },
  {
    name: "Nominated Node",
    type: "string",
    priority: 1,
    description: "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
    cell: (obj) => orNone(asPod(obj).status?.nominatedNodeName),
  },
  {
    name: "Readiness Gates",
    type: "string",
    priority: 1,
    description: "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
    cell: (obj) => readinessGatesCell(asPod(obj)),
  },
];
