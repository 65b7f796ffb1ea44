// The ReplicaSet controller's decision logic: decideReplicaSet(observed) → Decision.
export { decideReplicaSet, podCreateFailedEvent, podDeleteFailedEvent, podFromTemplate, slowStartBatchSize } from "./decide";
export { rankPodsForDeletion, podsToDelete } from "./ranking";
export { claimObjects, withControllerRef, withoutOwnerRef, type Claim } from "./claim";
export { calculateReplicaSetStatus, replicaSetStatusEqual } from "./status";
export {
  CREATED_NAME,
  POD_TEMPLATE_HASH_LABEL,
  REPLICA_FAILURE,
  type PodTemplate,
  type ReplicaSet,
  type ReplicaSetFailure,
  type ReplicaSetInput,
  type ReplicaSetStatus,
} from "./types";
