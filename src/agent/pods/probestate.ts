// The probe state machine of one probe of one container (kubelet prober/worker.go doProbe):
// when a probe is due, and how an outcome moves the result. A result changes only after
// successThreshold consecutive successes or failureThreshold consecutive failures; liveness
// starts as success, readiness as failure, startup as unknown; liveness and readiness wait
// until the startup probe has passed; a failed liveness or startup probe puts the worker on
// hold until the container is replaced.
import type { Probe } from "../../apis/core/v1/container";

export type ProbeKind = "liveness" | "readiness" | "startup";
export type ProbeResult = "success" | "failure" | "unknown";

export interface ProbeTimings {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The probe's timing fields with the API's defaults (period 10 s, timeout 1 s, thresholds 1 and 3). */
export function timings(probe: Probe): ProbeTimings {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, probe.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, probe.timeoutSeconds ?? 1) * 1000,
    successThreshold: Math.max(1, probe.successThreshold ?? 1),
    failureThreshold: Math.max(1, probe.failureThreshold ?? 3),
  };
}

export interface ProbeState {
  /** What the rest of the agent acts on. */
  result: ProbeResult;
  /** The last raw outcome and how many times in a row it came. */
  last?: "success" | "failure";
  run: number;
  /** Liveness or startup failed: no more probing until a new container. */
  onHold: boolean;
}

export function initialState(kind: ProbeKind): ProbeState {
  return { result: kind === "liveness" ? "success" : kind === "readiness" ? "failure" : "unknown", run: 0, onHold: false };
}

export interface DueInput {
  kind: ProbeKind;
  timings: ProbeTimings;
  /** When the container started running. */
  startedAt: number;
  /** Whether the container's startup probe has passed (true when it has none). */
  started: boolean;
  now: number;
}

/** Whether to run the probe at this tick (the tick itself comes every periodMs). */
export function shouldProbe(state: ProbeState, input: DueInput): boolean {
  if (state.onHold) return false;
  if (input.now - input.startedAt < input.timings.initialDelayMs) return false;
  // Startup stops once passed; the others wait for it.
  return input.kind === "startup" ? !input.started : input.started;
}

/** The state after one probe outcome. */
export function record(state: ProbeState, kind: ProbeKind, outcome: "success" | "failure", t: ProbeTimings): ProbeState {
  const run = state.last === outcome ? state.run + 1 : 1;
  const threshold = outcome === "success" ? t.successThreshold : t.failureThreshold;
  if (run < threshold) return { ...state, last: outcome, run };
  const failedFatally = outcome === "failure" && kind !== "readiness";
  return { result: outcome, last: outcome, run: failedFatally ? 0 : run, onHold: failedFatally };
}
