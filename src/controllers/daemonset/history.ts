// A DaemonSet's revision history as ControllerRevisions (update.go constructHistory, snapshot,
// dedupCurHistories, cleanupHistory). Each revision stores the strategic merge patch that puts
// its pod template back, which is what `kubectl rollout undo ds/x` sends; its name and the
// controller-revision-hash label of its pods come from the template's hash.
import { fromLabelSelector, matchesLabels } from "../../api/labels";
import { computeHash, semanticEqual } from "../hash";
import { controllerRef, type Pod } from "../podutil";
import { claimObjects } from "../replicaset/claim";
import type { PodTemplate } from "../replicaset/types";
import type { Action } from "../types";
import { DS_RESOURCE, REVISION_HASH_LABEL, REVISION_RESOURCE, type ControllerRevision, type DaemonSet } from "./types";
import { clone } from "../../util/json";

/** JSON with every object's keys sorted, as Go marshals a map (kubectl compares revisions byte for byte). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, sortedKeys(record[k])]),
  );
}

/**
 * The template as kubectl re-marshals it from Go structs: struct-typed fields are never left out,
 * so every template has metadata.creationTimestamp (null) and every container a resources map.
 */
function goShape(template: PodTemplate): Record<string, unknown> {
  const spec = clone(template.spec ?? {}) as Record<string, unknown>;
  for (const list of ["initContainers", "containers"]) {
    const containers = spec[list];
    if (Array.isArray(containers)) spec[list] = containers.map((c: Record<string, unknown>) => ({ resources: {}, ...c }));
  }
  return { ...template, metadata: { creationTimestamp: null, ...template.metadata }, spec };
}

/** getPatch: `{"spec":{"template":{...,"$patch":"replace"}}}`, keys sorted. */
export function revisionData(ds: DaemonSet): Record<string, unknown> {
  const template = { ...goShape(ds.spec?.template ?? {}), $patch: "replace" };
  return sortedKeys({ spec: { template } }) as Record<string, unknown>;
}

/** Match: the revision restores the DaemonSet's current template (compared semantically). */
export function revisionMatches(ds: DaemonSet, revision: ControllerRevision): boolean {
  const spec = revision.data?.spec as { template?: Record<string, unknown> } | undefined;
  if (!spec?.template) return false;
  const { $patch: _directive, ...template } = spec.template;
  return semanticEqual(template, ds.spec?.template);
}

export const revisionNumber = (r: ControllerRevision): number => r.revision ?? 0;

/** The hash of the template, with the collision count that makes a colliding name unique. */
export function templateHash(ds: DaemonSet): string {
  return computeHash(ds.spec?.template ?? {}, ds.status?.collisionCount);
}

export interface History {
  /** The current revision (the one the template matches), once it exists or is being created. */
  cur?: ControllerRevision;
  old: ControllerRevision[];
  /** Adoptions, releases, labels, the new revision or a renumbered one, duplicates removed. */
  actions: Action[];
  /** A revision of another template holds the name: only the bumped collisionCount is written. */
  collision: boolean;
}

/** ClaimControllerRevisions, plus the hash label that old revisions may lack (their name stands in for it). */
function claimRevisions(ds: DaemonSet, revisions: readonly ControllerRevision[], actions: Action[]): ControllerRevision[] {
  const selector = fromLabelSelector(ds.spec?.selector);
  const namespace = ds.metadata.namespace ?? "";
  const inNamespace = revisions.filter((r) => (r.metadata.namespace ?? "") === namespace);
  const claim = claimObjects(ds, inNamespace, (r) => selector.ok && matchesLabels(selector.value, r.metadata.labels));
  const changed = new Set<ControllerRevision>([...claim.adopted, ...claim.released]);
  const claimed = claim.claimed.map((r) => {
    if (r.metadata.labels?.[REVISION_HASH_LABEL] !== undefined) return r;
    const labelled = { ...r, metadata: { ...r.metadata, labels: { ...r.metadata.labels, [REVISION_HASH_LABEL]: r.metadata.name ?? "" } } };
    changed.delete(r);
    changed.add(labelled);
    return labelled;
  });
  for (const object of changed) actions.push({ type: "update", resource: REVISION_RESOURCE, object });
  return claimed;
}

