import { describe, expect, test } from "vitest";
import { advance, goDuration, inBackoff, MAX_BACKOFF_MS, type BackoffEntry } from "../../../src/agent/pods/backoff";

describe("restart back-off", () => {
  test("the first restart is immediate, then 10 s doubling to 5 min", () => {
    let entry: BackoffEntry | undefined;
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      // The container finished just now; the first exit has no entry, so no wait.
      expect(inBackoff(entry, now, now)).toBe(i > 0);
      if (entry) {
        waits.push(entry.backoffMs);
        now += entry.backoffMs;
        expect(inBackoff(entry, now - entry.backoffMs, now)).toBe(false);
      }
      entry = advance(entry, now, now);
      now += 1000; // it runs for a second and exits again
    }
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  test("still waiting one millisecond before the back-off ends", () => {
    const entry = { backoffMs: 20_000, lastUpdate: 0 };
    expect(inBackoff(entry, 5_000, 24_999)).toBe(true);
    expect(inBackoff(entry, 5_000, 25_000)).toBe(false);
  });

  test("a container that ran for more than 10 minutes starts over at 10 s", () => {
    const entry = { backoffMs: MAX_BACKOFF_MS, lastUpdate: 0 };
    const finished = 2 * MAX_BACKOFF_MS + 1;
    expect(inBackoff(entry, finished, finished)).toBe(false);
    expect(advance(entry, finished, finished)).toEqual({ backoffMs: 10_000, lastUpdate: finished });
    // Just under ten minutes keeps doubling (capped).
    expect(advance(entry, 2 * MAX_BACKOFF_MS, 2 * MAX_BACKOFF_MS).backoffMs).toBe(MAX_BACKOFF_MS);
  });

  test.each([
    [10_000, "10s"],
    [20_000, "20s"],
    [80_000, "1m20s"],
    [160_000, "2m40s"],
    [300_000, "5m0s"],
  ])("%i ms prints as %s", (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });
});
