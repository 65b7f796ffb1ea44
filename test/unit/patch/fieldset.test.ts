import { describe, expect, it } from "vitest";
import { difference, fromFieldsV1, has, intersection, pathString, paths, setOf, toFieldsV1, union, withoutPrefixes } from "../../../src/api/patch/fieldset";

// managedFields[].fieldsV1 of a `kubectl create deployment nginx --image=nginx --port=80`
// entry, as kube-apiserver 1.32 writes it.
const KUBE_FIELDS = {
  "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
  "f:spec": {
    "f:progressDeadlineSeconds": {},
    "f:replicas": {},
    "f:selector": {},
    "f:template": {
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": {
        "f:containers": {
          'k:{"name":"nginx"}': {
            ".": {},
            "f:image": {},
            "f:name": {},
            "f:ports": { ".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {}, "f:protocol": {} } },
          },
        },
      },
    },
  },
};

describe("field sets", () => {
  it("round-trips Kubernetes' FieldsV1, key order included", () => {
    const set = fromFieldsV1(KUBE_FIELDS);
    expect(set.ok).toBe(true);
    if (!set.ok) return;
    expect(JSON.stringify(toFieldsV1(set.value))).toBe(JSON.stringify(KUBE_FIELDS));
    expect(has(set.value, ["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}'])).toBe(true);
    expect(has(set.value, ["f:spec", "f:template"])).toBe(false);
  });

  it("reads keys canonically, drops unknown element types and rejects malformed ones", () => {
    const set = fromFieldsV1({ 'k:{"protocol":"TCP","containerPort":80}': {}, "x:future": {} });
    expect(set.ok && toFieldsV1(set.value)).toEqual({ 'k:{"containerPort":80,"protocol":"TCP"}': {} });
    expect(fromFieldsV1({ "k:not json": {} }).ok).toBe(false);
    expect(fromFieldsV1({ nocolon: {} }).ok).toBe(false);
  });

  it("prints paths as kube-apiserver does in conflicts", () => {
    expect(pathString(["f:spec", "f:replicas"])).toBe(".spec.replicas");
    expect(pathString(["f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image"])).toBe('.spec.containers[name="nginx"].image');
    expect(pathString(["f:ports", 'k:{"containerPort":80,"protocol":"TCP"}'])).toBe('.ports[containerPort=80,protocol="TCP"]');
    expect(pathString(["f:metadata", "f:finalizers", 'v:"example.com/a"'])).toBe('.metadata.finalizers[="example.com/a"]');
    expect(pathString(["f:args", "i:0"])).toBe(".args[0]");
  });

  it("does set algebra on exact paths, and difference by prefix on request", () => {
    const a = setOf(["f:a"], ["f:b", "f:c"], ["f:b", "f:d"]);
    const b = setOf(["f:b", "f:c"], ["f:e"]);
    expect(paths(union(a, b)).map(pathString)).toEqual([".a", ".e", ".b.c", ".b.d"]);
    expect(paths(intersection(a, b)).map(pathString)).toEqual([".b.c"]);
    expect(paths(difference(a, b)).map(pathString)).toEqual([".a", ".b.d"]);
    expect(paths(difference(a, setOf(["f:b"]))).map(pathString)).toEqual([".a", ".b.c", ".b.d"]);
    expect(paths(withoutPrefixes(a, setOf(["f:b"]))).map(pathString)).toEqual([".a"]);
  });
});
