import { describe, expect, it } from "vitest";
import { clone } from "../../../src/util/json";

describe("clone", () => {
  it("copies a JSON document deeply, sharing nothing with the original", () => {
    const doc = { metadata: { name: "a", labels: { app: "web" } }, spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }] }] }, status: null, n: 1, on: true };
    const copy = clone(doc);
    expect(copy).toEqual(doc);
    copy.metadata.labels.app = "other";
    copy.spec.containers[0].ports[0].containerPort = 81;
    copy.spec.containers.push({ name: "d", ports: [] });
    expect(doc.metadata.labels.app).toBe("web");
    expect(doc.spec.containers).toHaveLength(1);
    expect(doc.spec.containers[0].ports[0].containerPort).toBe(80);
  });

  it("keeps a __proto__ key as an own property and undefined values as they are", () => {
    const doc = JSON.parse('{"a":{"__proto__":{"polluted":true}}}') as { a: Record<string, unknown> };
    const copy = clone({ ...doc, gone: undefined });
    expect(Object.hasOwn(copy.a, "__proto__")).toBe(true);
    expect((copy.a as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(copy.a)).toBe(Object.prototype);
    expect("gone" in copy).toBe(true);
  });
});
