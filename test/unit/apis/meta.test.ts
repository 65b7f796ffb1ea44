import { describe, expect, it } from "vitest";
import { z } from "zod";
import { intOrStringSchema, kindSchema, labelSelectorSchema, listOf, objectMetaSchema } from "../../../src/apis/meta";
import { mergeList, readPatchMeta } from "../../../src/apis/patchmeta";
import { podSchema } from "../../../src/apis/core/v1/pod";
import { podSpecSchema } from "../../../src/apis/core/v1/podspec";

describe("shared schemas", () => {
  it("reports unknown fields as unrecognized_keys at their path", () => {
    const result = podSchema.safeParse({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", bogus: 1 },
      spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: 80, extra: true }] }] },
    });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => ({ code: i.code, path: i.path, keys: "keys" in i ? i.keys : undefined }));
    expect(issues).toEqual(
      expect.arrayContaining([
        { code: "unrecognized_keys", path: ["metadata"], keys: ["bogus"] },
        { code: "unrecognized_keys", path: ["spec", "containers", 0, "ports", 0], keys: ["extra"] },
      ]),
    );
  });

  it("accepts a full ObjectMeta and kubectl's creationTimestamp: null", () => {
    const meta = {
      name: "a",
      generateName: "a-",
      namespace: "ns",
      selfLink: "",
      uid: "u",
      resourceVersion: "1",
      generation: 2,
      creationTimestamp: null,
      labels: { a: "b" },
      annotations: { c: "d" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "x", controller: true, blockOwnerDeletion: true }],
      finalizers: ["f"],
      managedFields: [{ manager: "kubectl", operation: "Apply", apiVersion: "v1", time: "2024-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: {} }],
    };
    expect(objectMetaSchema.safeParse(meta).success).toBe(true);
  });

  it("carries patch metadata on both the list and its optional wrapper", () => {
    const list = listOf(z.string(), mergeList("name"));
    expect(readPatchMeta(list)).toEqual(mergeList("name"));
    expect(readPatchMeta(list.unwrap())).toEqual(mergeList("name"));
    const containers = podSpecSchema.shape.containers;
    expect(readPatchMeta(containers)).toMatchObject({ patchMergeKey: "name", patchStrategy: "merge" });
    expect(readPatchMeta(podSpecSchema.shape.volumes)).toMatchObject({ patchMergeKey: "name", patchStrategy: "merge,retainKeys" });
    expect(readPatchMeta(podSpecSchema.shape.tolerations)).toEqual({ listType: "atomic" });
  });

  it("marks int-or-string and atomic selectors", () => {
    expect(readPatchMeta(intOrStringSchema)).toEqual({ intOrString: true });
    expect(readPatchMeta(labelSelectorSchema)).toEqual({ mapType: "atomic" });
    expect(intOrStringSchema.safeParse("25%").success).toBe(true);
    expect(intOrStringSchema.safeParse(3).success).toBe(true);
  });

  it("builds whole-object schemas whose apiVersion and kind are only strings", () => {
    const schema = kindSchema({ apiVersion: "v1", kind: "Thing", spec: z.strictObject({ a: z.string() }) });
    expect(schema.safeParse({ apiVersion: "anything", kind: "Thing", metadata: {}, spec: { a: "x" } }).success).toBe(true);
    expect(schema.safeParse({ spec: { a: "x" }, status: {} }).success).toBe(false);
  });
});
