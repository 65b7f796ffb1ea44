// decideDeployment: Kubernetes' syncDeployment as a pure function, in its fixed order:
// selecting-all guard, claim ReplicaSets, deleting, paused, (rollback: nothing in apps/v1),
// scaling event, then the strategy.
import type { Decision } from "../types";
import { checkPausedConditions, syncDeploymentStatus } from "./progress";
import { rolloutRecreate } from "./recreate";
import { claimReplicaSets, deploymentSelector, findNewReplicaSet } from "./replicasets";
import { rolloutRolling } from "./rolling";
import { isScalingEvent, sync } from "./sync";
import type { Deployment, DeploymentInput } from "./types";
import { newWork, toDecision, type Work } from "./work";

function selectsEverything(d: Deployment): boolean {
  const s = d.spec?.selector;
  return s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

/**
 * An empty selector would take every pod of the namespace: Kubernetes refuses to act, warns, and
 * only records that it saw the generation. We warn once per generation, so that a Deployment
 * left like that stays quiet.
 */
function selectingAll(work: Work): Decision {
  const d = work.d;
  if ((d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)) return { actions: [] };
  work.events.push({ type: "event", about: d, eventType: "Warning", reason: "SelectingAll", message: "This deployment is selecting all pods. A non-empty selector is required." });
  work.finalStatus = { ...work.status, observedGeneration: d.metadata.generation };
  return toDecision(work);
}

/** syncStatusOnly: the status from the owned ReplicaSets, touching none of them (no revision or annotation sync). */
function statusOnly(work: Work, owned: ReturnType<typeof claimReplicaSets>): void {
  const newRS = findNewReplicaSet(work.d, owned);
  syncDeploymentStatus(work, owned, newRS);
}

/**
 * One pass of the Deployment controller. Actions: the new ReplicaSet (create), ReplicaSet
 * updates (adoption, release, annotations, scaling) each followed by its ScalingReplicaSet event
 * when its size changed, deletions of ReplicaSets beyond revisionHistoryLimit, other events, then
 * at most one write of the Deployment (its status, or else its revision annotation).
 * A converged Deployment yields no actions.
 */
export function decideDeployment(input: DeploymentInput): Decision {
  const work = newWork(input);
  const d = work.d;
  const selector = deploymentSelector(d);
  // An unparseable selector is refused by validation; Kubernetes gives up on such an object too.
  if (selector === undefined) return { actions: [] };
  if (selectsEverything(d)) return selectingAll(work);

  const owned = claimReplicaSets(work, selector);
  if (d.metadata.deletionTimestamp) {
    // Kubernetes only syncs the status of a Deployment being deleted; we also leave its children alone.
    statusOnly(work, owned);
    return toDecision(work);
  }
  checkPausedConditions(work);
  if (d.spec?.paused) {
    sync(work, owned);
    return toDecision(work);
  }
  // apps/v1 has no spec.rollbackTo: `kubectl rollout undo` writes the old template, an ordinary rollout.
  const newRS = findNewReplicaSet(d, owned);
  if (isScalingEvent(work, newRS, owned.filter((rs) => rs !== newRS))) {
    sync(work, owned);
    return toDecision(work);
  }
  if (d.spec?.strategy?.type === "Recreate") rolloutRecreate(work, owned, input.pods);
  else if (d.spec?.strategy?.type === "RollingUpdate") rolloutRolling(work, owned);
  else statusOnly(work, owned);
  return toDecision(work);
}
