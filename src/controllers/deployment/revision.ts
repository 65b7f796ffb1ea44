// Revision bookkeeping on ReplicaSets (deployment_util.go): the revision annotation, the history
// of revisions a ReplicaSet served again after a rollback, the replicas annotations, and the
// Deployment annotations copied onto its new ReplicaSet (kubernetes.io/change-cause among them).
import { desiredReplicas, maxSurge } from "./arithmetic";
import { DEPRECATED_ROLLBACK_TO, DESIRED_REPLICAS, LAST_APPLIED, MAX_REPLICAS, REVISION, REVISION_HISTORY, type Deployment } from "./types";
import type { ReplicaSet } from "../replicaset/types";

/** Keep revision-history under this many characters (about 100 revisions), as Kubernetes does. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/** Annotations that belong to the controller, not to the user: never copied from the Deployment. */
const NOT_COPIED: ReadonlySet<string> = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, DEPRECATED_ROLLBACK_TO]);

/** Revision(): the revision annotation, 0 when absent, undefined when not a number (then it is skipped). */
export function revisionOf(rs: ReplicaSet): number | undefined {
  const raw = rs.metadata.annotations?.[REVISION];
  if (raw === undefined) return 0;
  return /^[+-]?\d+$/.test(raw) ? Number(raw) : undefined;
}

/** MaxRevision: the highest parseable revision, 0 for none. */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs) ?? 0), 0);
}

/** Annotations of `rs`, made writable (the caller works on its own copy of the object). */
function annotationsOf(rs: ReplicaSet): Record<string, string> {
  rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}) };
  return rs.metadata.annotations;
}

/** copyDeploymentAnnotationsToReplicaSet: add or overwrite, never remove. */
function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const annotations = annotationsOf(rs);
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations: desired-replicas and max-replicas; whether they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = annotationsOf(rs);
  let changed = false;
  if (annotations[DESIRED_REPLICAS] !== String(desired)) {
    annotations[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (annotations[MAX_REPLICAS] !== String(max)) {
    annotations[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata.annotations ?? {};
  return annotations[DESIRED_REPLICAS] !== String(desired) || annotations[MAX_REPLICAS] !== String(max);
}

/**
 * Append `old` to a comma-separated revision history, dropping the oldest entries to stay within
 * the limit. Worked example: "1,3" + "4" → "1,3,4".
 */
export function appendRevisionHistory(history: string | undefined, old: string, limit: number = MAX_REVISION_HISTORY_CHARS): string | undefined {
  if (!history) return old;
  const entries = history.split(",");
  let total = history.length + old.length + 1;
  let start = 0;
  while (total > limit && start < entries.length) {
    total -= entries[start].length + 1;
    start++;
  }
  // Kubernetes keeps the history unchanged when even the newest entry does not fit.
  return total <= limit ? [...entries.slice(start), old].join(",") : history;
}

/**
 * SetNewReplicaSetAnnotations on our copy of the new ReplicaSet: copy the Deployment's
 * annotations, raise the revision to `newRevision` if it is lower (keeping the old number in
 * revision-history: a rollback made an old ReplicaSet new again), and for a ReplicaSet about to
 * be created the replicas annotations. Returns whether anything changed.
 * Worked example: an old ReplicaSet at revision 1 matches the template again while the highest
 * old revision is 2 → revision "3", revision-history "1".
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const annotations = annotationsOf(rs);
  const oldRaw = annotations[REVISION];
  const old = oldRaw === undefined || oldRaw === "" ? 0 : /^[+-]?\d+$/.test(oldRaw) ? Number(oldRaw) : undefined;
  // A revision that is not a number is left alone, as Kubernetes leaves it.
  if (old !== undefined && old < newRevision) {
    annotations[REVISION] = String(newRevision);
    changed = true;
    if (oldRaw !== undefined) {
      const history = appendRevisionHistory(annotations[REVISION_HISTORY], oldRaw);
      if (history !== undefined) annotations[REVISION_HISTORY] = history;
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}
