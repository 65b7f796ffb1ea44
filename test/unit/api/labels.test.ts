import { describe, expect, it } from "vitest";
import {
  describeLabelSelector,
  formatSelector,
  fromLabelSelector,
  labelKeyErrors,
  matchesLabels,
  parseLabelSelector,
  requiredLabelValue,
  type LabelRequirement,
} from "../../../src/api/labels";

function parsed(s: string): LabelRequirement[] {
  const r = parseLabelSelector(s);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function parseError(s: string): string {
  const r = parseLabelSelector(s);
  if (r.ok) throw new Error(`parsed ${s}`);
  expect(r.error.code).toBe(400);
  expect(r.error.reason).toBe("BadRequest");
  return r.error.message;
}

describe("parseLabelSelector", () => {
  it("parses every operator and sorts by key", () => {
    expect(parsed("z=1,b==2,c!=3,a in (y,x,x),d notin (q),e,!f,g>5,h<7")).toEqual([
      { key: "a", operator: "in", values: ["x", "y"] },
      { key: "b", operator: "==", values: ["2"] },
      { key: "c", operator: "!=", values: ["3"] },
      { key: "d", operator: "notin", values: ["q"] },
      { key: "e", operator: "exists", values: [] },
      { key: "f", operator: "!", values: [] },
      { key: "g", operator: "gt", values: ["5"] },
      { key: "h", operator: "lt", values: ["7"] },
      { key: "z", operator: "=", values: ["1"] },
    ]);
  });

  it("allows whitespace around tokens and empty values", () => {
    expect(parsed("  app = web ,  tier   in  ( a , b )  ")).toEqual([
      { key: "app", operator: "=", values: ["web"] },
      { key: "tier", operator: "in", values: ["a", "b"] },
    ]);
    expect(parsed("a=")).toEqual([{ key: "a", operator: "=", values: [""] }]);
    expect(parsed("x in (foo,,baz),y,z notin ()")).toEqual([
      { key: "x", operator: "in", values: ["", "baz", "foo"] },
      { key: "y", operator: "exists", values: [] },
      { key: "z", operator: "notin", values: [""] },
    ]);
    expect(parsed("")).toEqual([]);
    expect(parsed("   ")).toEqual([]);
  });

  it("treats in and notin as identifiers where values go", () => {
    expect(parsed("in in (in,notin)")).toEqual([{ key: "in", operator: "in", values: ["in", "notin"] }]);
    expect(parsed("a=in")).toEqual([{ key: "a", operator: "=", values: ["in"] }]);
  });

  it("reports syntax errors with labels.Parse's messages", () => {
    expect(parseError("a in")).toBe("unable to parse requirement: found '' expected: '('");
    expect(parseError("a b")).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(parseError("a=b c")).toBe("found 'c', expected: ',' or 'end of string'");
    expect(parseError("a=b,")).toBe("found '', expected: identifier after ','");
    expect(parseError(",a")).toBe("found ',', expected: !, identifier, or 'end of string'");
    expect(parseError("a in (b c)")).toBe("unable to parse requirement: found 'c', expected: ',' or ')'");
    expect(parseError("a in (=)")).toBe("unable to parse requirement: found '=', expected: ',', ')' or identifier");
    expect(parseError("a===b")).toBe("unable to parse requirement: found '=', expected: identifier");
    expect(parseError("!a=b")).toBe("found '=', expected: ',' or 'end of string'");
    expect(parseError("!")).toBe("unable to parse requirement: found '', expected: identifier");
  });

  it("reports invalid keys and values as Kubernetes does", () => {
    expect(parseError("app:monolith")).toBe(
      `unable to parse requirement: <nil>: Invalid value: "app:monolith": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
    expect(parseError("a=b$")).toBe(
      `unable to parse requirement: values[0][a]: Invalid value: "b$": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
    expect(parseError("a>b")).toBe(`unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`);
  });
});

describe("labelKeyErrors", () => {
  it("checks prefix and name", () => {
    expect(labelKeyErrors("example.com/app")).toEqual([]);
    expect(labelKeyErrors("/app")).toEqual(["prefix part must be non-empty"]);
    expect(labelKeyErrors("Example.com/app")[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain .*'\[a-z0-9\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?\(\\\.\[a-z0-9\]/);
    expect(labelKeyErrors("a/b/c")[0]).toMatch(/^a qualified name must consist .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
    expect(labelKeyErrors("x".repeat(64))).toEqual(["name part must be no more than 63 characters"]);
  });
});

describe("matchesLabels", () => {
  const labels = { app: "web", tier: "front", n: "10" };
  it.each([
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["missing!=x", true],
    ["app in (web,api)", true],
    ["missing in (x)", false],
    ["app notin (api)", true],
    ["missing notin (x)", true],
    ["tier", true],
    ["!tier", false],
    ["!missing", true],
    ["n>9", true],
    ["n<10", false],
    ["app>1", false],
    ["app=web,tier=back", false],
    ["", true],
  ])("%s is %s", (sel, expected) => {
    expect(matchesLabels(parsed(sel), labels)).toBe(expected);
  });

  it("matches nothing for a null selector", () => {
    expect(matchesLabels(null, labels)).toBe(false);
  });
});

describe("fromLabelSelector", () => {
  it("converts matchLabels and matchExpressions", () => {
    const r = fromLabelSelector({
      matchLabels: { tier: "front", app: "web" },
      matchExpressions: [
        { key: "env", operator: "In", values: ["prod", "dev"] },
        { key: "canary", operator: "DoesNotExist" },
        { key: "zone", operator: "Exists" },
        { key: "team", operator: "NotIn", values: ["x"] },
      ],
    });
    expect(r.ok && formatSelector(r.value)).toBe("app=web,!canary,env in (dev,prod),team notin (x),tier=front,zone");
  });

  it("matches nothing when null and everything when empty", () => {
    expect(fromLabelSelector(null)).toEqual({ ok: true, value: null });
    expect(fromLabelSelector({})).toEqual({ ok: true, value: [] });
  });

  it("rejects unknown operators and bad keys", () => {
    const op = fromLabelSelector({ matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] });
    expect(!op.ok && op.error.message).toBe('"Gt" is not a valid label selector operator');
    const empty = fromLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: [] }] });
    expect(!empty.ok && empty.error.message).toBe("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
  });
});

describe("formatSelector and friends", () => {
  it("round-trips the string form", () => {
    const s = "app=web,!canary,n>3,tier in (a,b),x!=y,zone";
    expect(formatSelector(parsed(s))).toBe(s);
    expect(formatSelector(null)).toBe("");
  });

  it("describes spec selectors as kubectl does", () => {
    expect(describeLabelSelector({ matchLabels: { app: "web" } })).toBe("app=web");
    expect(describeLabelSelector({})).toBe("<none>");
    expect(describeLabelSelector({ matchLabels: { "bad key": "x" } })).toBe("<error>");
  });

  it("finds the value a selector pins", () => {
    expect(requiredLabelValue(parsed("app in (web),x=1"), "app")).toBe("web");
    expect(requiredLabelValue(parsed("app in (a,b)"), "app")).toBeUndefined();
    expect(requiredLabelValue(parsed("app!=a"), "app")).toBeUndefined();
  });
});
