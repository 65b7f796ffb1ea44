// decideReplicaSet: Kubernetes' syncReplicaSet as a pure function (pkg/controller/replicaset/
// replica_set.go). Claim the active pods (adopt matching orphans, release owned pods that stopped
// matching), create or delete to reach spec.replicas, then write the status if it changed.
import { fromLabelSelector, matchesLabels } from "../../api/labels";
import type { Action, Decision } from "../types";
import { controllerRef, isPodActive, type Pod } from "../podutil";
import { claimObjects } from "./claim";
import { podsToDelete } from "./ranking";
import { availabilityRequeue, calculateReplicaSetStatus, replicaSetStatusEqual } from "./status";
import { CREATED_NAME, type ReplicaSet, type ReplicaSetInput } from "./types";
import { clone } from "../../util/json";

const DEFAULT_BURST_REPLICAS = 500;

/**
 * Slow start: how many pods to create in this pass. Kubernetes' slowStartBatch creates batches of
 * 1, 2, 4, 8... within one sync and stops at the first batch with a failure, so that a template
 * that cannot be created costs one failed call, not hundreds. Here a pass makes one batch, sized
 * by how many pods already exist: the largest power of two not above existing + 1. A failing
 * template never gets pods, so it stays at batches of 1 (and the reconciler's backoff).
 * Worked examples, 10 missing of 10: existing 0 → 1; 1 → 2; 3 → 4; 7 → 3 (only 3 still missing).
 */
export function slowStartBatchSize(missing: number, existing: number, burst: number = DEFAULT_BURST_REPLICAS): number {
  let size = 1;
  while (size * 2 <= existing + 1) size *= 2;
  return Math.max(0, Math.min(size, missing, burst));
}

/** controller.GetPodFromTemplate: labels, annotations and finalizers of the template, its spec, our reference. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const template = rs.spec?.template ?? {};
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${rs.metadata.name ?? ""}-`,
      namespace: rs.metadata.namespace,
      ownerReferences: [controllerRef(rs)],
    },
    spec: clone(template.spec ?? {}),
  };
  if (meta.labels && Object.keys(meta.labels).length > 0) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations && Object.keys(meta.annotations).length > 0) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers && meta.finalizers.length > 0) pod.metadata.finalizers = [...meta.finalizers];
  if (!pod.metadata.namespace) delete pod.metadata.namespace;
  return pod;
}

interface Managed {
  actions: Action[];
  /** More pods are missing than this pass creates. */
  moreToCreate: boolean;
}

/** manageReplicas: one slow-start batch of creates, or the most expendable pods deleted. */
function manageReplicas(input: ReplicaSetInput, owned: Pod[]): Managed {
  const { rs } = input;
  const burst = input.burstReplicas ?? DEFAULT_BURST_REPLICAS;
  const diff = owned.length - (rs.spec?.replicas ?? 1);
  const actions: Action[] = [];
  if (diff < 0) {
    const batch = slowStartBatchSize(-diff, owned.length, burst);
    for (let i = 0; i < batch; i++) {
      actions.push({ type: "create", resource: "pods", object: podFromTemplate(rs) });
      actions.push({ type: "event", about: rs, eventType: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${CREATED_NAME}` });
    }
    return { actions, moreToCreate: batch < -diff };
  }
  if (diff > 0) {
    const related = input.relatedPods ?? owned;
    for (const pod of podsToDelete(owned, related, Math.min(diff, burst), input.now)) {
      const name = pod.metadata.name ?? "";
      actions.push({ type: "delete", resource: "pods", namespace: pod.metadata.namespace ?? "", name, uid: pod.metadata.uid });
      actions.push({ type: "event", about: rs, eventType: "Normal", reason: "SuccessfulDelete", message: `Deleted pod: ${name}` });
    }
  }
  return { actions, moreToCreate: false };
}

/** The Warning Kubernetes' pod control records when a create fails: the reconciler emits it instead of the SuccessfulCreate. */
export function podCreateFailedEvent(rs: ReplicaSet, message: string): Action {
  return { type: "event", about: rs, eventType: "Warning", reason: "FailedCreate", message: `Error creating: ${message}` };
}

/** The Warning for a failed pod delete, as Kubernetes words it. */
export function podDeleteFailedEvent(rs: ReplicaSet, message: string): Action {
  return { type: "event", about: rs, eventType: "Warning", reason: "FailedDelete", message: `Error deleting: ${message}` };
}

function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}

/**
 * One pass of the ReplicaSet controller. Actions come in this order: adoptions and releases
 * (pod updates), creates each followed by its SuccessfulCreate event, or deletes each followed by
 * its SuccessfulDelete event, then the status. A converged ReplicaSet yields no actions.
 */
export function decideReplicaSet(input: ReplicaSetInput): Decision {
  const { rs, now } = input;
  const selector = fromLabelSelector(rs.spec?.selector);
  // An unparseable selector is refused by validation; Kubernetes gives up on such an object too.
  if (!selector.ok) return { actions: [] };
  const namespace = rs.metadata.namespace ?? "";
  // Terminated and terminating pods are neither claimed nor counted: replacements start at once.
  const active = input.pods.filter((p) => (p.metadata.namespace ?? "") === namespace && isPodActive(p));
  const claim = claimObjects(rs, active, (p) => matchesLabels(selector.value, p.metadata.labels));

  const actions: Action[] = [
    ...claim.adopted.map((object): Action => ({ type: "update", resource: "pods", object })),
    ...claim.released.map((object): Action => ({ type: "update", resource: "pods", object })),
  ];
  let moreToCreate = false;
  if (!rs.metadata.deletionTimestamp) {
    const managed = manageReplicas(input, claim.claimed);
    actions.push(...managed.actions);
    moreToCreate = managed.moreToCreate;
  }

  const status = calculateReplicaSetStatus(rs, claim.claimed, input.failure, now);
  if (!replicaSetStatusEqual(rs.status, status)) {
    actions.push({ type: "updateStatus", resource: "apps/replicasets", object: { ...rs, status } });
  }
  // The next batch goes as soon as this one is written; on a failed create the reconciler's backoff wins.
  const requeueAfterMs = minDefined(moreToCreate ? 0 : undefined, availabilityRequeue(claim.claimed, rs.spec?.minReadySeconds ?? 0, now));
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}
