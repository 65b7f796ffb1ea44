// How one watcher sees events: which objects it selects and how each is rendered (the object,
// or a one-row Table for `kubectl get -w`). Built in the watch hub from the request's spec.
import type { KubeObject } from "../apis/types";
import { kindByResource } from "../apis/registry";
import type { SelectorProjection } from "../store/store";
import type { SelectionFilter } from "../store/watch";
import { projection, selectionFrom } from "./selection";
import { toTable, type IncludeObject } from "./table";
import { apiVersionOf } from "./admission";

export interface WatchSpec {
  resource: string;
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  bookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  table: boolean;
  includeObject: IncludeObject;
}

export interface WatchView {
  /** Watchers with the same key see a change rendered the same: the hub encodes it once for all of them. Undefined when rendering is per watcher (Tables). */
  sharedKey?: string;
  selects: SelectionFilter;
  project: (obj: KubeObject) => SelectorProjection;
  render: (obj: KubeObject) => unknown;
  bookmark: (rv: number, initialEventsEnd: boolean) => unknown;
}

export function watchView(spec: WatchSpec): WatchView {
  const kind = kindByResource(spec.group, spec.version, spec.plural);
  if (!kind) throw new Error(`watch of unknown resource ${spec.resource}`);
  const selection = selectionFrom(kind, spec.labelSelector, spec.fieldSelector);
  if (!selection.ok) throw new Error(selection.error.message);
  const fromSelectors = selection.value.selectsProjection;
  const selects: SelectionFilter = spec.name ? (p) => p.fields["metadata.name"] === spec.name && fromSelectors(p) : fromSelectors;
  return {
    sharedKey: spec.table ? undefined : `${spec.group}/${spec.version}`,
    selects,
    project: (obj) => projection(kind, obj),
    render: spec.table
      ? (obj) => toTable(kind, [obj], { now: new Date(), includeObject: spec.includeObject, listMeta: { resourceVersion: obj.metadata.resourceVersion ?? "" } })
      : (obj) => obj,
    bookmark: (rv, initialEventsEnd) => ({
      kind: kind.kind,
      apiVersion: apiVersionOf(kind),
      metadata: { resourceVersion: String(rv), ...(initialEventsEnd ? { annotations: { "k8s.io/initial-events-end": "true" } } : {}) },
    }),
  };
}