/** snapshot: the revision of the current template, or the collision that keeps it from being created. */
function snapshot(ds: DaemonSet, revisions: readonly ControllerRevision[], revision: number): { cur?: ControllerRevision; action?: Action; collision: boolean } {
  const hash = templateHash(ds);
  const name = `${ds.metadata.name ?? ""}-${hash}`;
  const existing = revisions.find((r) => r.metadata.name === name && (r.metadata.namespace ?? "") === (ds.metadata.namespace ?? ""));
  if (existing) return revisionMatches(ds, existing) ? { cur: existing, collision: false } : { collision: true };
  const cur: ControllerRevision = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name,
      namespace: ds.metadata.namespace,
      labels: { ...ds.spec?.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
      ownerReferences: [controllerRef(ds)],
    },
    data: revisionData(ds),
    revision,
  };
  if (ds.metadata.annotations) cur.metadata.annotations = { ...ds.metadata.annotations };
  return { cur, action: { type: "create", resource: REVISION_RESOURCE, object: cur }, collision: false };
}

/**
 * dedupCurHistories: of several revisions of the current template the highest stays; pods labelled
 * with a duplicate's hash take the survivor's, then the duplicates go.
 */
function dedup(current: ControllerRevision[], pods: readonly Pod[], actions: Action[]): ControllerRevision {
  const keep = current.reduce((best, r) => (revisionNumber(r) >= revisionNumber(best) ? r : best));
  const keepHash = keep.metadata.labels?.[REVISION_HASH_LABEL] ?? "";
  for (const dup of current) {
    if (dup === keep) continue;
    const dupHash = dup.metadata.labels?.[REVISION_HASH_LABEL];
    for (const pod of pods) {
      if (pod.metadata.labels?.[REVISION_HASH_LABEL] !== dupHash) continue;
      actions.push({ type: "update", resource: "pods", object: { ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata.labels, [REVISION_HASH_LABEL]: keepHash } } } });
    }
    const m = dup.metadata;
    actions.push({ type: "delete", resource: REVISION_RESOURCE, namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid });
  }
  return keep;
}

/** constructHistory: the current revision (created, deduplicated or renumbered to the top) and the old ones. */
export function constructHistory(ds: DaemonSet, revisions: readonly ControllerRevision[], pods: readonly Pod[]): History {
  const actions: Action[] = [];
  const claimed = claimRevisions(ds, revisions, actions);
  const current = claimed.filter((r) => revisionMatches(ds, r));
  const old = claimed.filter((r) => !current.includes(r));
  const next = Math.max(0, ...old.map(revisionNumber)) + 1;
  if (current.length === 0) {
    const snap = snapshot(ds, revisions, next);
    if (snap.collision) {
      const status = { ...ds.status, collisionCount: (ds.status?.collisionCount ?? 0) + 1 };
      return { old, actions: [{ type: "updateStatus", resource: DS_RESOURCE, object: { ...ds, status } }], collision: true };
    }
    if (snap.action) actions.push(snap.action);
    return { cur: snap.cur, old, actions, collision: false };
  }
  let cur = dedup(current, pods, actions);
  if (revisionNumber(cur) < next) {
    cur = { ...cur, revision: next };
    actions.push({ type: "update", resource: REVISION_RESOURCE, object: cur });
  }
  return { cur, old, actions, collision: false };
}

/**
 * cleanupHistory: beyond revisionHistoryLimit, the oldest revisions go, except those some pod
 * (terminal ones included) still carries the hash of.
 */
export function cleanupHistory(ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly Pod[]): Action[] {
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return [];
  const live = new Set(pods.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL]).filter(Boolean));
  const actions: Action[] = [];
  for (const r of [...old].sort((a, b) => revisionNumber(a) - revisionNumber(b))) {
    if (toKill <= 0) break;
    if (live.has(r.metadata.labels?.[REVISION_HASH_LABEL])) continue;
    const m = r.metadata;
    actions.push({ type: "delete", resource: REVISION_RESOURCE, namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid });
    toKill--;
  }
  return actions;
}
