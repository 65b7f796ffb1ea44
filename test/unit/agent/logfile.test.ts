import { mkdtemp, rm, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { readLog, rfc3339Nano, selectLines, splitLines, timeOfOffset } from "../../../src/agent/runtime/logfile";

const T0 = Date.parse("2026-01-01T00:00:00Z");

describe("log lines and their times", () => {
  const data = Buffer.from("one\ntwo\nthree\npartial");
  const index: [number, number][] = [[8, T0], [14, T0 + 5000], [21, T0 + 9000]];
  const lines = splitLines(data, 0);

  test("lines keep their newline and start offset; the unterminated end is a line", () => {
    expect(lines.map((l) => [l.offset, l.bytes.toString()])).toEqual([[0, "one\n"], [4, "two\n"], [8, "three\n"], [14, "partial"]]);
  });

  test("a line's time is that of the first index entry past its start", () => {
    expect(lines.map((l) => timeOfOffset(index, l.offset, 0) - T0)).toEqual([0, 0, 5000, 9000]);
    expect(timeOfOffset(index, 21, 42)).toBe(42);
  });

  test("tail and since select lines as kubectl logs --tail and --since", () => {
    const pick = (o: Parameters<typeof selectLines>[2]) => selectLines(lines, index, o, T0 + 10_000).map((l) => l.bytes.toString().trim());
    expect(pick({ tailLines: 2 })).toEqual(["three", "partial"]);
    expect(pick({ tailLines: 0 })).toEqual([]);
    expect(pick({ sinceSeconds: 6 })).toEqual(["three", "partial"]);
    expect(pick({ sinceTime: "2026-01-01T00:00:06Z" })).toEqual(["partial"]);
    expect(pick({ sinceSeconds: 6, tailLines: 1 })).toEqual(["partial"]);
  });

  test("timestamps are RFC 3339 with nanoseconds", () => {
    expect(rfc3339Nano(T0 + 1234)).toBe("2026-01-01T00:00:01.234000000Z");
  });
});

describe("reading a log file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "log-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("follow sends new lines as they are written and ends when the writer exits", async () => {
    const logPath = join(dir, "log");
    await writeFile(logPath, "a\n");
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => (exit = resolve));
    const got: string[] = [];
    const reading = (async () => {
      for await (const chunk of readLog({ logPath, indexPath: join(dir, "index"), exited }, { follow: true, timestamps: false, limitBytes: 100 })) got.push(Buffer.from(chunk).toString());
    })();
    await new Promise((r) => setTimeout(r, 300));
    await appendFile(logPath, "b\nc");
    await new Promise((r) => setTimeout(r, 600));
    // "c" has no newline yet: held back while the writer may still add to it.
    expect(got.join("")).toBe("a\nb\n");
    exit();
    await reading;
    expect(got.join("")).toBe("a\nb\nc");
  });

  test("limitBytes cuts the output", async () => {
    const logPath = join(dir, "log");
    await writeFile(logPath, "0123456789\n");
    const got: string[] = [];
    for await (const chunk of readLog({ logPath, indexPath: join(dir, "index"), exited: Promise.resolve() }, { follow: false, timestamps: false, limitBytes: 4 })) got.push(Buffer.from(chunk).toString());
    expect(got.join("")).toBe("0123");
  });
});
