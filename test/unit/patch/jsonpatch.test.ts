import { describe, expect, it } from "vitest";
import { applyJsonPatch } from "../../../src/api/patch/jsonpatch";

const doc = () => ({ metadata: { name: "web", labels: { "app.kubernetes.io/name": "web" } }, spec: { replicas: 1, list: ["a", "b"] } });

describe("JSON patch", () => {
  it("adds, removes and replaces, on a copy", () => {
    const input = doc();
    const r = applyJsonPatch(input, [
      { op: "replace", path: "/spec/replicas", value: 3 },
      { op: "add", path: "/metadata/labels/tier", value: "web" },
      { op: "remove", path: "/metadata/labels/app.kubernetes.io~1name" },
      { op: "add", path: "/spec/list/-", value: "c" },
      { op: "add", path: "/spec/list/0", value: "z" },
      { op: "remove", path: "/spec/list/1" },
    ]);
    expect(r).toEqual({ ok: true, value: { metadata: { name: "web", labels: { tier: "web" } }, spec: { replicas: 3, list: ["z", "b", "c"] } } });
    expect(input).toEqual(doc());
  });

  it("moves and copies, and passes a matching test", () => {
    const r = applyJsonPatch(doc(), [
      { op: "test", path: "/spec/replicas", value: 1 },
      { op: "copy", from: "/metadata/name", path: "/spec/name" },
      { op: "move", from: "/spec/list", path: "/spec/items" },
      { op: "add", path: "/a~0b", value: true },
    ]);
    expect(r.ok && r.value).toEqual({
      metadata: { name: "web", labels: { "app.kubernetes.io/name": "web" } },
      spec: { replicas: 1, name: "web", items: ["a", "b"] },
      "a~b": true,
    });
  });

  it("treats a missing path as null in a test, as Kubernetes' library does", () => {
    expect(applyJsonPatch(doc(), [{ op: "test", path: "/spec/paused", value: null }]).ok).toBe(true);
  });

  it("answers a failed operation with 422 Invalid and Kubernetes' message, the detail as a cause", () => {
    const failedTest = applyJsonPatch(doc(), [{ op: "test", path: "/spec/replicas", value: 2 }]);
    expect(failedTest).toEqual({
      ok: false,
      error: {
        reason: "Invalid",
        message: "the server rejected our request due to an error in our request",
        causes: [{ reason: "FieldValueInvalid", field: "/spec/replicas", message: 'testing value "/spec/replicas" failed: test failed' }],
      },
    });
    for (const op of [
      { op: "remove", path: "/spec/missing" },
      { op: "replace", path: "/spec/missing", value: 1 },
      { op: "add", path: "/spec/missing/deeper", value: 1 },
      { op: "add", path: "/spec/list/5", value: "x" },
      { op: "move", from: "/spec", path: "/spec/inner" },
      { op: "frobnicate", path: "/spec" },
      { op: "add", path: "spec", value: 1 },
    ]) {
      const r = applyJsonPatch(doc(), [op]);
      expect(r.ok ? "applied" : r.error.reason, JSON.stringify(op)).toBe("Invalid");
    }
  });

  it("rejects a body that is not a list of operations with 400", () => {
    const r = applyJsonPatch(doc(), { op: "add" });
    expect(r).toEqual({ ok: false, error: { reason: "BadRequest", message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch" } });
  });

  it("refuses more than 10,000 operations with 413", () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: "test", path: "", value: {} }));
    const r = applyJsonPatch({}, ops);
    expect(!r.ok && r.error).toEqual({ reason: "RequestEntityTooLarge", message: "The allowed maximum operations in a JSON patch is 10000, got 10001" });
  });

  it("replaces the whole document at the empty pointer and stores __proto__ as a plain key", () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: "replace", path: "", value: { b: 2 } }])).toEqual({ ok: true, value: { b: 2 } });
    const r = applyJsonPatch({}, JSON.parse('[{"op":"add","path":"/__proto__","value":{"polluted":true}}]'));
    expect(r.ok && JSON.stringify(r.value)).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
