// The tracking finalizer of a Job that is gone or being deleted: its pods let it go, so that they
// can be deleted in turn (Kubernetes' Job controller does this in its orphan-pod worker and in
// syncJob for deleting Jobs). The garbage collector's passes call this for the dependents of an
// owner that is gone or being deleted; it acts only on pods whose controller reference was a Job.
import type { KubeObject } from "../../apis/types";
import type { Action } from "../types";
import { hasTrackingFinalizer, withoutTrackingFinalizer } from "./pods";

/** A dependent as the garbage collector sees it (structurally its Dependent). */
interface Dependent {
  resource: string;
  object: KubeObject;
}

export function releaseTrackedPods(ownerUid: string, dependents: readonly Dependent[]): Action[] {
  return dependents
    .filter(({ resource, object }) => {
      if (resource !== "pods" || !hasTrackingFinalizer(object)) return false;
      const ref = object.metadata.ownerReferences?.find((r) => r.uid === ownerUid);
      return ref?.controller === true && ref.kind === "Job" && ref.apiVersion === "batch/v1";
    })
    .map(({ object }): Action => ({ type: "update", resource: "pods", object: withoutTrackingFinalizer(object) }));
}
