import { describe, expect, it } from "vitest";
import { applyMergePatch } from "../../../src/api/patch/mergepatch";
import { applyPatchByContentType } from "../../../src/api/patch";
import { liveDeployment, at } from "./fixtures";

describe("JSON merge patch", () => {
  it("follows RFC 7386's examples", () => {
    const target = { a: "b", c: { d: "e", f: "g" } };
    expect(applyMergePatch(target, { a: "z", c: { f: null } })).toEqual({ ok: true, value: { a: "z", c: { d: "e" } } });
    expect(applyMergePatch({ a: ["b"] }, { a: "c" })).toEqual({ ok: true, value: { a: "c" } });
    expect(applyMergePatch({ a: { b: "c" } }, { a: { b: "d", c: null } })).toEqual({ ok: true, value: { a: { b: "d" } } });
    expect(applyMergePatch({ a: [{ b: "c" }] }, { a: [1] })).toEqual({ ok: true, value: { a: [1] } });
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ ok: true, value: { e: null, a: 1 } });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ ok: true, value: { a: { bb: {} } } });
    expect(target).toEqual({ a: "b", c: { d: "e", f: "g" } });
  });

  it("refuses a patch that is not an object, as Kubernetes does", () => {
    expect(applyMergePatch({}, ["a"])).toEqual({ ok: false, error: { reason: "BadRequest", message: "Invalid JSON Patch" } });
    expect(applyMergePatch({}, null)).toEqual({ ok: false, error: { reason: "BadRequest", message: "Invalid JSON Patch" } });
  });

  it("applies what kubectl label, annotate and scale send (kubectl 1.32, application/merge-patch+json)", () => {
    const added = applyPatchByContentType("application/merge-patch+json", liveDeployment(), { metadata: { labels: { tier: "frontend" } } }, undefined);
    expect(added.ok && at(added.value, "metadata", "labels")).toEqual({ app: "web", tier: "frontend" });
    const removed = applyPatchByContentType("application/merge-patch+json", liveDeployment(), { metadata: { labels: { app: null } } }, undefined);
    expect(removed.ok && at(removed.value, "metadata", "labels")).toEqual({});
    const annotated = applyPatchByContentType("application/merge-patch+json; charset=utf-8", liveDeployment(), { metadata: { annotations: { note: "hello" } } }, undefined);
    expect(annotated.ok && at(annotated.value, "metadata", "annotations", "note")).toBe("hello");
    const scaled = applyPatchByContentType("application/merge-patch+json", { spec: { replicas: 3 } }, { spec: { replicas: 5 } }, undefined);
    expect(scaled).toEqual({ ok: true, value: { spec: { replicas: 5 } } });
  });

  it("does not let __proto__ reach a prototype", () => {
    const r = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true},"a":{"__proto__":{"x":1}}}'));
    expect(r.ok && JSON.stringify(r.value)).toBe('{"__proto__":{"polluted":true},"a":{"__proto__":{"x":1}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("applyPatchByContentType", () => {
  it("answers 415 for a media type it does not handle, apply-patch included", () => {
    const r = applyPatchByContentType("application/apply-patch+yaml", {}, {}, undefined);
    expect(r).toEqual({
      ok: false,
      error: {
        reason: "UnsupportedMediaType",
        message:
          "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
      },
    });
  });

  it("dispatches json-patch", () => {
    expect(applyPatchByContentType("application/json-patch+json", { a: 1 }, [{ op: "replace", path: "/a", value: 2 }], undefined)).toEqual({ ok: true, value: { a: 2 } });
  });
});
