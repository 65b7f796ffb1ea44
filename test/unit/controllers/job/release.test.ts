import { describe, expect, it } from "vitest";
import { releaseTrackedPods } from "../../../../src/controllers/job/release";
import { JOB_TRACKING_FINALIZER } from "../../../../src/controllers/job/types";
import { pod } from "../fixtures";

describe("pods of a Job that is gone or being deleted", () => {
  it("lose the tracking finalizer; other pods and other finalizers are left alone", () => {
    const tracked = (name: string, kind: string) => {
      const p = pod({ name, owner: { name: "work", uid: "uid-work", kind } });
      p.metadata.ownerReferences = p.metadata.ownerReferences?.map((r) => ({ ...r, apiVersion: kind === "Job" ? "batch/v1" : "apps/v1" }));
      p.metadata.finalizers = [JOB_TRACKING_FINALIZER, "example.com/keep"];
      return { resource: "pods", object: p };
    };
    const actions = releaseTrackedPods("uid-work", [tracked("a", "Job"), tracked("b", "ReplicaSet"), { resource: "pods", object: pod({ name: "c", owner: { name: "work", uid: "uid-work", kind: "Job" } }) }]);
    expect(actions).toHaveLength(1);
    expect(actions[0].type === "update" && actions[0].object.metadata).toMatchObject({ name: "a", finalizers: ["example.com/keep"] });
  });
});
