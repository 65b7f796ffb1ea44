import { describe, expect, it } from "vitest";
import { firstUntoleratedTaint, isDoNotScheduleTaint, toleratesTaint } from "../../../src/scheduler/taints";
import type { Taint, Toleration } from "../../../src/scheduler/types";

const taint: Taint = { key: "dedicated", value: "gpu", effect: "NoSchedule" };

describe("toleratesTaint", () => {
  it.each<[string, Toleration, boolean]>([
    ["Equal with the same value", { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }, true],
    ["empty operator means Equal", { key: "dedicated", value: "gpu" }, true],
    ["Equal with another value", { key: "dedicated", operator: "Equal", value: "cpu" }, false],
    ["Exists ignores the value", { key: "dedicated", operator: "Exists" }, true],
    ["another effect", { key: "dedicated", operator: "Exists", effect: "NoExecute" }, false],
    ["another key", { key: "other", operator: "Exists" }, false],
    ["empty key with Exists tolerates everything", { operator: "Exists" }, true],
    ["empty key with Exists and an effect", { operator: "Exists", effect: "NoSchedule" }, true],
    ["unknown operator", { key: "dedicated", operator: "Gt", value: "gpu" }, false],
  ])("%s", (_name, toleration, expected) => {
    expect(toleratesTaint(toleration, taint)).toBe(expected);
  });

  it("reports the first untolerated taint among those that block scheduling", () => {
    const taints: Taint[] = [
      { key: "soft", effect: "PreferNoSchedule" },
      { key: "a", value: "1", effect: "NoSchedule" },
      { key: "b", effect: "NoExecute" },
    ];
    expect(firstUntoleratedTaint(taints, [], isDoNotScheduleTaint)?.key).toBe("a");
    expect(firstUntoleratedTaint(taints, [{ key: "a", operator: "Exists" }], isDoNotScheduleTaint)?.key).toBe("b");
    expect(firstUntoleratedTaint(taints, [{ operator: "Exists" }], isDoNotScheduleTaint)).toBeUndefined();
  });
});
