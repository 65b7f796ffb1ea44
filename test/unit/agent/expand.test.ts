import { describe, expect, test } from "vitest";
import { expandVars } from "../../../src/agent/pods/expand";

const vars: Record<string, string> = { VAR_A: "A", VAR_B: "B", EMPTY: "" };
const lookup = (name: string) => vars[name];

describe("$(VAR) expansion", () => {
  test.each([
    ["$(VAR_A)", "A"],
    ["___$(VAR_B)___", "___B___"],
    ["$(VAR_A)-$(VAR_B)", "A-B"],
    ["$(EMPTY)", ""],
    ["$(UNKNOWN)", "$(UNKNOWN)"],
    ["$$(VAR_A)", "$(VAR_A)"],
    ["$$$(VAR_A)", "$A"],
    ["$$$$(VAR_A)", "$$(VAR_A)"],
    ["$VAR_A", "$VAR_A"],
    ["$(VAR_A", "$(VAR_A"],
    ["foo$", "foo$"],
    ["$()", "$()"],
    ["no vars", "no vars"],
    ["$(VAR_A)$(VAR_A)", "AA"],
  ])("%s → %s", (input, output) => {
    expect(expandVars(input, lookup)).toBe(output);
  });
});
