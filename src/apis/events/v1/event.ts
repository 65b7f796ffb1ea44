// events.k8s.io/v1 Event. In Kubernetes it and core/v1 Event are two versions of one stored
// object; here it is a kind of its own with its own storage (see the registry). Schema,
// validation (core/validation ValidateEventCreate/Update for the events.k8s.io/v1 API) and columns.
import { z } from "zod";
import { invalid, required } from "../../fielderrors";
import { kindSchema, objectReferenceSchema, timeSchema } from "../../meta";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { semanticEqual, validateImmutable, validateQualifiedName } from "../../validation";
import { eventColumns, type EventView } from "./columns";

const eventSeriesSchema = z.strictObject({ count: z.int32().optional(), lastObservedTime: timeSchema.optional() });

const eventFields = {
  eventTime: timeSchema.nullable().optional(),
  series: eventSeriesSchema.optional(),
  reportingController: z.string().optional(),
  reportingInstance: z.string().optional(),
  action: z.string().optional(),
  reason: z.string().optional(),
  regarding: objectReferenceSchema.optional(),
  related: objectReferenceSchema.optional(),
  note: z.string().optional(),
  type: z.string().optional(),
  deprecatedSource: z.strictObject({ component: z.string().optional(), host: z.string().optional() }).optional(),
  deprecatedFirstTimestamp: timeSchema.nullable().optional(),
  deprecatedLastTimestamp: timeSchema.nullable().optional(),
  deprecatedCount: z.int32().optional(),
};

export const eventSchema = kindSchema({ apiVersion: "events.k8s.io/v1", kind: "Event", extra: eventFields });

export type EventsV1Event = KubeObject & { [K in keyof typeof eventFields]?: z.infer<(typeof eventFields)[K]> };

const asEvent = (obj: KubeObject) => obj as EventsV1Event;

const REGARDING_FIELDS = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"] as const;
const REPORTING_INSTANCE_LENGTH_LIMIT = 128;
const ACTION_LENGTH_LIMIT = 128;
const REASON_LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

/** The same Event in core/v1 terms: Kubernetes validates and prints that form. */
function coreView(e: EventsV1Event): EventView {
  return {
    eventTime: e.eventTime ?? undefined,
    firstTimestamp: e.deprecatedFirstTimestamp ?? undefined,
    lastTimestamp: e.deprecatedLastTimestamp ?? undefined,
    count: e.deprecatedCount,
    series: e.series,
    type: e.type,
    reason: e.reason,
    message: e.note,
    involvedObject: e.regarding,
    source: e.deprecatedSource,
    reportingController: e.reportingController,
    reportingInstance: e.reportingInstance,
  };
}

function tooLongFor(value: string | undefined, limit: number, path: string): FieldCause[] {
  return (value ?? "").length > limit ? [invalid(path, "", `can have at most ${limit} characters`)] : [];
}

/**
 * legacyValidateEvent, which every Event passes. Kubernetes validates the core/v1 form, so the
 * field paths name core/v1 fields (involvedObject, message) as a real server reports them.
 */
function validateLegacy(e: EventsV1Event): FieldCause[] {
  const ns = e.metadata.namespace ?? "";
  const regardingNs = e.regarding?.namespace ?? "";
  const nsPath = "involvedObject.namespace";
  if (!e.eventTime) {
    const matches = regardingNs ? ns === regardingNs : ns === "" || ns === "default";
    return matches ? [] : [invalid(nsPath, regardingNs, "does not match event.namespace")];
  }
  const causes: FieldCause[] = [];
  if (!regardingNs && ns !== "default" && ns !== "kube-system") causes.push(invalid(nsPath, regardingNs, "does not match event.namespace"));
  if (!e.reportingController) causes.push(required("reportingController"));
  causes.push(...validateQualifiedName(e.reportingController ?? "", "reportingController"));
  if (!e.reportingInstance) causes.push(required("reportingInstance"));
  causes.push(...tooLongFor(e.reportingInstance, REPORTING_INSTANCE_LENGTH_LIMIT, "reportingInstance"));
  if (!e.action) causes.push(required("action"));
  causes.push(...tooLongFor(e.action, ACTION_LENGTH_LIMIT, "action"));
  if (!e.reason) causes.push(required("reason"));
  causes.push(...tooLongFor(e.reason, REASON_LENGTH_LIMIT, "reason"));
  return [...causes, ...tooLongFor(e.note, NOTE_LENGTH_LIMIT, "message")];
}

function validateSeries(e: EventsV1Event): FieldCause[] {
  if (!e.series) return [];
  const causes = (e.series.count ?? 0) < 2 ? [invalid("series.count", "", "should be at least 2")] : [];
  if (!e.series.lastObservedTime) causes.push(required("series.lastObservedTime"));
  return causes;
}

/** What only events.k8s.io/v1 demands of a new Event: the new fields set, the deprecated ones not. */
function validateStrictCreate(e: EventsV1Event): FieldCause[] {
  const causes = validateSeries(e);
  if (!e.eventTime) causes.push(required("eventTime"));
  if (e.type !== "Normal" && e.type !== "Warning") causes.push(invalid("type", "", `has invalid value: ${e.type ?? ""}`));
  if (e.deprecatedFirstTimestamp) causes.push(invalid("deprecatedFirstTimestamp", "", "needs to be unset"));
  if (e.deprecatedLastTimestamp) causes.push(invalid("deprecatedLastTimestamp", "", "needs to be unset"));
  if (e.deprecatedCount) causes.push(invalid("deprecatedCount", "", "needs to be unset"));
  if (e.deprecatedSource?.component || e.deprecatedSource?.host) causes.push(invalid("deprecatedSource", "", "needs to be unset"));
  return causes;
}

/** Kubernetes' core/v1 names for the fields an update may not change. */
const IMMUTABLE: [keyof EventsV1Event, string][] = [
  ["regarding", "involvedObject"],
  ["reason", "reason"],
  ["note", "message"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
  ["type", "type"],
  ["eventTime", "eventTime"],
  ["action", "action"],
  ["related", "related"],
  ["reportingController", "reportingController"],
  ["reportingInstance", "reportingInstance"],
];

function validateEvent(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const e = asEvent(obj);
  const causes = validateLegacy(e);
  if (!old) return [...causes, ...validateStrictCreate(e)];
  const o = asEvent(old);
  if (!semanticEqual(e.series, o.series)) causes.push(...validateSeries(e));
  return [...causes, ...IMMUTABLE.flatMap(([f, path]) => validateImmutable(e[f], o[f], path))];
}

export const eventKind: KindDef = {
  group: "events.k8s.io",
  version: "v1",
  kind: "Event",
  listKind: "EventList",
  plural: "events",
  singular: "event",
  shortNames: ["ev"],
  categories: [],
  namespaced: true,
  schema: eventSchema,
  validate: validateEvent,
  columns: eventColumns((obj) => coreView(asEvent(obj))),
  // Kubernetes' field label conversions for events.k8s.io/v1, onto the same fields as core/v1's.
  selectableFields: {
    ...Object.fromEntries(REGARDING_FIELDS.map((f) => [`regarding.${f}`, (obj: KubeObject) => asEvent(obj).regarding?.[f] ?? ""])),
    reason: (obj) => asEvent(obj).reason ?? "",
    reportingController: (obj) => asEvent(obj).reportingController ?? "",
    type: (obj) => asEvent(obj).type ?? "",
  },
};
