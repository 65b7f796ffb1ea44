import { mkdtemp, readFile, readdir, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { writeAtomically } from "../../../src/agent/pods/atomicwriter";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "atomic-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = (path: string, text: string, mode = 0o644) => ({ path, data: Buffer.from(text), mode });

describe("atomic volume writer", () => {
  test("files sit behind ..data, visible names are symlinks through it", async () => {
    expect(await writeAtomically(dir, [file("a", "1"), file("sub/b", "2", 0o600)])).toBe(true);
    expect(await readFile(join(dir, "a"), "utf8")).toBe("1");
    expect(await readFile(join(dir, "sub", "b"), "utf8")).toBe("2");
    expect(await readlink(join(dir, "a"))).toBe("..data/a");
    expect(await readlink(join(dir, "..data"))).toMatch(/^\.\.\d{4}_/);
    expect((await stat(join(dir, "sub", "b"))).mode & 0o777).toBe(0o600);
  });

  test("unchanged content writes nothing", async () => {
    await writeAtomically(dir, [file("a", "1")]);
    const target = await readlink(join(dir, "..data"));
    expect(await writeAtomically(dir, [file("a", "1")])).toBe(false);
    expect(await readlink(join(dir, "..data"))).toBe(target);
  });

  test("an update swaps ..data, adds and removes names, and leaves no old payload", async () => {
    await writeAtomically(dir, [file("a", "1"), file("gone", "x")]);
    await new Promise((r) => setTimeout(r, 5));
    expect(await writeAtomically(dir, [file("a", "2"), file("new", "n")])).toBe(true);
    expect(await readFile(join(dir, "a"), "utf8")).toBe("2");
    expect(await readFile(join(dir, "new"), "utf8")).toBe("n");
    const entries = (await readdir(dir)).sort();
    expect(entries.filter((e) => !e.startsWith("..")).sort()).toEqual(["a", "new"]);
    expect(entries.filter((e) => e.startsWith("..") && e !== "..data")).toHaveLength(1);
  });

  test("a mode change is an update", async () => {
    await writeAtomically(dir, [file("a", "1", 0o644)]);
    expect(await writeAtomically(dir, [file("a", "1", 0o600)])).toBe(true);
  });

  test("paths that climb out are refused", async () => {
    await expect(writeAtomically(dir, [file("../x", "1")])).rejects.toThrow(/invalid path/);
  });
});
