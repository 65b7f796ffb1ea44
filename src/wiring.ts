// How a commit reaches the rest of the control plane: the resource's watch hub and the
// reconcilers of the objects it concerns are told after the write, off the request's path.
import type { Env } from "./env";
import { Store, type Commit } from "./store/store";
import { CONTROLLERS } from "./controllers/registry";
import { reconcileTargets, targetName } from "./controllers/targets";

/** Pending pods, and anything that can make room or add a place: nodes, and pods that go or finish. */
function concernsScheduler(commit: Commit): boolean {
  if (commit.resource === "nodes") return true;
  if (commit.resource !== "pods") return false;
  const pod = commit.object as { spec?: { nodeName?: string }; status?: { phase?: string } };
  if (commit.type === "DELETED") return true;
  if (!pod.spec?.nodeName) return true;
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

export function makeStore(env: Env, waitUntil: (p: Promise<unknown>) => void, now: () => number = Date.now): Store {
  return new Store(env.DB, {
    now,
    onCommit: (commit) => {
      const hub = env.WATCH_HUB.get(env.WATCH_HUB.idFromName(commit.resource));
      waitUntil(hub.notify(commit.rv));
      if (concernsScheduler(commit)) {
        const scheduler = env.SCHEDULER.get(env.SCHEDULER.idFromName("scheduler"));
        waitUntil(scheduler.wake());
      }
      for (const target of reconcileTargets(commit, (r) => CONTROLLERS.has(r))) {
        const reconciler = env.RECONCILER.get(env.RECONCILER.idFromName(targetName(target)));
        waitUntil(reconciler.trigger(target));
      }
    },
  });
}
