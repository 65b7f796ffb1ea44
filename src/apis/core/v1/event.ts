// core/v1 Event, as controllers and client-go's event recorder write it. Validation is Kubernetes'
// legacyValidateEvent for the v1 API (updates stay free: client-go patches count, message and
// lastTimestamp); columns are the ones kubectl shows for both Event APIs.
import { z } from "zod";
import { invalid, invalidEach, required } from "../../fielderrors";
import { isDns1123Subdomain } from "../../formats";
import { kindSchema, objectReferenceSchema, timeSchema } from "../../meta";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateQualifiedName } from "../../validation";
import { eventColumns, type EventView } from "../../events/v1/columns";

const eventFields = {
  involvedObject: objectReferenceSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
  source: z.strictObject({ component: z.string().optional(), host: z.string().optional() }).optional(),
  firstTimestamp: timeSchema.nullable().optional(),
  lastTimestamp: timeSchema.nullable().optional(),
  count: z.int32().optional(),
  type: z.string().optional(),
  eventTime: timeSchema.nullable().optional(),
  series: z.strictObject({ count: z.int32().optional(), lastObservedTime: timeSchema.optional() }).optional(),
  action: z.string().optional(),
  related: objectReferenceSchema.optional(),
  reportingComponent: z.string().optional(),
  reportingInstance: z.string().optional(),
};

export const coreEventSchema = kindSchema({ apiVersion: "v1", kind: "Event", extra: eventFields });

export type CoreEvent = KubeObject & { [K in keyof typeof eventFields]?: z.infer<(typeof eventFields)[K]> };

const asEvent = (obj: KubeObject) => obj as CoreEvent;

/** Length limits of the fields a new-style Event (one with eventTime) must set. */
const LIMITS: ["reportingInstance" | "action" | "reason" | "message", number, boolean][] = [
  ["reportingInstance", 128, true],
  ["action", 128, true],
  ["reason", 128, true],
  ["message", 1024, false],
];

function validateNewStyle(e: CoreEvent): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!e.reportingComponent) causes.push(required("reportingComponent"));
  causes.push(...validateQualifiedName(e.reportingComponent ?? "", "reportingComponent"));
  for (const [field, limit, mandatory] of LIMITS) {
    const value = e[field] ?? "";
    if (mandatory && !value) causes.push(required(field));
    if (value.length > limit) causes.push(invalid(field, "", `can have at most ${limit} characters`));
  }
  return causes;
}

/** legacyValidateEvent: the involved object's namespace agrees with the event's; new-style fields when eventTime is set. */
function validateEvent(obj: KubeObject): FieldCause[] {
  const e = asEvent(obj);
  const ns = e.metadata.namespace ?? "";
  const involvedNs = e.involvedObject?.namespace ?? "";
  const causes: FieldCause[] = [];
  const mismatch = () => causes.push(invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
  if (!e.eventTime) {
    if (involvedNs ? ns !== involvedNs : ns !== "" && ns !== "default") mismatch();
  } else {
    if (!involvedNs && ns !== "default" && ns !== "kube-system") mismatch();
    causes.push(...validateNewStyle(e));
  }
  return [...causes, ...invalidEach("namespace", ns, isDns1123Subdomain(ns))];
}

/** The printer reads core/v1 names except the reporting controller's. */
function view(obj: KubeObject): EventView {
  const e = asEvent(obj);
  return {
    ...e,
    eventTime: e.eventTime ?? undefined,
    firstTimestamp: e.firstTimestamp ?? undefined,
    lastTimestamp: e.lastTimestamp ?? undefined,
    reportingController: e.reportingComponent,
  };
}

export const coreEventKind: KindDef = {
  group: "",
  version: "v1",
  kind: "Event",
  listKind: "EventList",
  plural: "events",
  singular: "event",
  shortNames: ["ev"],
  categories: [],
  namespaced: true,
  schema: coreEventSchema,
  validate: validateEvent,
  columns: eventColumns(view),
  selectableFields: {
    "involvedObject.kind": (o) => asEvent(o).involvedObject?.kind ?? "",
    "involvedObject.namespace": (o) => asEvent(o).involvedObject?.namespace ?? "",
    "involvedObject.name": (o) => asEvent(o).involvedObject?.name ?? "",
    "involvedObject.uid": (o) => asEvent(o).involvedObject?.uid ?? "",
    "involvedObject.apiVersion": (o) => asEvent(o).involvedObject?.apiVersion ?? "",
    "involvedObject.resourceVersion": (o) => asEvent(o).involvedObject?.resourceVersion ?? "",
    "involvedObject.fieldPath": (o) => asEvent(o).involvedObject?.fieldPath ?? "",
    reason: (o) => asEvent(o).reason ?? "",
    reportingComponent: (o) => asEvent(o).reportingComponent ?? "",
    source: (o) => asEvent(o).source?.component || asEvent(o).reportingComponent || "",
    type: (o) => asEvent(o).type ?? "",
  },
  tracksGeneration: false,
};
