// What the agent knows about one pod's containers, as the decision functions (actions, status)
// read it: every attempt the runtime still has, plus probe results and why a container is
// waiting. Built by the pod worker; never holds API objects other than the pod itself.
import type { Container } from "../../apis/core/v1/container";
import type { Pod } from "../../apis/core/v1/pod";
import type { ContainerState } from "../runtime/types";

/** One attempt of one container, as the runtime reports it. */
export interface ContainerRun {
  id: string;
  name: string;
  /** 0 for the first run; the container's restartCount is the latest attempt's number. */
  attempt: number;
  state: ContainerState;
  imageID?: string;
}

/** The per-container results of its probes, for the attempt `containerId`. */
export interface ProbeView {
  containerId: string;
  /** Readiness: true when it has no readiness probe and is running (after any ready delay). */
  ready: boolean;
  /** Startup passed, or there is no startup probe. */
  started: boolean;
  /** Liveness or startup failed: kill and restart per policy. */
  failed?: { probe: "liveness" | "startup"; message: string };
}

export interface Waiting {
  reason: string;
  message?: string;
}

/** kubelet's runtime name for a container id in status: <runtime>://<id>. */
export function containerID(runtime: string, id: string): string {
  return `${runtime}://${id}`;
}

/** Runs of one container, newest attempt first. */
export function runsOf(runs: ContainerRun[], name: string): ContainerRun[] {
  return runs.filter((r) => r.name === name).sort((a, b) => b.attempt - a.attempt);
}

/** A restartable init container: a sidecar (restartPolicy Always on an init container). */
export function isSidecar(c: Container): boolean {
  return c.restartPolicy === "Always";
}

export function restartPolicy(pod: Pod): "Always" | "OnFailure" | "Never" {
  const p = pod.spec?.restartPolicy;
  return p === "OnFailure" || p === "Never" ? p : "Always";
}

/** Whether a container that exited with `exitCode` is started again under the pod's policy. */
export function shouldRestart(policy: "Always" | "OnFailure" | "Never", exitCode: number): boolean {
  return policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
}

export function exitCodeOf(state: ContainerState): number | undefined {
  if (state.state === "exited") return state.exitCode;
  // A container the runtime lost counts as failed (the kubelet's ContainerStatusUnknown, 137).
  if (state.state === "unknown") return 137;
  return undefined;
}

export function finishedAtOf(state: ContainerState, fallback: number): number {
  return state.state === "exited" ? Date.parse(state.finishedAt) : fallback;
}
