// The Node object the agent registers and the status it reports, as plain functions of what it
// knows about the machine (kubelet's nodestatus setters): capacity and allocatable, labels,
// addresses, the four conditions with their heartbeat and transition times, nodeInfo.
import type { Node } from "../../apis/core/v1/node";
import { rfc3339 } from "../clock";
import type { MachineFacts } from "./machine";

export const KUBELET_VERSION = "v1.32.0-edgeplane";
export const MAX_PODS = 110;

type NodeStatus = NonNullable<Node["status"]>;
type NodeCondition = NonNullable<NodeStatus["conditions"]>[number];

/** kubelet's default hard eviction thresholds, which it subtracts from capacity for allocatable. */
const EVICTION_MEMORY_BYTES = 100 * 1024 * 1024;
const EVICTION_DISK_FRACTION = 0.1;
/** There is no default PID threshold in the kubelet; this one only flags a machine near its limit. */
const PID_PRESSURE_FRACTION = 0.95;

const ki = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

export function nodeLabels(name: string, facts: Pick<MachineFacts, "os" | "arch">): Record<string, string> {
  return {
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": facts.os,
    "kubernetes.io/arch": facts.arch,
    "beta.kubernetes.io/os": facts.os,
    "beta.kubernetes.io/arch": facts.arch,
  };
}

export function capacity(facts: MachineFacts, maxPods = MAX_PODS): Record<string, string> {
  return { cpu: String(facts.cpus), memory: ki(facts.memoryBytes), "ephemeral-storage": ki(facts.diskBytes), pods: String(maxPods) };
}

export function allocatable(facts: MachineFacts, maxPods = MAX_PODS): Record<string, string> {
  return {
    cpu: String(facts.cpus),
    memory: ki(Math.max(0, facts.memoryBytes - EVICTION_MEMORY_BYTES)),
    "ephemeral-storage": String(Math.floor(facts.diskBytes * (1 - EVICTION_DISK_FRACTION))),
    pods: String(maxPods),
  };
}

export interface Pressure {
  memory: boolean;
  disk: boolean;
  pid: boolean;
}

export function pressure(facts: MachineFacts): Pressure {
  return {
    memory: facts.memoryAvailableBytes < EVICTION_MEMORY_BYTES,
    disk: facts.diskBytes > 0 && facts.diskAvailableBytes / facts.diskBytes < EVICTION_DISK_FRACTION,
    pid: facts.pids ? facts.pids.used / facts.pids.max > PID_PRESSURE_FRACTION : false,
  };
}

interface ConditionText {
  status: "True" | "False";
  reason: string;
  message: string;
}

function conditionTexts(p: Pressure, ready: { ready: boolean; message?: string }): [string, ConditionText][] {
  return [
    ["MemoryPressure", p.memory ? { status: "True", reason: "KubeletHasInsufficientMemory", message: "kubelet has insufficient memory available" } : { status: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available" }],
    ["DiskPressure", p.disk ? { status: "True", reason: "KubeletHasDiskPressure", message: "kubelet has disk pressure" } : { status: "False", reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure" }],
    ["PIDPressure", p.pid ? { status: "True", reason: "KubeletHasInsufficientPID", message: "kubelet has insufficient PID available" } : { status: "False", reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available" }],
    ["Ready", ready.ready ? { status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" } : { status: "False", reason: "KubeletNotReady", message: ready.message ?? "container runtime is down" }],
  ];
}

/** Conditions with a fresh heartbeat; a transition time moves only when the status does. */
export function nodeConditions(p: Pressure, ready: { ready: boolean; message?: string }, previous: NodeCondition[] | undefined, now: number): NodeCondition[] {
  const at = rfc3339(now);
  return conditionTexts(p, ready).map(([type, text]) => {
    const before = previous?.find((c) => c.type === type);
    const lastTransitionTime = before && before.status === text.status && before.lastTransitionTime ? before.lastTransitionTime : at;
    return { type, ...text, lastHeartbeatTime: at, lastTransitionTime };
  });
}

export interface StatusInput {
  facts: MachineFacts;
  internalIP: string;
  runtimeVersion: string;
  ready: { ready: boolean; message?: string };
  previous?: NodeStatus;
  now: number;
  maxPods?: number;
}

export function nodeStatus(input: StatusInput): NodeStatus {
  const { facts } = input;
  return {
    capacity: capacity(facts, input.maxPods),
    allocatable: allocatable(facts, input.maxPods),
    conditions: nodeConditions(pressure(facts), input.ready, input.previous?.conditions, input.now),
    addresses: [
      { type: "InternalIP", address: input.internalIP },
      { type: "Hostname", address: facts.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: {
      machineID: facts.machineID,
      systemUUID: facts.systemUUID,
      bootID: facts.bootID,
      kernelVersion: facts.kernelVersion,
      osImage: facts.osImage,
      containerRuntimeVersion: input.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: "",
      operatingSystem: facts.os,
      architecture: facts.arch,
    },
  };
}

/** Whether two statuses differ in anything but heartbeat times (what decides an early report). */
export function statusChanged(a: NodeStatus | undefined, b: NodeStatus): boolean {
  if (!a) return true;
  const strip = (s: NodeStatus) => ({ ...s, conditions: (s.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
  return JSON.stringify(strip(a)) !== JSON.stringify(strip(b));
}
