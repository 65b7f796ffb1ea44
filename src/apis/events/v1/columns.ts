// The `kubectl get events` columns (printers.go printEvent). Kubernetes prints core/v1 and
// events.k8s.io/v1 Events with one printer, since both are views of one stored Event; kinds map
// their fields onto EventView and share these columns.
import { age } from "../../printers";
import type { KubeObject, PrinterColumn } from "../../types";

/** An Event in printEvent's terms (core/v1 field names). */
export interface EventView {
  eventTime?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  source?: { component?: string; host?: string };
  reportingController?: string;
  reportingInstance?: string;
}

function firstSeen(e: EventView, now: Date): string {
  return age(e.firstTimestamp || e.eventTime, now);
}

function lastSeen(e: EventView, now: Date): string {
  if (e.series) return age(e.series.lastObservedTime, now);
  return e.lastTimestamp ? age(e.lastTimestamp, now) : firstSeen(e, now);
}

/** Events of the newer API count their repeats in a series; a singleton has no count and shows 1. */
function count(e: EventView): number {
  if (e.series) return e.series.count ?? 0;
  return e.count || 1;
}

function target(e: EventView): string {
  const kind = (e.involvedObject?.kind ?? "").toLowerCase();
  return e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
}

/** "component, host", each falling back to the reporting controller and instance. */
function source(e: EventView): string {
  const component = e.source?.component || e.reportingController || "";
  const instance = e.source?.host || e.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

/**
 * LAST SEEN, TYPE, REASON, OBJECT, MESSAGE and, with `-o wide`, SUBOBJECT, SOURCE, FIRST SEEN,
 * COUNT. (Kubernetes ends with NAME at priority 1 rather than starting with it.)
 */
export function eventColumns(view: (obj: KubeObject) => EventView): PrinterColumn[] {
  return [
    { name: "Last Seen", type: "string", description: "The time at which the most recent occurrence of this event was recorded.", cell: (o, now) => lastSeen(view(o), now) },
    { name: "Type", type: "string", description: "Type of this event (Normal, Warning), new types could be added in the future", cell: (o) => view(o).type ?? "" },
    { name: "Reason", type: "string", description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", cell: (o) => view(o).reason ?? "" },
    { name: "Object", type: "string", description: "The object that this event is about.", cell: (o) => target(view(o)) },
    {
      name: "Subobject",
      type: "string",
      priority: 1,
      description: "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.",
      cell: (o) => view(o).involvedObject?.fieldPath ?? "",
    },
    { name: "Source", type: "string", priority: 1, description: "The component reporting this event. Should be a short machine understandable string.", cell: (o) => source(view(o)) },
    { name: "Message", type: "string", description: "A human-readable description of the status of this operation.", cell: (o) => (view(o).message ?? "").trim() },
    { name: "First Seen", type: "string", priority: 1, description: "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", cell: (o, now) => firstSeen(view(o), now) },
    { name: "Count", type: "string", priority: 1, description: "The number of times this event has occurred.", cell: (o) => count(view(o)) },
  ];
}
