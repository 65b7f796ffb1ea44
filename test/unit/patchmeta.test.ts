import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mergeList, readPatchMeta } from "../../src/apis/patchmeta";

describe("patch metadata", () => {
  it("is read back from the schema it was attached to", () => {
    const list = z.array(z.strictObject({ name: z.string() })).meta(mergeList("name"));
    expect(readPatchMeta(list)).toEqual({ patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] });
    expect(readPatchMeta(z.string())).toBeUndefined();
  });
});
