// How a commit reaches the rest of the control plane: the resource's watch hub and the
// reconcilers of the objects it concerns are told after the write, off the request's path.
import type { Env } from "./env";
import { Store } from "./store/store";
import { CONTROLLERS } from "./controllers/registry";
import { reconcileTargets, targetName } from "./controllers/targets";

export function makeStore(env: Env, waitUntil: (p: Promise<unknown>) => void, now: () => number = Date.now): Store {
  return new Store(env.DB, {
    now,
    onCommit: (commit) => {
      const hub = env.WATCH_HUB.get(env.WATCH_HUB.idFromName(commit.resource));
      waitUntil(hub.notify(commit.rv));
      for (const target of reconcileTargets(commit, (r) => CONTROLLERS.has(r))) {
        const reconciler = env.RECONCILER.get(env.RECONCILER.idFromName(targetName(target)));
        waitUntil(reconciler.trigger(target));
      }
    },
  });
}
