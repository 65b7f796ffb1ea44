// decideDaemonSet: Kubernetes' syncDaemonSet as a pure function, in its order: the revision
// history, manage (a pod on every node that should run one, none elsewhere), the update strategy
// once manage has nothing to do, history clean-up, then the status.
import { controllerOf } from "../podutil";
import { availabilityRequeue } from "../replicaset/status";
import type { Action } from "../types";
import { cleanupHistory, constructHistory } from "./history";
import { manage, pruneBackoff } from "./manage";
import { newPass } from "./pass";
import { syncNodes } from "./podcontrol";
import { rollingUpdate } from "./rolling";
import { calculateStatus, daemonSetStatusEqual } from "./status";
import { DS_RESOURCE, REVISION_HASH_LABEL, type DaemonSetDecision, type DaemonSetInput } from "./types";

function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}

/**
 * One pass of the DaemonSet controller. Actions: revision writes (adoptions, the new revision,
 * renumbering), pod adoptions and releases, events about failed or succeeded pods, pod creates
 * each followed by its SuccessfulCreate event, pod deletes each followed by SuccessfulDelete,
 * deletes of revisions beyond revisionHistoryLimit, then the status. A converged DaemonSet yields
 * no actions. A hash collision yields only the status write that bumps collisionCount.
 */
export function decideDaemonSet(input: DaemonSetInput): DaemonSetDecision {
  const { ds, now } = input;
  const backoff = new Map(input.backoff ?? []);
  // Kubernetes leaves a DaemonSet being deleted alone: its revisions and pods may already be going.
  if (ds.metadata.deletionTimestamp) return { actions: [], backoff };
  const owned = input.pods.filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
  const history = constructHistory(ds, input.revisions, owned);
  if (history.collision) return { actions: history.actions, backoff };
  const hash = history.cur?.metadata.labels?.[REVISION_HASH_LABEL] ?? "";
  const pass = newPass({ ds, nodes: input.nodes, pods: input.pods, now, hash, backoff });
  pruneBackoff(pass);

  const managed = manage(pass);
  const actions: Action[] = [...history.actions, ...pass.claimActions, ...managed.events];
  let synced = syncNodes(pass, managed.deletes, managed.createOn);
  // Kubernetes waits until the pods manage asked for are observed before it rolls anything.
  if (synced.actions.length === 0 && ds.spec?.updateStrategy?.type === "RollingUpdate") {
    const rolled = rollingUpdate(pass);
    synced = syncNodes(pass, rolled.deletes, rolled.createOn);
  }
  actions.push(...synced.actions, ...cleanupHistory(ds, history.old, pass.claimed));

  const status = calculateStatus(pass);
  if (!daemonSetStatusEqual(ds.status, status)) actions.push({ type: "updateStatus", resource: DS_RESOURCE, object: { ...ds, status } });
  // The next slow-start batch goes once this one is written; pods still becoming available are looked at when they do.
  const pods = [...pass.byNode.values()].flat();
  const requeueAfterMs = minDefined(synced.moreToCreate ? 0 : undefined, managed.requeueAfterMs, availabilityRequeue(pods, pass.minReadySeconds, now));
  return requeueAfterMs === undefined ? { actions, backoff } : { actions, requeueAfterMs, backoff };
}
