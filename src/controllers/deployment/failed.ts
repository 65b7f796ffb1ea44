// What to write when creating the new ReplicaSet fails (getNewReplicaSet's error path). The
// decision cannot know a create will fail; the reconciler calls this when the create action is
// refused for a reason other than AlreadyExists, executes the actions and backs off. The next
// pass tries again, and a successful create replaces the condition with NewReplicaSetCreated.
import { rfc3339, setCondition } from "../podutil";
import type { Action } from "../types";
import { hasProgressDeadline } from "./progress";
import { PROGRESSING, Reason, type Deployment } from "./types";

export function replicaSetCreateFailed(opts: { deployment: Deployment; replicaSetName: string; message: string; now: number }): Action[] {
  const d = opts.deployment;
  const msg = `Failed to create new replica set "${opts.replicaSetName}": ${opts.message}`;
  const actions: Action[] = [];
  if (hasProgressDeadline(d)) {
    const t = rfc3339(opts.now);
    const conditions = setCondition(d.status?.conditions, { type: PROGRESSING, status: "False", reason: Reason.FailedRSCreate, message: msg, lastUpdateTime: t, lastTransitionTime: t });
    actions.push({ type: "updateStatus", resource: "apps/deployments", object: { ...d, status: { ...d.status, conditions } } });
  }
  actions.push({ type: "event", about: d, eventType: "Warning", reason: Reason.FailedRSCreate, message: msg });
  return actions;
}
