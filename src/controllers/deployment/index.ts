// The Deployment controller's decision logic: decideDeployment(observed) → Decision.
export { decideDeployment } from "./decide";
export { replicaSetCreateFailed } from "./failed";
export { OLD_PODS_POLL_MS } from "./recreate";
export { maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts, scaledValue } from "./arithmetic";
export { equalIgnoreHash, findNewReplicaSet } from "./replicasets";
export { appendRevisionHistory, maxRevision, MAX_REVISION_HISTORY_CHARS } from "./revision";
export { deploymentComplete } from "./progress";
export {
  AVAILABLE,
  CHANGE_CAUSE,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  PROGRESSING,
  REVISION,
  REVISION_HISTORY,
  Reason,
  type Deployment,
  type DeploymentInput,
  type DeploymentStatus,
  type DeploymentStrategy,
  type IntOrPercent,
} from "./types";
