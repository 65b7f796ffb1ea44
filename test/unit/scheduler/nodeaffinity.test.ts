import { describe, expect, it } from "vitest";
import { compileRequired, requiredMatches } from "../../../src/scheduler/nodeaffinity";
import type { NodeSelectorTerm, PodSpecLike } from "../../../src/scheduler/types";

function matches(spec: PodSpecLike, labels: Record<string, string>, name = "n1"): boolean {
  const req = compileRequired(spec);
  return req === undefined || requiredMatches(req, labels, name);
}

function terms(...nodeSelectorTerms: NodeSelectorTerm[]): PodSpecLike {
  return { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } } };
}

describe("required node affinity", () => {
  it("matches nodeSelector labels exactly", () => {
    expect(matches({ nodeSelector: { disk: "ssd" } }, { disk: "ssd" })).toBe(true);
    expect(matches({ nodeSelector: { disk: "ssd" } }, { disk: "hdd" })).toBe(false);
    expect(matches({ nodeSelector: { disk: "" } }, {})).toBe(false);
  });

  it.each<[string, NodeSelectorTerm, boolean]>([
    ["In", { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }, true],
    ["In, missing value", { matchExpressions: [{ key: "zone", operator: "In", values: ["c"] }] }, false],
    ["NotIn", { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["c"] }] }, true],
    ["NotIn on a missing label", { matchExpressions: [{ key: "gpu", operator: "NotIn", values: ["x"] }] }, true],
    ["Exists", { matchExpressions: [{ key: "zone", operator: "Exists" }] }, true],
    ["DoesNotExist", { matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, false],
    ["Gt", { matchExpressions: [{ key: "cores", operator: "Gt", values: ["7"] }] }, true],
    ["Gt, equal", { matchExpressions: [{ key: "cores", operator: "Gt", values: ["8"] }] }, false],
    ["Lt", { matchExpressions: [{ key: "cores", operator: "Lt", values: ["9"] }] }, true],
    ["Gt on a non-integer label", { matchExpressions: [{ key: "zone", operator: "Gt", values: ["1"] }] }, false],
    ["Gt with two values is invalid", { matchExpressions: [{ key: "cores", operator: "Gt", values: ["1", "2"] }] }, false],
    ["expressions are ANDed", { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }, { key: "cores", operator: "Lt", values: ["4"] }] }, false],
    ["matchFields metadata.name In", { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }, true],
    ["matchFields metadata.name NotIn", { matchFields: [{ key: "metadata.name", operator: "NotIn", values: ["n1"] }] }, false],
    ["matchFields on another field is invalid", { matchFields: [{ key: "spec.podCIDR", operator: "In", values: ["x"] }] }, false],
    ["an empty term matches nothing", {}, false],
  ])("%s", (_name, term, expected) => {
    expect(matches(terms(term), { zone: "a", cores: "8" })).toBe(expected);
  });

  it("ORs the terms and ANDs them with nodeSelector", () => {
    const spec = terms({ matchExpressions: [{ key: "zone", operator: "In", values: ["x"] }] }, { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] });
    expect(matches(spec, { zone: "a" })).toBe(true);
    expect(matches({ ...spec, nodeSelector: { disk: "ssd" } }, { zone: "a" })).toBe(false);
  });

  it("finds the node names a DaemonSet-style term pins", () => {
    const pinned = compileRequired(terms({ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1", "n2"] }] }));
    expect(pinned?.nodeNames).toEqual(new Set(["n1", "n2"]));
    const open = compileRequired(terms({ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }, { matchExpressions: [{ key: "zone", operator: "Exists" }] }));
    expect(open?.nodeNames).toBeUndefined();
    const conflict = compileRequired(
      terms({
        matchFields: [
          { key: "metadata.name", operator: "In", values: ["n1"] },
          { key: "metadata.name", operator: "In", values: ["n2"] },
        ],
      }),
    );
    expect(conflict?.nodeNames).toEqual(new Set());
  });
});
