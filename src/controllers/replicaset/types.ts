// The ReplicaSet fields the controllers read and write, declared locally so that the decision
// logic does not depend on the zod schemas' inferred types (a ReplicaSet from the registry is
// structurally one of these).
import type { KubeObject } from "../../apis/types";
import type { LabelSelectorSpec } from "../../api/labels";
import type { Pod, StatusCondition } from "../podutil";

export interface PodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    [field: string]: unknown;
  };
  spec?: Record<string, unknown>;
}

export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: StatusCondition[];
}

export interface ReplicaSet extends KubeObject {
  spec?: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: LabelSelectorSpec;
    template?: PodTemplate;
  };
  status?: ReplicaSetStatus;
}

export interface ReplicaSetFailure {
  /** FailedCreate or FailedDelete, as Kubernetes names the ReplicaFailure condition's reason. */
  reason: "FailedCreate" | "FailedDelete";
  /** The error text, e.g. `pods "web-abc" is forbidden: exceeded quota`. */
  message: string;
}

export interface ReplicaSetInput {
  rs: ReplicaSet;
  /**
   * Every pod of the namespace that matches the ReplicaSet's selector or whose ownerReferences
   * name the ReplicaSet (the reconciler lists both: by selector and by owner uid). Others are
   * ignored, so passing all pods of the namespace is also correct.
   */
  pods: Pod[];
  /** The clock, ms since the epoch. */
  now: number;
  /**
   * The error of the previous pass's pod creates or deletes, if any (the reconciler keeps it until
   * a pass succeeds). It sets the ReplicaFailure condition; a pass without it clears the condition.
   */
  failure?: ReplicaSetFailure;
  /**
   * Active pods of the sibling ReplicaSets under the same controller (e.g. all ReplicaSets of a
   * Deployment), used to prefer deleting pods on crowded nodes as Kubernetes does. Optional: when
   * absent, the ReplicaSet's own pods are used.
   */
  relatedPods?: Pod[];
  /** The most pods created or deleted in one pass (Kubernetes' burstReplicas); default 500. */
  burstReplicas?: number;
}

/**
 * Placeholder in the message of a SuccessfulCreate event: every such event follows the create
 * action it reports; the reconciler replaces it by the created pod's name.
 */
export { CREATED_NAME } from "../types";

/** apps/v1 ReplicaSet condition type and the label Deployments add. */
export const REPLICA_FAILURE = "ReplicaFailure";
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
