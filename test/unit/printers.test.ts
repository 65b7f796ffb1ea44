import { describe, expect, it } from "vitest";
import { humanDuration } from "../../src/apis/printers";

describe("humanDuration", () => {
  it.each([
    [45_000, "45s"],
    [119_000, "119s"],
    [303_000, "5m3s"],
    [600_000, "10m"],
    [3 * 3600_000 + 15 * 60_000, "3h15m"],
    [20 * 3600_000, "20h"],
    [6 * 86400_000, "6d"],
    [30 * 86400_000, "30d"],
    [(2 * 365 + 130) * 86400_000, "2y130d"],
  ])("%d ms is %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
