// The DaemonSet fields the controller reads and writes, declared locally (a DaemonSet from the
// registry is structurally one of these), the words Kubernetes uses (labels, annotations, event
// reasons), and what one pass takes in and gives back.
import type { KubeObject } from "../../apis/types";
import type { LabelSelectorSpec } from "../../api/labels";
import type { Pod, StatusCondition } from "../podutil";
import type { PodTemplate } from "../replicaset/types";
import type { NodeLike } from "../../scheduler/types";
import type { Action } from "../types";

export type IntOrPercent = number | string;

export interface DaemonSetUpdateStrategy {
  type?: string;
  rollingUpdate?: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent };
}

export interface DaemonSetStatus {
  currentNumberScheduled?: number;
  numberMisscheduled?: number;
  desiredNumberScheduled?: number;
  numberReady?: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: StatusCondition[];
}

export interface DaemonSet extends KubeObject {
  spec?: {
    selector?: LabelSelectorSpec;
    template?: PodTemplate;
    updateStrategy?: DaemonSetUpdateStrategy;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: DaemonSetStatus;
}

export interface ControllerRevision extends KubeObject {
  data?: Record<string, unknown>;
  revision?: number;
}

/** flowcontrol.Backoff's entry for one node's failed daemon pods. */
export interface BackoffEntry {
  delayMs: number;
  lastUpdate: number;
}

export interface DaemonSetInput {
  ds: DaemonSet;
  /** Every Node. */
  nodes: NodeLike[];
  /** The pods of the namespace the DaemonSet owns, and orphans it may adopt (others are ignored). */
  pods: Pod[];
  /** The ControllerRevisions of the DaemonSet's namespace (others' included: a name collision shows there). */
  revisions: ControllerRevision[];
  /** The clock, ms since the epoch. */
  now: number;
  /** Backoff for deleting failed pods, by failedPodsBackoffKey; kept by the reconciler between passes. */
  backoff?: ReadonlyMap<string, BackoffEntry>;
}

export interface DaemonSetDecision {
  actions: Action[];
  requeueAfterMs?: number;
  /** The failed-pod backoff to keep for the next pass. */
  backoff: Map<string, BackoffEntry>;
}

/** apps.DefaultDaemonSetUniqueLabelKey (= ControllerRevisionHashLabelKey). */
export const REVISION_HASH_LABEL = "controller-revision-hash";
/** extensions.DaemonSetTemplateGenerationKey, set on pods when the DaemonSet carries the annotation below. */
export const TEMPLATE_GENERATION_LABEL = "pod-template-generation";
/** apps.DeprecatedTemplateGeneration: the template generation older API servers kept. */
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

export const Reason = {
  FailedDaemonPod: "FailedDaemonPod",
  SucceededDaemonPod: "SucceededDaemonPod",
  SuccessfulCreate: "SuccessfulCreate",
  SuccessfulDelete: "SuccessfulDelete",
} as const;

export const DS_RESOURCE = "apps/daemonsets";
export const REVISION_RESOURCE = "apps/controllerrevisions";
