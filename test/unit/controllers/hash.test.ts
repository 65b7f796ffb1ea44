import { describe, expect, test } from "vitest";
import { canonicalJson, computeHash, fnv32a, safeEncodeString, semanticEqual } from "../../../src/controllers/hash";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("fnv32a", () => {
  test.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("%j → %i (the published FNV-1a test vectors)", (input, sum) => {
    expect(fnv32a(bytes(input))).toBe(sum);
  });

  test("writing in two parts continues the same sum, as Go's hasher.Write does", () => {
    expect(fnv32a(bytes("bar"), fnv32a(bytes("foo")))).toBe(fnv32a(bytes("foobar")));
  });
});

describe("safeEncodeString", () => {
  test("decimal digits map onto Kubernetes' alphabet: 0→4 1→5 ... 6→b 7→c 8→d 9→f", () => {
    expect(safeEncodeString("0123456789")).toBe("456789bcdf");
  });
});

describe("canonical form", () => {
  test("key order does not matter", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: "x" } })).toBe(canonicalJson({ a: { c: "x", d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });

  test.each([
    [{ labels: {} }, {}],
    [{ env: [] }, {}],
    [{ creationTimestamp: null }, {}],
    [{ a: undefined }, {}],
  ])("nil and empty are the same, as Semantic.DeepEqual says: %j", (a, b) => {
    expect(semanticEqual(a, b)).toBe(true);
  });

  test("list order and element places matter", () => {
    expect(semanticEqual([1, 2], [2, 1])).toBe(false);
    expect(semanticEqual([{}, { a: 1 }], [{ a: 1 }])).toBe(false);
  });
});

describe("computeHash", () => {
  const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1" }] } };

  test("is stable across key orders and looks like Kubernetes' hashes", () => {
    const reordered = { spec: { containers: [{ image: "nginx:1", name: "c" }] }, metadata: { labels: { app: "web" } } };
    const h = computeHash(template);
    expect(computeHash(reordered)).toBe(h);
    expect(h).toMatch(/^[456789bcdf]{1,10}$/);
  });

  test("changes with the template and with the collision count", () => {
    const h = computeHash(template);
    expect(computeHash({ ...template, spec: { containers: [{ name: "c", image: "nginx:2" }] } })).not.toBe(h);
    expect(computeHash(template, 0)).not.toBe(h);
    expect(computeHash(template, 1)).not.toBe(computeHash(template, 0));
  });
});
