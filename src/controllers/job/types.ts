// The Job controller's vocabulary: the names Kubernetes gives its finalizer, annotations, labels
// and condition reasons, and the fields of pods it reads beyond podutil's (container states,
// exit codes, finish times). Jobs are the registry's batch/v1 type.
import type { Job } from "../../apis/batch/v1/job";
import type { JobStatus } from "../../apis/batch/v1/jobspec";
import type { Pod } from "../podutil";

export type { Job, JobStatus, Pod };
export type { JobSpec } from "../../apis/batch/v1/jobspec";
export type Uncounted = NonNullable<JobStatus["uncountedTerminatedPods"]>;
/** batch/v1 JobCondition (the schema's inferred type leaves out lastProbeTime). */
export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
}

/** Kept on every pod until the Job has counted it (batch.JobTrackingFinalizer). */
export const JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
/** Annotation and label with an Indexed Job's pod index; JOB_COMPLETION_INDEX reads the label. */
export const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
export const COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";
export const INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";
export const INDEX_IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count";
/** The only spec.managedBy this controller acts on (unset means the same). */
export const JOB_CONTROLLER_NAME = "kubernetes.io/job-controller";

export const REASON = {
  backoffLimitExceeded: "BackoffLimitExceeded",
  deadlineExceeded: "DeadlineExceeded",
  podFailurePolicy: "PodFailurePolicy",
  maxFailedIndexesExceeded: "MaxFailedIndexesExceeded",
  failedIndexes: "FailedIndexes",
  successPolicy: "SuccessPolicy",
  completionsReached: "CompletionsReached",
} as const;

/** The fields of a container status the Job controller reads. */
export interface ContainerStatusView {
  name?: string;
  restartCount?: number;
  state?: { terminated?: { exitCode?: number; finishedAt?: string | null } };
}

/** A pod's container statuses (or init container statuses), as far as the Job controller reads them. */
export function containerStatuses(pod: Pod, init = false): ContainerStatusView[] {
  const list = init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
  return (list ?? []) as ContainerStatusView[];
}

export interface JobInput {
  job: Job;
  /** The Job's pods and the namespace's orphans (which the Job may adopt); others are ignored. */
  pods: Pod[];
  now: number;
}
