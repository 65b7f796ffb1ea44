import { describe, expect, test } from "vitest";
import { isPodActive, isPodAvailable, msUntilAvailable, podDeletionCost, setCondition, type StatusCondition } from "../../../src/controllers/podutil";
import { pod, T0 } from "./fixtures";

describe("availability", () => {
  const ready = pod({ name: "a", readyAt: T0 });
  test.each([
    // [minReadySeconds, now, available]
    [0, T0, true],
    [5, T0 + 4_999, false],
    [5, T0 + 5_000, false], // ready + minReady must be strictly before now
    [5, T0 + 5_001, true],
  ])("minReadySeconds %i at +%ims", (minReady, now, available) => {
    expect(isPodAvailable(ready, minReady, now)).toBe(available);
  });

  test("a pod that is not ready is never available and has no wake-up", () => {
    const p = pod({ name: "b" });
    expect(isPodAvailable(p, 0, T0)).toBe(false);
    expect(msUntilAvailable(p, 5, T0)).toBeUndefined();
  });

  test("wake-up lands just past the boundary", () => {
    expect(msUntilAvailable(ready, 5, T0 + 2_000)).toBe(3_001);
    expect(msUntilAvailable(ready, 5, T0 + 6_000)).toBeUndefined();
  });
});

describe("activity and deletion cost", () => {
  test.each([
    [{ phase: "Running" }, true],
    [{ phase: "Pending" }, true],
    [{ phase: "Succeeded" }, false],
    [{ phase: "Failed" }, false],
    [{ phase: "Running", deleting: true }, false],
  ])("%j active: %s", (o, active) => {
    expect(isPodActive(pod({ name: "p", ...o }))).toBe(active);
  });

  test.each([
    [undefined, 0],
    ["-5", -5],
    ["12", 12],
    ["x", 0],
    ["99999999999", 0],
  ])("deletion cost %j → %i", (raw, cost) => {
    expect(podDeletionCost(pod({ name: "p", annotations: raw === undefined ? undefined : { "controller.kubernetes.io/pod-deletion-cost": raw } }))).toBe(cost);
  });
});

describe("setCondition", () => {
  const old: StatusCondition[] = [
    { type: "Available", status: "True", reason: "MinimumReplicasAvailable", lastUpdateTime: "t0", lastTransitionTime: "t0" },
    { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", lastUpdateTime: "t0", lastTransitionTime: "t0" },
  ];

  test("same status and reason: nothing changes, times included", () => {
    expect(setCondition(old, { type: "Available", status: "True", reason: "MinimumReplicasAvailable", lastUpdateTime: "t1", lastTransitionTime: "t1" })).toEqual(old);
  });

  test("same status, new reason: lastTransitionTime kept, moved to the end", () => {
    const next = setCondition(old, { type: "Available", status: "True", reason: "Other", lastUpdateTime: "t1", lastTransitionTime: "t1" });
    expect(next.map((c) => c.type)).toEqual(["Progressing", "Available"]);
    expect(next[1]).toMatchObject({ reason: "Other", lastUpdateTime: "t1", lastTransitionTime: "t0" });
  });

  test("new status: both times move", () => {
    const next = setCondition(old, { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", lastUpdateTime: "t1", lastTransitionTime: "t1" });
    expect(next[1]).toMatchObject({ status: "False", lastTransitionTime: "t1" });
  });
});
