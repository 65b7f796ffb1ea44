import { describe, expect, test } from "vitest";
import { maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts, scaledValue, type IntOrPercent } from "../../../src/controllers/deployment";
import { appendRevisionHistory } from "../../../src/controllers/deployment";
import { deployment, replicaSet } from "./fixtures";

describe("resolveFenceposts", () => {
  test.each<[number, IntOrPercent, IntOrPercent, number, number]>([
    // replicas, maxSurge, maxUnavailable → surge (rounds up), unavailable (rounds down)
    [10, "25%", "25%", 3, 2],
    [1, "25%", "25%", 1, 0],
    [4, "25%", "25%", 1, 1],
    [3, "25%", "25%", 1, 0],
    [100, "25%", "25%", 25, 25],
    [2, "0%", "1%", 0, 1], // both resolve to 0 → one may be unavailable
    [1, "0%", "1%", 0, 1],
    [2, "1%", "25%", 1, 0],
    [2, "1%", "0%", 1, 0],
    [10, 0, 1, 0, 1],
    [10, 3, 2, 3, 2],
    [10, "100%", "100%", 10, 10],
    [0, "25%", "25%", 0, 1],
  ])("replicas %i, surge %j, unavailable %j → %i, %i", (replicas, surge, unavailable, wantSurge, wantUnavailable) => {
    expect(resolveFenceposts(surge, unavailable, replicas)).toEqual({ surge: wantSurge, unavailable: wantUnavailable });
  });

  test.each([
    ["25%", 10, true, 3],
    ["25%", 10, false, 2],
    ["33%", 3, true, 1],
    ["33%", 3, false, 0],
    [5, 10, true, 5],
    ["five", 10, true, undefined],
  ])("scaledValue(%j of %i, up %s) → %j", (v, total, up, want) => {
    expect(scaledValue(v, total, up)).toBe(want);
  });

  test("maxUnavailable is never more than replicas, and both are 0 for Recreate", () => {
    expect(maxUnavailable(deployment({ replicas: 2, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } } }))).toBe(2);
    expect(maxUnavailable(deployment({ replicas: 0 }))).toBe(0);
    const recreate = deployment({ replicas: 5, strategy: { type: "Recreate" } });
    expect([maxSurge(recreate), maxUnavailable(recreate)]).toEqual([0, 0]);
  });
});

describe("newRSNewReplicas", () => {
  const d = deployment({ replicas: 10, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
  test.each([
    // old replicas, new replicas → new size
    [10, 0, 3],
    [8, 3, 5],
    [8, 5, 5], // at replicas + maxSurge: cannot grow
    [0, 9, 10], // never past replicas
    [2, 9, 10],
  ])("old %i, new %i → %i", (oldSize, newSize, want) => {
    const old = replicaSet({ name: "old", replicas: oldSize });
    const rs = replicaSet({ name: "new", replicas: newSize });
    expect(newRSNewReplicas(d, [old, rs], rs)).toBe(want);
  });

  test("Recreate asks for all replicas at once", () => {
    const rs = replicaSet({ name: "new", replicas: 0 });
    expect(newRSNewReplicas(deployment({ replicas: 4, strategy: { type: "Recreate" } }), [replicaSet({ replicas: 4 }), rs], rs)).toBe(4);
  });
});

describe("revision history", () => {
  test.each([
    [undefined, "1", 2000, "1"],
    ["1,3", "4", 2000, "1,3,4"],
    ["1,3", "4", 4, "3,4"], // the oldest go first to stay within the limit
    ["1,2", "3", 2, "3"], // only the newest fits
    ["1", "123456", 3, "1"], // not even the newest fits: unchanged, as Kubernetes leaves it
  ])("%j + %j (limit %i) → %j", (history, old, limit, want) => {
    expect(appendRevisionHistory(history, old, limit)).toBe(want);
  });
});
