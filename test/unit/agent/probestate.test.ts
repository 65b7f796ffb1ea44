import { describe, expect, test } from "vitest";
import { initialState, record, shouldProbe, timings, type ProbeKind, type ProbeState } from "../../../src/agent/pods/probestate";

const t = timings({ initialDelaySeconds: 5, periodSeconds: 2, successThreshold: 2, failureThreshold: 3 });

function feed(kind: ProbeKind, outcomes: ("success" | "failure")[]): ProbeState["result"][] {
  let state = initialState(kind);
  return outcomes.map((o) => (state = record(state, kind, o, t)).result);
}

describe("probe state machine", () => {
  test("defaults as the API sets them", () => {
    expect(timings({})).toEqual({ initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
  });

  test("initial results: liveness passes, readiness fails, startup is unknown", () => {
    expect(initialState("liveness").result).toBe("success");
    expect(initialState("readiness").result).toBe("failure");
    expect(initialState("startup").result).toBe("unknown");
  });

  test("readiness turns ready after successThreshold successes in a row, unready after failureThreshold failures", () => {
    expect(feed("readiness", ["success", "success", "failure", "failure", "success", "failure", "failure", "failure"])).toEqual([
      "failure", "success", "success", "success", "success", "success", "success", "failure",
    ]);
  });

  test("liveness fails after failureThreshold failures and then holds until a new container", () => {
    let state = initialState("liveness");
    for (const o of ["failure", "failure"] as const) state = record(state, "liveness", o, t);
    expect(state.result).toBe("success");
    state = record(state, "liveness", "failure", t);
    expect(state).toMatchObject({ result: "failure", onHold: true });
    expect(shouldProbe(state, { kind: "liveness", timings: t, startedAt: 0, started: true, now: 60_000 })).toBe(false);
  });

  test("a failed readiness probe never holds", () => {
    let state = initialState("readiness");
    for (let i = 0; i < 5; i++) state = record(state, "readiness", "failure", t);
    expect(state.onHold).toBe(false);
  });

  test("nothing is probed during the initial delay; liveness and readiness wait for startup; startup stops once passed", () => {
    const at = (kind: ProbeKind, now: number, started: boolean) => shouldProbe(initialState(kind), { kind, timings: t, startedAt: 0, started, now });
    expect(at("readiness", 4_999, true)).toBe(false);
    expect(at("readiness", 5_000, true)).toBe(true);
    expect(at("readiness", 5_000, false)).toBe(false);
    expect(at("liveness", 5_000, false)).toBe(false);
    expect(at("startup", 5_000, false)).toBe(true);
    expect(at("startup", 5_000, true)).toBe(false);
  });
});
