import { describe, expect, test } from "vitest";
import { stableJson, statusPatch } from "../../../src/agent/pods/statuswriter";

describe("status writes", () => {
  test("key order does not matter, array order does", () => {
    expect(stableJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe(stableJson({ a: { d: [2, 1] }, b: 1 }));
    expect(stableJson({ a: [1, 2] })).not.toBe(stableJson({ a: [2, 1] }));
  });

  test("fields the new status drops are removed by the merge patch", () => {
    expect(statusPatch({ phase: "Running" }, { phase: "Failed", reason: "DeadlineExceeded", message: "x" })).toEqual({ phase: "Running", reason: null, message: null });
  });
});
