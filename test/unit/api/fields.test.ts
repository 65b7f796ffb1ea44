import { describe, expect, it } from "vitest";
import {
  escapeFieldValue,
  fieldValue,
  formatFieldSelector,
  matchesFields,
  parseFieldSelector,
  requiredFieldValue,
  type FieldRequirement,
} from "../../../src/api/fields";
import { namespaceKind, pod, podKind } from "./kinds";

function parsed(s: string): FieldRequirement[] {
  const r = parseFieldSelector(s, podKind);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function parseError(s: string, kind = podKind): string {
  const r = parseFieldSelector(s, kind);
  if (r.ok) throw new Error(`parsed ${s}`);
  expect(r.error.code).toBe(400);
  expect(r.error.reason).toBe("BadRequest");
  return r.error.message;
}

describe("parseFieldSelector", () => {
  it("parses =, == and != and sorts the terms as written", () => {
    expect(parsed("status.phase!=Failed,metadata.name==web,spec.nodeName=n1")).toEqual([
      { field: "metadata.name", operator: "==", value: "web" },
      { field: "spec.nodeName", operator: "=", value: "n1" },
      { field: "status.phase", operator: "!=", value: "Failed" },
    ]);
    expect(parsed("")).toEqual([]);
    expect(parsed("metadata.name=web,,")).toEqual([{ field: "metadata.name", operator: "=", value: "web" }]);
    expect(parsed("metadata.name=")).toEqual([{ field: "metadata.name", operator: "=", value: "" }]);
  });

  it("unescapes values", () => {
    expect(parsed("metadata.name=a\\,b\\=c\\\\d")).toEqual([{ field: "metadata.name", operator: "=", value: "a,b=c\\d" }]);
  });

  it("reports syntax errors with Kubernetes' messages", () => {
    expect(parseError("metadata.name")).toBe("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
    expect(parseError("metadata.name=a=b")).toBe("invalid field selector: unescaped character in value: 61");
    expect(parseError("metadata.name=a\\x")).toBe("invalid field selector: invalid escape sequence: \\x");
    expect(parseError("metadata.name=a\\")).toBe("invalid field selector: invalid escape sequence: \\");
  });

  it("rejects fields the kind cannot select on", () => {
    expect(parseError("spec.restartPolicy=Always")).toBe("field label not supported: spec.restartPolicy");
    expect(parseError("spec.x=1", namespaceKind)).toBe('"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
    expect(parseFieldSelector("metadata.namespace=", namespaceKind).ok).toBe(true);
  });
});

describe("matching", () => {
  const p = pod("web");
  it.each([
    ["metadata.name=web", true],
    ["metadata.name!=web", false],
    ["metadata.namespace=default", true],
    ["spec.nodeName=n1,status.phase=Running", true],
    ["spec.nodeName=n2", false],
    ["status.phase!=Pending", true],
    ["", true],
  ])("%s is %s", (sel, expected) => {
    expect(matchesFields(parsed(sel), p, podKind)).toBe(expected);
  });

  it("reads missing fields as empty", () => {
    const bare = pod("x", { spec: {}, status: {} });
    expect(fieldValue(bare, podKind, "spec.nodeName")).toBe("");
    expect(matchesFields(parsed("spec.nodeName="), bare, podKind)).toBe(true);
    expect(fieldValue({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } }, namespaceKind, "metadata.namespace")).toBe("");
  });
});

describe("formatting and exact matches", () => {
  it("escapes values", () => {
    expect(escapeFieldValue("a,b=c\\")).toBe("a\\,b\\=c\\\\");
    expect(formatFieldSelector(parsed("metadata.name==a\\,b,spec.nodeName!=n1"))).toBe("metadata.name=a\\,b,spec.nodeName!=n1");
  });

  it("finds the value an equality pins", () => {
    expect(requiredFieldValue(parsed("metadata.name=web"), "metadata.name")).toBe("web");
    expect(requiredFieldValue(parsed("metadata.name!=web"), "metadata.name")).toBeUndefined();
  });
});
