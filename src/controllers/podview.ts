// What a pod-owning controller keeps of its pods between passes, in the reconciler object's
// memory: loaded from the store once, then kept current by following the pods' changelog from a
// cursor (as the scheduler and the ServiceIndex do). A pass after one pod changed reads that one
// change instead of listing every pod, which made a large ReplicaSet's passes quadratic. An
// evicted reconciler loads again; a cursor compaction overtook loads again.
import type { KubeObject } from "../apis/types";
import type { Change, Store } from "../store/store";
import { controllerOf, type Pod } from "./podutil";

const PAGE = 1000;

/** The pods a controller reads: those of one namespace that given controllers control, and orphans if it may adopt them. */
export interface PodScope {
  namespace: string;
  /** The uids of the controllers whose pods are kept (a ReplicaSet: its own; a Deployment: its ReplicaSets'). */
  controllers: readonly string[];
  orphans: boolean;
}

export interface PodView {
  scope: PodScope;
  /** The changelog revision the view reflects. */
  cursor: number;
  /** By pod name (the scope is one namespace). */
  pods: Map<string, Pod>;
}

export function inScope(scope: PodScope, pod: KubeObject): boolean {
  if ((pod.metadata.namespace ?? "") !== scope.namespace) return false;
  const ref = controllerOf(pod);
  return ref ? scope.controllers.includes(ref.uid) : scope.orphans;
}

function sameScope(a: PodScope, b: PodScope): boolean {
  const key = (s: PodScope) => JSON.stringify([s.namespace, s.orphans, [...s.controllers].sort()]);
  return key(a) === key(b);
}

/**
 * One change into the view. A change older than the pod the view holds is skipped: the first
 * list is read after its cursor, so the changes replayed from the cursor may be older than it.
 * Replayed up to the head of the log, the view is the store's state at that revision.
 */
export function applyChange(view: PodView, change: Pick<Change, "rv" | "type" | "object">): void {
  const name = change.object.metadata.name ?? "";
  const held = view.pods.get(name);
  if (held && Number(held.metadata.resourceVersion) >= change.rv) return;
  if (change.type === "DELETED" || !inScope(view.scope, change.object)) view.pods.delete(name);
  else view.pods.set(name, change.object as Pod);
}

async function load(store: Store, scope: PodScope): Promise<PodView> {
  // The cursor is read before the pods, so no change between the two is missed.
  const cursor = await store.revision();
  const uids: (string | null)[] = [...scope.controllers, ...(scope.orphans ? [null] : [])];
  const lists = await Promise.all(uids.map((controllerUid) => store.listAll({ resource: "pods", namespace: scope.namespace, controllerUid })));
  return { scope, cursor, pods: new Map(lists.flat().map((p) => [p.metadata.name ?? "", p as Pod])) };
}

/** Brings `view` (undefined: none yet; another scope: loaded anew) up to the head of the pods' log; returns the view to keep. */
export async function followPods(store: Store, scope: PodScope, view: PodView | undefined): Promise<PodView> {
  let current = view && sameScope(view.scope, scope) ? view : await load(store, scope);
  for (;;) {
    const page = await store.changes("pods", current.cursor, PAGE);
    // Compaction forgot changes the view never saw: start again from the store.
    if (current.cursor < page.compacted) {
      current = await load(store, scope);
      continue;
    }
    for (const change of page.changes) applyChange(current, change);
    current.cursor = Math.max(current.cursor, page.rv);
    if (page.changes.length < PAGE) return current;
  }
}
