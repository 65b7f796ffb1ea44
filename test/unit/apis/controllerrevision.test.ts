import { describe, expect, it } from "vitest";
import { controllerRevisionKind } from "../../../src/apis/apps/v1/controllerrevision";
import { kindByResource } from "../../../src/apis/registry";
import { admit, ago, obj, problems, row } from "./kindtesting";

const revision = (extra: Record<string, unknown> = {}) => ({
  apiVersion: "apps/v1",
  kind: "ControllerRevision",
  metadata: {
    name: "agent-7c5ddbdf54",
    namespace: "default",
    creationTimestamp: ago(30),
    ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "agent", uid: "u1", controller: true }],
  },
  data: { spec: { template: { $patch: "replace", spec: { containers: [{ name: "c", image: "agent:1" }] } } } },
  revision: 2,
  ...extra,
});

describe("ControllerRevision", () => {
  it("is served as apps/v1 controllerrevisions", () => {
    expect(kindByResource("apps", "v1", "controllerrevisions")).toBe(controllerRevisionKind);
  });

  it("keeps any JSON in data, requires it, and refuses a negative revision", () => {
    expect(problems(controllerRevisionKind, admit(controllerRevisionKind, revision()))).toEqual([]);
    expect(problems(controllerRevisionKind, admit(controllerRevisionKind, revision({ data: undefined, revision: -1 })))).toEqual([
      "data: Required value: data is mandatory",
      "revision: Invalid value: -1: must be greater than or equal to 0",
    ]);
  });

  it("never changes its data", () => {
    const old = admit(controllerRevisionKind, revision());
    const renumbered = admit(controllerRevisionKind, revision({ revision: 3 }));
    expect(problems(controllerRevisionKind, renumbered, old)).toEqual([]);
    const rewritten = admit(controllerRevisionKind, revision({ data: { spec: {} } }));
    expect(problems(controllerRevisionKind, rewritten, old)).toEqual(['data: Invalid value: {"spec":{}}: field is immutable']);
  });

  it("shows CONTROLLER REVISION AGE", () => {
    expect(row(controllerRevisionKind, obj(revision()))).toEqual({ Controller: "daemonset.apps/agent", Revision: 2, Age: "30s" });
    expect(row(controllerRevisionKind, obj(revision({ metadata: { name: "x", creationTimestamp: ago(30) } })))).toMatchObject({ Controller: "<none>" });
  });
});
