// A Job's pods: when a pod counts as failed, the tracking finalizer, and the pod a Job creates
// from its template (with the finalizer, and for Indexed Jobs the index as annotation, label,
// hostname, name prefix and JOB_COMPLETION_INDEX).
import { podFromTemplate } from "../replicaset/decide";
import { indexFailureCount, indexIgnoredFailureCount } from "./backoff";
import { matchPodFailurePolicy } from "./policy";
import { COMPLETION_INDEX, COMPLETION_INDEX_ENV, INDEX_FAILURE_COUNT, INDEX_IGNORED_FAILURE_COUNT, JOB_TRACKING_FINALIZER, type Job, type Pod } from "./types";

/** apiserver's names.MaxGeneratedNameLength: a generated name adds 5 characters to its prefix. */
const MAX_GENERATED_NAME_LENGTH = 63 - 5;

export function isIndexed(job: Job): boolean {
  return job.spec?.completionMode === "Indexed";
}

export function hasBackoffLimitPerIndex(job: Job): boolean {
  return job.spec?.backoffLimitPerIndex !== undefined;
}

/** onlyReplaceFailedPods: terminating pods are replaced only once they have failed. */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === "Failed" || job.spec?.podFailurePolicy !== undefined;
}

/** isPodFailed: phase Failed, or (unless only failed pods are replaced) deleted before it succeeded. */
export function isPodFailed(pod: Pod, job: Job): boolean {
  const phase = pod.status?.phase;
  if (phase === "Failed") return true;
  if (onlyReplaceFailedPods(job)) return false;
  return Boolean(pod.metadata.deletionTimestamp) && phase !== "Succeeded";
}

/** controller.IsPodTerminating: being deleted and not yet in a terminal phase. */
export function isPodTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.metadata.deletionTimestamp) && phase !== "Failed" && phase !== "Succeeded";
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

/** The pod without the tracking finalizer, to write with `update` (Kubernetes patches it away). */
export function withoutTrackingFinalizer(pod: Pod): Pod {
  const finalizers = (pod.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
  const { finalizers: _dropped, ...metadata } = pod.metadata;
  return { ...pod, metadata: finalizers.length ? { ...metadata, finalizers } : metadata };
}

/** podGenerateNameWithIndex: `<job>-<index>-`, the job name cut so a generated name stays a DNS label. */
function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? jobName.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}

type Container = { env?: { name: string; [field: string]: unknown }[]; [field: string]: unknown };

/** addCompletionIndexEnvVariable: JOB_COMPLETION_INDEX from the index label, unless the container sets it. */
function withIndexEnv(container: Container): Container {
  const env = container.env ?? [];
  if (env.some((e) => e.name === COMPLETION_INDEX_ENV)) return container;
  return { ...container, env: [...env, { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } } }] };
}

/** getNewIndexFailureCounts: the counts a replacement carries on from the failed pod it replaces. */
function failureCounts(job: Job, replaced: Pod | undefined): { failed: number; ignored: number } {
  if (!replaced) return { failed: 0, ignored: 0 };
  let failed = indexFailureCount(replaced);
  let ignored = indexIgnoredFailureCount(replaced);
  if (matchPodFailurePolicy(job.spec ?? {}, replaced).countFailed) failed++;
  else ignored++;
  return { failed, ignored };
}

function addIndex(job: Job, pod: Pod, index: number, replaced: Pod | undefined): void {
  const name = job.metadata.name ?? "";
  const annotations: Record<string, string> = { ...pod.metadata.annotations, [COMPLETION_INDEX]: String(index) };
  if (hasBackoffLimitPerIndex(job)) {
    const counts = failureCounts(job, replaced);
    annotations[INDEX_FAILURE_COUNT] = String(counts.failed);
    if (counts.ignored > 0) annotations[INDEX_IGNORED_FAILURE_COUNT] = String(counts.ignored);
  }
  pod.metadata.annotations = annotations;
  pod.metadata.labels = { ...pod.metadata.labels, [COMPLETION_INDEX]: String(index) };
  pod.metadata.generateName = generateNameWithIndex(name, index);
  const spec = pod.spec ?? {};
  const containers = (spec.containers ?? []) as Container[];
  const initContainers = spec.initContainers as Container[] | undefined;
  pod.spec = { ...spec, hostname: `${name}-${index}`, containers: containers.map(withIndexEnv), ...(initContainers ? { initContainers: initContainers.map(withIndexEnv) } : {}) };
}

/**
 * The pod manageJob creates: the template's pod with the tracking finalizer and, for an index,
 * the index (and the failure counts of the pod it replaces when backoffLimitPerIndex is set).
 */
export function podForJob(job: Job, index?: number, replaced?: Pod): Pod {
  const pod = podFromTemplate({ ...job, status: undefined, spec: { template: job.spec?.template } });
  const finalizers = pod.metadata.finalizers ?? [];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) pod.metadata.finalizers = [...finalizers, JOB_TRACKING_FINALIZER];
  if (index !== undefined) addIndex(job, pod, index, replaced);
  return pod;
}
