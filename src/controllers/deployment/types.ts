// The Deployment fields the controller reads and writes, declared locally (a Deployment from the
// registry is structurally one of these), and the words Kubernetes uses: annotations, condition
// types and reasons.
import type { KubeObject } from "../../apis/types";
import type { LabelSelectorSpec } from "../../api/labels";
import type { Pod, StatusCondition } from "../podutil";
import type { PodTemplate, ReplicaSet } from "../replicaset/types";

export type IntOrPercent = number | string;

export interface DeploymentStrategy {
  type?: string;
  rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent };
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: StatusCondition[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: LabelSelectorSpec;
    template?: PodTemplate;
    strategy?: DeploymentStrategy;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: DeploymentStatus;
}

export interface DeploymentInput {
  deployment: Deployment;
  /**
   * The ReplicaSets of the Deployment's namespace: at least those whose labels match its selector
   * and those whose ownerReferences name it, plus the one named `<deployment>-<hash>` if it exists
   * (to detect a hash collision). Listing the whole namespace satisfies all three.
   */
  replicaSets: ReplicaSet[];
  /**
   * Pods of the namespace matching the Deployment's selector. Only the Recreate strategy reads
   * them, to wait until no old pod is left (terminating ones included) before starting new ones.
   */
  pods: Pod[];
  /** The clock, ms since the epoch. */
  now: number;
}

export const REVISION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
export const CHANGE_CAUSE = "kubernetes.io/change-cause";
export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
/** extensions/v1beta1's rollback request; apps/v1 has no rollbackTo (`kubectl rollout undo` patches the template). */
export const DEPRECATED_ROLLBACK_TO = "deprecated.deployment.rollback.to";

export const PROGRESSING = "Progressing";
export const AVAILABLE = "Available";
export const REPLICA_FAILURE = "ReplicaFailure";

/** Condition reasons, as deployment_util.go spells them. */
export const Reason = {
  ReplicaSetUpdated: "ReplicaSetUpdated",
  FailedRSCreate: "ReplicaSetCreateError",
  NewReplicaSetCreated: "NewReplicaSetCreated",
  FoundNewReplicaSet: "FoundNewReplicaSet",
  NewReplicaSetAvailable: "NewReplicaSetAvailable",
  ProgressDeadlineExceeded: "ProgressDeadlineExceeded",
  DeploymentPaused: "DeploymentPaused",
  DeploymentResumed: "DeploymentResumed",
  MinimumReplicasAvailable: "MinimumReplicasAvailable",
  MinimumReplicasUnavailable: "MinimumReplicasUnavailable",
} as const;

/** Go's math.MaxInt32: a progressDeadlineSeconds or revisionHistoryLimit that means "never" / "keep all". */
export const MAX_INT32 = 2147483647;
