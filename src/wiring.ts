// How a commit reaches the rest of the control plane: the resource's watch hub and the
// reconcilers of the objects it concerns are told after the write, off the request's path.
import type { Env } from "./env";
import { secretsCodec } from "./auth/encryption/codec";
import { Store, type Commit } from "./store/store";
import { CONTROLLERS } from "./controllers/registry";
import { concernsDaemonSets, daemonSetTargets, reconcileTargets, targetName, type ReconcileTarget } from "./controllers/targets";

/** Pending pods, and anything that can make room or add a place: nodes, and pods that go or finish. */
function concernsScheduler(commit: Commit): boolean {
  if (commit.resource === "nodes") return true;
  if (commit.resource !== "pods") return false;
  const pod = commit.object as { spec?: { nodeName?: string }; status?: { phase?: string } };
  if (commit.type === "DELETED") return true;
  if (!pod.spec?.nodeName) return true;
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** Pods and Services: the ServiceIndex routes pod changes to the Services that select them. */
function concernsServices(commit: Commit): boolean {
  return commit.resource === "pods" || commit.resource === "services";
}

function trigger(env: Env, target: ReconcileTarget): Promise<void> {
  return env.RECONCILER.get(env.RECONCILER.idFromName(targetName(target))).trigger(target);
}

/** DaemonSets are few: read them all (by the primary key), then the pods on the node only if there are any. */
async function wakeDaemonSets(env: Env, store: Store, commit: Commit): Promise<void> {
  const daemonSets = await store.listAll({ resource: "apps/daemonsets" });
  if (daemonSets.length === 0) return;
  const pods = commit.type === "DELETED" ? [] : await store.listAll({ resource: "pods", nodeName: commit.object.metadata.name ?? "" });
  await Promise.all(daemonSetTargets(commit, daemonSets, pods).map((t) => trigger(env, t)));
}

export function makeStore(env: Env, waitUntil: (p: Promise<unknown>) => void, now: () => number = Date.now): Store {
  const store: Store = new Store(env.DB, {
    now,
    codec: secretsCodec(env),
    onCommit: (commit) => {
      const hub = env.WATCH_HUB.get(env.WATCH_HUB.idFromName(commit.resource));
      waitUntil(hub.notify(commit.rv));
      if (concernsScheduler(commit)) {
        const scheduler = env.SCHEDULER.get(env.SCHEDULER.idFromName("scheduler"));
        waitUntil(scheduler.wake());
      }
      for (const target of reconcileTargets(commit, (r) => CONTROLLERS.has(r))) waitUntil(trigger(env, target));
      if (concernsDaemonSets(commit)) waitUntil(wakeDaemonSets(env, store, commit));
      if (concernsServices(commit)) waitUntil(env.SERVICE_INDEX.get(env.SERVICE_INDEX.idFromName("services")).wake());
    },
  });
  return store;
}
