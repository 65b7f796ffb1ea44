// Which ReplicaSets a Deployment has, which one is new, and making the new one
// (getReplicaSetsForDeployment, FindNewReplicaSet, getNewReplicaSet in sync.go).
import { fromLabelSelector, matchesLabels, type LabelSelector } from "../../api/labels";
import { computeHash, semanticEqual } from "../hash";
import { controllerOf, controllerRef, parseTime, rfc3339, setCondition } from "../podutil";
import { claimObjects } from "../replicaset/claim";
import { POD_TEMPLATE_HASH_LABEL, type PodTemplate, type ReplicaSet } from "../replicaset/types";
import { newRSNewReplicas, replicasOf } from "./arithmetic";
import { hasProgressDeadline } from "./progress";
import { maxRevision, revisionOf, setNewReplicaSetAnnotations } from "./revision";
import { PROGRESSING, REVISION, Reason, type Deployment } from "./types";
import { touch, track, type Work } from "./work";
import { clone } from "../../util/json";

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = parseTime(a.metadata.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? "";
  const nb = b.metadata.name ?? "";
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** ReplicaSetsBySizeNewer: largest first; among equals the newest (scaling up favours the new). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(b) - replicasOf(a) || (parseTime(b.metadata.creationTimestamp) ?? 0) - (parseTime(a.metadata.creationTimestamp) ?? 0);
}

/** ReplicaSetsBySizeOlder: largest first; among equals the oldest (scaling down takes from the old). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(b) - replicasOf(a) || byCreation(a, b);
}

/** ReplicaSetsByRevision: lowest revision first, then by creation. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0) || byCreation(a, b);
}

function withoutHash(template: PodTemplate | undefined): PodTemplate {
  const labels = { ...(template?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...template?.metadata, labels } };
}

/** EqualIgnoreHash: semantically equal pod templates once the pod-template-hash label is set aside. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/**
 * Claim the namespace's ReplicaSets by selector and controller reference; returns our working
 * copies of the owned ones. Adoptions and releases become writes at the end of the pass.
 */
export function claimReplicaSets(work: Work, selector: LabelSelector): ReplicaSet[] {
  const d = work.d;
  const namespace = d.metadata.namespace ?? "";
  const inNamespace = work.input.replicaSets.filter((rs) => (rs.metadata.namespace ?? "") === namespace);
  const claim = claimObjects(d, inNamespace, (rs) => matchesLabels(selector, rs.metadata.labels));
  const originals = new Map(inNamespace.map((rs) => [rs.metadata.uid ?? rs.metadata.name, rs]));
  const copy = (rs: ReplicaSet) => track(work, originals.get(rs.metadata.uid ?? rs.metadata.name), clone(rs));
  for (const released of claim.released) touch(work, copy(released));
  const owned = claim.claimed.map(copy);
  const adoptedUids = new Set(claim.adopted.map((rs) => rs.metadata.uid));
  for (const rs of owned) if (adoptedUids.has(rs.metadata.uid)) touch(work, rs);
  return owned;
}

export function deploymentSelector(d: Deployment): LabelSelector | undefined {
  const parsed = fromLabelSelector(d.spec?.selector);
  return parsed.ok ? parsed.value : undefined;
}

function setProgressing(work: Work, reason: string, message: string): void {
  const t = rfc3339(work.now);
  work.status.conditions = setCondition(work.status.conditions, { type: PROGRESSING, status: "True", reason, message, lastUpdateTime: t, lastTransitionTime: t });
}

/** The ReplicaSet Kubernetes would create for the current template (not yet sized). */
function buildNewReplicaSet(d: Deployment, hash: string): ReplicaSet {
  const template: PodTemplate = clone(d.spec?.template ?? {});
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  template.metadata = { ...template.metadata, labels };
  const selector = clone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: `${d.metadata.name ?? ""}-${hash}`, namespace: d.metadata.namespace, labels: { ...labels }, ownerReferences: [controllerRef(d)] },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
  if (!rs.metadata.namespace) delete rs.metadata.namespace;
  return rs;
}

/** The existing new ReplicaSet: sync its annotations and minReadySeconds, or else the Deployment's revision. */
function syncExistingNewRS(work: Work, newRS: ReplicaSet, newRevision: number): void {
  const d = work.d;
  const annotationsUpdated = setNewReplicaSetAnnotations(d, newRS, newRevision, true);
  const minReady = d.spec?.minReadySeconds ?? 0;
  if (annotationsUpdated || (newRS.spec?.minReadySeconds ?? 0) !== minReady) {
    newRS.spec = { ...newRS.spec, minReadySeconds: minReady };
    touch(work, newRS);
    // As in Kubernetes, the Deployment's revision follows on the next pass (this write triggers it).
    return;
  }
  work.revision = newRS.metadata.annotations?.[REVISION];
  if (hasProgressDeadline(d) && !work.status.conditions?.some((c) => c.type === PROGRESSING)) {
    setProgressing(work, Reason.FoundNewReplicaSet, `Found new replica set "${newRS.metadata.name}"`);
  }
}

/**
 * Create the new ReplicaSet, or detect a hash collision: a ReplicaSet of that name that is not
 * ours with our template. Kubernetes then bumps status.collisionCount and tries again.
 */
function createNewRS(work: Work, oldRSs: ReplicaSet[], newRevision: number): ReplicaSet | undefined {
  const d = work.d;
  const hash = computeHash(d.spec?.template, d.status?.collisionCount);
  const rs = buildNewReplicaSet(d, hash);
  const namespace = d.metadata.namespace ?? "";
  const existing = work.input.replicaSets.find((r) => r.metadata.name === rs.metadata.name && (r.metadata.namespace ?? "") === namespace);
  if (existing) {
    if (controllerOf(existing)?.uid === d.metadata.uid && equalIgnoreHash(existing.spec?.template, d.spec?.template)) {
      return track(work, existing, clone(existing));
    }
    work.status.collisionCount = (work.status.collisionCount ?? 0) + 1;
    work.aborted = true;
    return undefined;
  }
  rs.spec = { ...rs.spec, replicas: newRSNewReplicas(d, [...oldRSs, rs], rs) };
  setNewReplicaSetAnnotations(d, rs, newRevision, false);
  work.created = track(work, undefined, rs);
  work.revision = String(newRevision);
  if (hasProgressDeadline(d)) setProgressing(work, Reason.NewReplicaSetCreated, `Created new replica set "${rs.metadata.name}"`);
  return rs;
}

export interface ReplicaSetsOfDeployment {
  newRS?: ReplicaSet;
  oldRSs: ReplicaSet[];
}

/**
 * getAllReplicaSetsAndSyncRevision: split owned ReplicaSets into new and old, sync the new one's
 * revision (max old revision + 1), and create it when asked and missing.
 */
export function getAllReplicaSetsAndSyncRevision(work: Work, owned: ReplicaSet[], createIfMissing: boolean): ReplicaSetsOfDeployment {
  const found = findNewReplicaSet(work.d, owned);
  const oldRSs = owned.filter((rs) => rs !== found);
  const newRevision = maxRevision(oldRSs) + 1;
  if (found) {
    syncExistingNewRS(work, found, newRevision);
    return { newRS: found, oldRSs };
  }
  if (!createIfMissing) return { oldRSs };
  return { newRS: createNewRS(work, oldRSs, newRevision), oldRSs };
}
