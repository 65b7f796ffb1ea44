// A pod's status as the kubelet generates it (generateAPIPodStatus, convertToAPIContainerStatuses,
// status/generate.go): container states from the runtime's attempts (waiting with a reason,
// running, terminated with exit code and times; the previous attempt as lastState), restart
// counts, readiness from probes, the phase, and the conditions PodReadyToStartContainers,
// Initialized, Ready and ContainersReady; conditions the agent does not own are kept.
// Transition times move only when a condition's status does, so an unchanged pod produces an
// identical status and the worker writes nothing.
import type { Container } from "../../apis/core/v1/container";
import type { Pod } from "../../apis/core/v1/pod";
import type { ContainerStatus, PodStatus } from "../../apis/core/v1/podstatus";
import { podQOSClass } from "../../apis/core/v1/qos";
import { rfc3339 } from "../clock";
import { containerID, isSidecar, runsOf, type ContainerRun, type ProbeView, type Waiting } from "./model";
import { podPhase } from "./phase";

type ContainerState = NonNullable<ContainerStatus["state"]>;
type Terminated = NonNullable<ContainerState["terminated"]>;
/** PodCondition; the inferred schema type does not spell out lastProbeTime. */
interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

export interface StatusInput {
  pod: Pod;
  runs: ContainerRun[];
  /** The sandbox's IP; undefined while there is no sandbox. */
  podIP?: string;
  hostIP: string;
  probes: Map<string, ProbeView>;
  waiting: Map<string, Waiting>;
  /** Prefix of container ids in status ("process", "podman", "simulated"). */
  runtime: string;
  now: number;
  /** The pod will run nothing more (deleted and stopped, failed, past its deadline). */
  terminal?: { reason?: string; message?: string };
}

/** Conditions the kubelet owns; others (PodScheduled, DisruptionTarget, readiness gates) are kept. */
const KUBELET_CONDITIONS = new Set(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"]);

/** Runtimes report times with any precision; status carries whole seconds, as metav1.Time does. */
function seconds(time: string): string {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : rfc3339(ms);
}

function terminated(run: ContainerRun, runtime: string): Terminated {
  const id = containerID(runtime, run.id);
  const s = run.state;
  if (s.state === "exited") {
    return {
      exitCode: s.exitCode,
      reason: s.reason,
      ...(s.message ? { message: s.message } : {}),
      ...(s.startedAt ? { startedAt: seconds(s.startedAt) } : {}),
      finishedAt: seconds(s.finishedAt),
      containerID: id,
    };
  }
  return { exitCode: 137, reason: "ContainerStatusUnknown", message: s.state === "unknown" ? s.message : "The container could not be located", containerID: id };
}

function containerStatus(c: Container, isInit: boolean, input: StatusInput): ContainerStatus {
  const [latest, previous] = runsOf(input.runs, c.name);
  const waiting = input.waiting.get(c.name);
  const defaultReason = (input.pod.spec?.initContainers ?? []).length > 0 ? "PodInitializing" : "ContainerCreating";
  const base = { name: c.name, image: c.image ?? "", imageID: latest?.imageID ?? "", restartCount: latest?.attempt ?? 0 };
  if (!latest) {
    // The runtime no longer has a container the API shows as finished (removed, or a runtime
    // without memory across restarts): what the API shows stays true.
    const before = [...(input.pod.status?.initContainerStatuses ?? []), ...(input.pod.status?.containerStatuses ?? [])].find((s) => s.name === c.name);
    if (!waiting && (before?.state?.terminated || before?.lastState?.terminated)) return before;
    return { ...base, state: { waiting: waiting ?? { reason: defaultReason } }, lastState: {}, ready: false, started: false };
  }
  const lastState: ContainerState = previous ? { terminated: terminated(previous, input.runtime) } : {};
  const id = containerID(input.runtime, latest.id);
  if (latest.state.state === "running") {
    const probe = input.probes.get(latest.id);
    const started = probe?.started ?? true;
    const ready = (!isInit || isSidecar(c)) && (probe?.ready ?? false);
    return { ...base, state: { running: { startedAt: seconds(latest.state.startedAt) } }, lastState, ready, started, containerID: id };
  }
  const done = terminated(latest, input.runtime);
  // A completed init container counts as ready (what Initialized checks).
  const ready = isInit && !isSidecar(c) && done.exitCode === 0;
  if (waiting && !input.terminal) return { ...base, state: { waiting }, lastState: { terminated: done }, ready: false, started: false, containerID: id };
  return { ...base, state: { terminated: done }, lastState, ready, started: false, containerID: id };
}

const listText = (names: string[]) => `[${names.join(" ")}]`;

function readiness(pod: Pod, statuses: ContainerStatus[], initStatuses: ContainerStatus[], phase: string): { status: "True" | "False"; reason?: string; message?: string } {
  if (phase === "Succeeded") return { status: "False", reason: "PodCompleted" };
  if (phase === "Failed") return { status: "False", reason: "PodFailed" };
  const unknown: string[] = [];
  const unready: string[] = [];
  const check = (c: Container, list: ContainerStatus[]) => {
    const s = list.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  };
  (pod.spec?.initContainers ?? []).filter(isSidecar).forEach((c) => check(c, initStatuses));
  (pod.spec?.containers ?? []).forEach((c) => check(c, statuses));
  const messages = [...(unknown.length ? [`containers with unknown status: ${listText(unknown)}`] : []), ...(unready.length ? [`containers with unready status: ${listText(unready)}`] : [])];
  return messages.length ? { status: "False", reason: "ContainersNotReady", message: messages.join(", ") } : { status: "True" };
}

function initialized(pod: Pod, statuses: ContainerStatus[], initStatuses: ContainerStatus[], phase: string): { status: "True" | "False"; reason?: string; message?: string } {
  const init = pod.spec?.initContainers ?? [];
  if (phase === "Succeeded") return { status: "True", reason: "PodCompleted" };
  if (statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated)) return { status: "True" };
  const incomplete = init
    .filter((c) => {
      const s = initStatuses.find((x) => x.name === c.name);
      return isSidecar(c) ? !s?.started : !s?.ready;
    })
    .map((c) => c.name);
  return incomplete.length ? { status: "False", reason: "ContainersNotInitialized", message: `containers with incomplete status: ${listText(incomplete)}` } : { status: "True" };
}

