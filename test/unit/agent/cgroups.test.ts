import { describe, expect, test } from "vitest";
import { cpuQuotaUs, oomKillCount } from "../../../src/agent/runtime/cgroups";

describe("cgroup limits", () => {
  test.each([
    [1000, 100_000],
    [250, 25_000],
    [2500, 250_000],
    [1, 1000],
  ])("%i millicores is a quota of %i µs per 100 ms", (milli, quota) => {
    expect(cpuQuotaUs(milli)).toBe(quota);
  });

  test("OOM kills are read from memory.events and memory.oom_control", () => {
    expect(oomKillCount("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")).toBe(1);
    expect(oomKillCount("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")).toBe(2);
    expect(oomKillCount("oom_kill_disable 0\nunder_oom 0\n")).toBe(0);
  });
});
