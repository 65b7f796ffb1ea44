import { describe as group, expect, it } from "vitest";
import { z } from "zod";
import { describe, elementSchema, fieldSchema, isDeclaredField } from "../../../src/api/patch/schemawalk";
import { mergeList } from "../../../src/apis/patchmeta";

const item = z.strictObject({ name: z.string(), protocol: z.string().default("TCP") });

const schema = z.strictObject({
  inner: z.array(item).meta({ ...mergeList("name") }).optional(),
  outer: z.array(item).optional().meta({ ...mergeList("name") }),
  both: z.array(item).meta({ listType: "map", listMapKeys: ["name"] }).optional().meta({ description: "docs only", patchStrategy: "merge", patchMergeKey: "name" }),
  nullable: z.array(z.string()).meta({ patchStrategy: "merge", listType: "set" }).nullable().default(null),
  lazy: z.lazy(() => item),
  piped: z.string().transform((s) => s.length).pipe(z.number()),
  preprocessed: z.preprocess((v) => v, z.strictObject({ x: z.string() })),
  labels: z.record(z.string(), z.string()).optional(),
  selector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }).meta({ mapType: "atomic" }).readonly(),
  intOrString: z.union([z.number(), z.string()]),
  anything: z.unknown(),
});

const root = describe(schema);
const field = (name: string) => describe(fieldSchema(root, name));

group("schema walker", () => {
  it("finds list metadata on the array or on its optional wrapper", () => {
    expect(field("inner")).toMatchObject({ shape: { kind: "array" }, meta: mergeList("name") });
    expect(field("outer")).toMatchObject({ shape: { kind: "array" }, meta: mergeList("name") });
  });

  it("merges metadata from every layer, the outer one winning, and ignores keys that are not about patching", () => {
    expect(field("both").meta).toEqual({ listType: "map", listMapKeys: ["name"], patchStrategy: "merge", patchMergeKey: "name" });
  });

  it("looks through nullable, default, lazy, readonly and pipes", () => {
    expect(field("nullable")).toMatchObject({ shape: { kind: "array" }, meta: { patchStrategy: "merge", listType: "set" } });
    expect(field("lazy").shape.kind).toBe("object");
    expect(field("piped").shape.kind).toBe("scalar");
    expect(field("preprocessed").shape.kind).toBe("object");
    expect(field("selector")).toMatchObject({ shape: { kind: "object" }, meta: { mapType: "atomic" } });
  });

  it("goes from a list to its items and from a map to its fields", () => {
    const items = describe(elementSchema(field("inner")));
    expect(items.shape.kind).toBe("object");
    expect(isDeclaredField(items, "name")).toBe(true);
    expect(describe(fieldSchema(items, "protocol")).defaultValue).toBe("TCP");
    expect(describe(fieldSchema(field("labels"), "any-key")).shape.kind).toBe("scalar");
    expect(isDeclaredField(field("labels"), "any-key")).toBe(false);
  });

  it("treats scalar unions as scalars and unknown or missing schemas as untyped", () => {
    expect(field("intOrString").shape.kind).toBe("scalar");
    expect(field("anything").shape.kind).toBe("any");
    expect(field("no-such-field").shape.kind).toBe("any");
    expect(describe(undefined).shape.kind).toBe("any");
  });
});