function readinessGates(pod: Pod, conditions: PodCondition[], ready: ReturnType<typeof readiness>): ReturnType<typeof readiness> {
  if (ready.status !== "True") return ready;
  const messages: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== "True") messages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  return messages.length ? { status: "False", reason: "ReadinessGatesNotReady", message: messages.join(", ") } : ready;
}

function condition(type: string, value: { status: string; reason?: string; message?: string }, previous: PodCondition[], now: number): PodCondition {
  const before = previous.find((c) => c.type === type);
  const lastTransitionTime = before?.status === value.status && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(now);
  return { type, status: value.status, lastProbeTime: null, lastTransitionTime, ...(value.reason ? { reason: value.reason } : {}), ...(value.message ? { message: value.message } : {}) };
}

export function podStatus(input: StatusInput): PodStatus {
  const { pod, now } = input;
  const old = pod.status ?? {};
  const initStatuses = (pod.spec?.initContainers ?? []).map((c) => containerStatus(c, true, input));
  const statuses = (pod.spec?.containers ?? []).map((c) => containerStatus(c, false, input));
  // A terminal phase is final: the kubelet never moves a pod out of Succeeded or Failed.
  const phase = old.phase === "Succeeded" || old.phase === "Failed" ? old.phase : podPhase(pod, initStatuses, statuses, input.terminal !== undefined);
  const previous = (old.conditions ?? []) as PodCondition[];
  const kept = previous.filter((c) => !KUBELET_CONDITIONS.has(c.type));
  if (!kept.some((c) => c.type === "PodScheduled")) kept.unshift({ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(now) });
  const conditions = [
    ...kept,
    condition("PodReadyToStartContainers", { status: input.podIP !== undefined && !input.terminal ? "True" : "False" }, previous, now),
    condition("Initialized", initialized(pod, statuses, initStatuses, phase), previous, now),
    condition("Ready", readinessGates(pod, kept, readiness(pod, statuses, initStatuses, phase)), previous, now),
    condition("ContainersReady", readiness(pod, statuses, initStatuses, phase), previous, now),
  ];
  const podIP = input.podIP ?? old.podIP;
  const status: PodStatus = {
    phase,
    conditions: conditions as PodStatus["conditions"],
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: old.startTime ?? rfc3339(now),
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    qosClass: old.qosClass ?? podQOSClass(pod.spec ?? {}),
  };
  const reason = input.terminal?.reason ?? old.reason;
  const message = input.terminal?.message ?? old.message;
  if (reason) status.reason = reason;
  if (message) status.message = message;
  if (old.nominatedNodeName) status.nominatedNodeName = old.nominatedNodeName;
  return status;
}
