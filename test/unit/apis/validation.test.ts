import { describe, expect, it } from "vitest";
import {
  labelSelectorMatches,
  nameIsDnsLabel,
  parseQuantity,
  semanticEqual,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateImmutable,
  validateLabelSelector,
  validateObjectMeta,
  validatePortNumber,
  validateQuantity,
  validateStricterName,
} from "../../../src/apis/validation";

const fields = (causes: { field: string; reason: string }[]) => causes.map((c) => `${c.reason} ${c.field}`);

describe("validateObjectMeta", () => {
  it("requires a name unless generateName is set", () => {
    expect(validateObjectMeta({ namespace: "ns" }, { namespaced: true })).toEqual([
      { reason: "FieldValueRequired", field: "metadata.name", message: "Required value: name or generateName is required" },
    ]);
  });

  it("words an invalid name as Kubernetes does", () => {
    const [cause] = validateObjectMeta({ name: "My_Pod", namespace: "ns" }, { namespaced: true });
    expect(cause).toEqual({
      reason: "FieldValueInvalid",
      field: "metadata.name",
      message:
        "Invalid value: \"My_Pod\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    });
  });

  it("allows a generateName ending in a dash", () => {
    expect(validateObjectMeta({ generateName: "web-", name: "web-abcde", namespace: "ns" }, { namespaced: true })).toEqual([]);
  });

  it("requires a namespace exactly when the kind is namespaced", () => {
    expect(fields(validateObjectMeta({ name: "a" }, { namespaced: true }))).toEqual(["FieldValueRequired metadata.namespace"]);
    expect(validateObjectMeta({ name: "a", namespace: "x" }, { namespaced: false })).toEqual([
      { reason: "FieldValueForbidden", field: "metadata.namespace", message: "Forbidden: not allowed on this type" },
    ]);
  });

  it("checks label keys and values", () => {
    const causes = validateObjectMeta({ name: "a", namespace: "n", labels: { "example.com/ok": "v", "bad key": "x", k: "-bad-" } }, { namespaced: true });
    expect(causes.map((c) => c.field)).toEqual(["metadata.labels", "metadata.labels"]);
    expect(causes[0].message).toContain('Invalid value: "bad key": name part must consist of alphanumeric characters');
    expect(causes[1].message).toContain('Invalid value: "-bad-": a valid label must be an empty string or consist of alphanumeric characters');
    const long = validateObjectMeta({ name: "a", namespace: "n", labels: { k: "x".repeat(64) } }, { namespaced: true });
    expect(long[0].message).toContain("must be no more than 63 characters");
  });

  it("limits annotations to 256 KiB in total", () => {
    const causes = validateObjectMeta({ name: "a", namespace: "n", annotations: { big: "x".repeat(256 * 1024) } }, { namespaced: true });
    expect(causes).toEqual([{ reason: "FieldValueTooLong", field: "metadata.annotations", message: "Too long: must have at most 262144 bytes" }]);
  });

  it("checks owner references and finalizers", () => {
    const causes = validateObjectMeta(
      {
        name: "a",
        namespace: "n",
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: "r1", uid: "1", controller: true },
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: "", uid: "2", controller: true },
        ],
        finalizers: ["orphan", "foregroundDeletion"],
      },
      { namespaced: true },
    );
    expect(fields(causes)).toEqual(["FieldValueInvalid metadata.ownerReferences.name", "FieldValueInvalid metadata.ownerReferences", "FieldValueInvalid metadata.finalizers"]);
  });

  it("uses the path and name rule it is given", () => {
    expect(fields(validateObjectMeta({ name: "a.b" }, { namespaced: false, nameValidator: nameIsDnsLabel, path: "spec.template.metadata" }))).toEqual([
      "FieldValueInvalid spec.template.metadata.name",
    ]);
  });
});

describe("name formats", () => {
  it("distinguishes labels from subdomains", () => {
    expect(validateDns1123Label("a.b", "f")[0].message).toBe('Invalid value: "a.b": must not contain dots');
    expect(validateDns1123Subdomain("a.b", "f")).toEqual([]);
    expect(validateDns1123Label("x".repeat(64), "f")[0].message).toBe(`Invalid value: "${"x".repeat(64)}": must be no more than 63 characters`);
  });

  it("adds a stricter rule only when the subdomain rule passed", () => {
    expect(fields(validateStricterName({ name: "a.b" }, nameIsDnsLabel))).toEqual(["FieldValueInvalid metadata.name"]);
    expect(validateStricterName({ name: "A_B" }, nameIsDnsLabel)).toEqual([]);
  });
});

describe("label selectors", () => {
  it("validates operators and values with Kubernetes' paths", () => {
    const causes = validateLabelSelector(
      {
        matchExpressions: [
          { key: "a", operator: "In", values: [] },
          { key: "b", operator: "Exists", values: ["x"] },
          { key: "c", operator: "Near" },
        ],
      },
      "spec.selector",
    );
    expect(causes).toEqual([
      { reason: "FieldValueRequired", field: "spec.selector.matchExpressions[0].values", message: "Required value: must be specified when `operator` is 'In' or 'NotIn'" },
      { reason: "FieldValueForbidden", field: "spec.selector.matchExpressions[1].values", message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'" },
      { reason: "FieldValueInvalid", field: "spec.selector.matchExpressions[2].operator", message: 'Invalid value: "Near": not a valid selector operator' },
    ]);
  });

  it("matches labels", () => {
    const labels = { app: "web", tier: "front" };
    expect(labelSelectorMatches({ matchLabels: { app: "web" } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "env", operator: "DoesNotExist" }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "Exists" }] }, labels)).toBe(true);
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
  });
});

describe("quantities, ports and immutability", () => {
  it("parses quantities", () => {
    expect(parseQuantity("100m")).toBeCloseTo(0.1);
    expect(parseQuantity("1Gi")).toBe(2 ** 30);
    expect(parseQuantity("1.5k")).toBe(1500);
    expect(parseQuantity("2e3")).toBe(2000);
    expect(parseQuantity(3)).toBe(3);
    expect(parseQuantity("1GB")).toBeUndefined();
  });

  it("reports malformed and negative quantities", () => {
    expect(validateQuantity("abc", "spec.x")[0].message).toBe("Invalid value: \"abc\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    expect(validateQuantity("-1", "spec.x")[0].message).toBe('Invalid value: "-1": must be greater than or equal to 0');
    expect(validateQuantity("-1", "spec.x", false)).toEqual([]);
  });

  it("checks port numbers", () => {
    expect(validatePortNumber(0, "p")).toEqual([{ reason: "FieldValueInvalid", field: "p", message: "Invalid value: 0: must be between 1 and 65535, inclusive" }]);
    expect(validatePortNumber(65535, "p")).toEqual([]);
  });

  it("treats missing and empty collections as equal but not changed values", () => {
    expect(semanticEqual({ a: [] }, {})).toBe(true);
    expect(validateImmutable("10.0.0.2", "10.0.0.1", "spec.clusterIP")).toEqual([
      { reason: "FieldValueInvalid", field: "spec.clusterIP", message: 'Invalid value: "10.0.0.2": field is immutable' },
    ]);
    expect(validateImmutable({ a: 1, b: [] }, { a: 1 }, "x")).toEqual([]);
  });
});
