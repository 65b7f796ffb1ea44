// How commits reach the rest of the control plane: the resources' watch hubs and the reconcilers
// of the objects they concern are told after the write, off the request's path. The commits of
// one turn of the event loop (a coalesced batch, a controller's burst) are told together: one
// call per watch hub, one wake of the scheduler, each reconciler once. The hubs of pods and
// Services pass the news on to the service index (watchhub.ts), coalescing many commits in one wake.
import type { Env } from "./env";
import { forDefaultScheduler } from "./scheduler/types";
import { secretsCodec } from "./auth/encryption/codec";
import { Store, type Change, type Commit } from "./store/store";
import { CONTROLLERS } from "./controllers/registry";
import { concernsDaemonSets, daemonSetTargets, reconcileTargets, targetName, type ReconcileTarget } from "./controllers/targets";

/** Its pending pods, and anything that can make room or add a place: nodes, and pods that go or finish. */
function concernsScheduler(commit: Commit): boolean {
  if (commit.resource === "nodes") return true;
  if (commit.resource !== "pods") return false;
  const pod = commit.object as { spec?: { nodeName?: string; schedulerName?: string }; status?: { phase?: string } };
  if (commit.type === "DELETED") return true;
  if (!pod.spec?.nodeName) return forDefaultScheduler(pod);
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
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

export interface StoreWiring {
  now?: () => number;
  /** The scheduler's own store: its writes (bindings, unschedulable statuses) need not wake it again. */
  scheduler?: boolean;
}

/** Commits handed to a watch hub with its notification; a bigger burst it reads from the log. */
const MAX_HANDED_CHANGES = 1000;

/**
 * Whether each resource's hub had watchers when this isolate last told it: only those are handed
 * the changes (a hub nobody watches would only drop them). A stale answer costs one read, never an event.
 */
const hubsWatched = new Map<string, boolean>();

function notifyHub(env: Env, resource: string, changes: Change[]): Promise<void> {
  const rv = changes.reduce((max, c) => Math.max(max, c.rv), 0);
  const handed = hubsWatched.get(resource) && changes.length <= MAX_HANDED_CHANGES ? changes : undefined;
  return env.WATCH_HUB.get(env.WATCH_HUB.idFromName(resource))
    .notify(resource, rv, handed)
    .then((watched) => void hubsWatched.set(resource, watched));
}

/** Everyone the commits concern, each told once. */
function tell(env: Env, store: Store, commits: Commit[], wiring: StoreWiring): Promise<unknown>[] {
  const byResource = new Map<string, Change[]>();
  const targets = new Map<string, ReconcileTarget>();
  const nodes = new Map<string, Commit>();
  let scheduler = false;
  for (const commit of commits) {
    const { resource, ...change } = commit;
    const changes = byResource.get(resource);
    if (changes) changes.push(change);
    else byResource.set(resource, [change]);
    scheduler ||= !wiring.scheduler && concernsScheduler(commit);
    for (const target of reconcileTargets(commit, (r) => CONTROLLERS.has(r))) targets.set(targetName(target), target);
    if (concernsDaemonSets(commit)) nodes.set(commit.object.metadata.name ?? "", commit);
  }
  const calls: Promise<unknown>[] = [];
  for (const [resource, changes] of byResource) calls.push(notifyHub(env, resource, changes));
  if (scheduler) calls.push(env.SCHEDULER.get(env.SCHEDULER.idFromName("scheduler")).wake());
  for (const target of targets.values()) calls.push(trigger(env, target));
  for (const commit of nodes.values()) calls.push(wakeDaemonSets(env, store, commit));
  return calls;
}

export function makeStore(env: Env, waitUntil: (p: Promise<unknown>) => void, wiring: StoreWiring = {}): Store {
  let pending: Commit[] = [];
  const store: Store = new Store(env.DB, {
    now: wiring.now ?? Date.now,
    codec: secretsCodec(env),
    onCommit: (commit) => {
      // The store reports a batch's commits one after another, synchronously: tell them together.
      if (pending.length === 0) {
        queueMicrotask(() => {
          const commits = pending;
          pending = [];
          for (const call of tell(env, store, commits, wiring)) waitUntil(call);
        });
      }
      pending.push(commit);
    },
  });
  return store;
}
