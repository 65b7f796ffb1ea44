// Pure watch logic: which event, if any, one watcher sees for one change. A watch with a
// selector sees an object enter (ADDED) and leave (DELETED) the selection, as Kubernetes' watch
// cache does, which is why the log keeps the previous state's labels and selectable fields.
import type { KubeObject } from "../apis/types";
import type { Change, SelectorProjection } from "./store";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchEvent {
  type: WatchEventType;
  object: unknown;
}

/** Decides membership of the watch's selection from labels and selectable fields. */
export type SelectionFilter = (p: SelectorProjection) => boolean;

export function eventFor(change: Change, namespace: string | undefined, selects: SelectionFilter, project: (o: KubeObject) => SelectorProjection): WatchEventType | undefined {
  if (namespace !== undefined && (change.object.metadata.namespace ?? "") !== namespace) return undefined;
  const now = selects(project(change.object));
  if (change.type !== "MODIFIED") return now ? change.type : undefined;
  const before = change.prev ? selects(change.prev) : now;
  if (now && before) return "MODIFIED";
  if (now) return "ADDED";
  if (before) return "DELETED";
  return undefined;
}

export function encodeEvent(event: WatchEvent): string {
  return JSON.stringify(event) + "\n";
}
