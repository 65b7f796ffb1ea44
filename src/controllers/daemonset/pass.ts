// What one DaemonSet pass works from (getNodesToDaemonPods and the node list of syncDaemonSet):
// the claimed pods grouped by the node each is for, each node's fit, and the pod sort Kubernetes
// uses to find "the" daemon pod of a node.
import { fromLabelSelector, matchesLabels } from "../../api/labels";
import type { NodeLike } from "../../scheduler/types";
import { parseTime, type Pod } from "../podutil";
import { claimObjects } from "../replicaset/claim";
import type { Action } from "../types";
import { placementOf, targetNodeName, type NodeFit } from "./eligibility";
import { REVISION_HASH_LABEL, type BackoffEntry, type DaemonSet } from "./types";

export interface Pass {
  ds: DaemonSet;
  now: number;
  /** The controller-revision-hash of the current revision. */
  hash: string;
  minReadySeconds: number;
  /** Nodes by name, in name order. */
  nodes: Map<string, NodeLike>;
  fits: Map<string, NodeFit>;
  /** Claimed pods by target node, terminal pods being deleted left out (nothing more to do with them). */
  byNode: Map<string, Pod[]>;
  /** Every claimed pod, terminal ones included (their hashes keep revisions alive). */
  claimed: Pod[];
  /** Adoptions and releases of pods. */
  claimActions: Action[];
  backoff: Map<string, BackoffEntry>;
}

const isTerminal = (p: Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

export function fitOf(pass: Pass, nodeName: string): NodeFit {
  return pass.fits.get(nodeName) ?? { shouldRun: false, shouldContinueRunning: false };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** podByCreationTimestampAndPhase: bound pods first, then the oldest, then by name. */
export function byCreation(a: Pod, b: Pod): number {
  const ba = a.spec?.nodeName ? 0 : 1;
  const bb = b.spec?.nodeName ? 0 : 1;
  if (ba !== bb) return ba - bb;
  const ta = parseTime(a.metadata.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  return compareStrings(a.metadata.name ?? "", b.metadata.name ?? "");
}

export interface PassInput {
  ds: DaemonSet;
  nodes: readonly NodeLike[];
  pods: readonly Pod[];
  now: number;
  hash: string;
  backoff: Map<string, BackoffEntry>;
}

/** Claim the pods (ClaimPods), group them by node (GetTargetNodeName), and fit every node. */
export function newPass(input: PassInput): Pass {
  const { ds } = input;
  const selector = fromLabelSelector(ds.spec?.selector);
  const namespace = ds.metadata.namespace ?? "";
  const inNamespace = input.pods.filter((p) => (p.metadata.namespace ?? "") === namespace);
  const claim = claimObjects(ds, inNamespace, (p) => selector.ok && matchesLabels(selector.value, p.metadata.labels));
  const byNode = new Map<string, Pod[]>();
  for (const pod of claim.claimed) {
    if (isTerminal(pod) && pod.metadata.deletionTimestamp) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  const placement = placementOf(ds);
  const sorted = [...input.nodes].sort((a, b) => compareStrings(a.metadata.name ?? "", b.metadata.name ?? ""));
  const nodes = new Map(sorted.map((n) => [n.metadata.name ?? "", n]));
  const fits = new Map(sorted.map((n) => [n.metadata.name ?? "", placement.fit(n)]));
  return {
    ds,
    now: input.now,
    hash: input.hash,
    minReadySeconds: ds.spec?.minReadySeconds ?? 0,
    nodes,
    fits,
    byNode,
    claimed: claim.claimed,
    claimActions: [...claim.adopted, ...claim.released].map((object): Action => ({ type: "update", resource: "pods", object })),
    backoff: input.backoff,
  };
}

/** IsPodUpdated: the pod carries the current revision's hash. */
export function isUpdated(pass: Pass, pod: Pod): boolean {
  return pass.hash !== "" && pod.metadata.labels?.[REVISION_HASH_LABEL] === pass.hash;
}
