// A request's label and field selectors as one test, usable on a live object and on the
// projection the changelog keeps of an object's previous state (so watches see it leave).
import type { KindDef, KubeObject } from "../apis/types";
import type { SelectorProjection } from "../store/store";
import { fieldValue, parseFieldSelector, requiredFieldValue, type FieldRequirement } from "./fields";
import { matchesLabels, parseLabelSelector, type LabelRequirement } from "./labels";
import type { Result } from "./status";

export interface Selection {
  selects(obj: KubeObject): boolean;
  selectsProjection(p: SelectorProjection): boolean;
  /** Set when the field selector pins spec.nodeName, which the store indexes for pods. */
  nodeName?: string;
}

/** Labels and every selectable field of an object. */
export function projection(kind: KindDef, obj: KubeObject): SelectorProjection {
  const fields: Record<string, string> = { "metadata.name": obj.metadata.name ?? "", "metadata.namespace": kind.namespaced ? (obj.metadata.namespace ?? "") : "" };
  for (const field of Object.keys(kind.selectableFields ?? {})) fields[field] = fieldValue(obj, kind, field);
  return { labels: obj.metadata.labels ?? {}, fields };
}

function fieldsMatch(requirements: FieldRequirement[], fields: Record<string, string>): boolean {
  return requirements.every((r) => ((fields[r.field] ?? "") === r.value) === (r.operator !== "!="));
}

export function selection(kind: KindDef, labels: LabelRequirement[], fields: FieldRequirement[]): Selection {
  return {
    selectsProjection: (p) => matchesLabels(labels, p.labels) && fieldsMatch(fields, p.fields),
    selects: (obj) => matchesLabels(labels, obj.metadata.labels ?? {}) && fieldsMatch(fields, projectFields(kind, obj, fields)),
    nodeName: requiredFieldValue(fields, "spec.nodeName"),
  };
}

/** From the query's text, as the watch hub receives it. */
export function selectionFrom(kind: KindDef, labelSelector: string | undefined, fieldSelector: string | undefined): Result<Selection> {
  const labels = parseLabelSelector(labelSelector ?? "");
  if (!labels.ok) return labels;
  const fields = parseFieldSelector(fieldSelector ?? "", kind);
  if (!fields.ok) return fields;
  return { ok: true, value: selection(kind, labels.value, fields.value) };
}

/** Only the fields a selector names, so a list does not compute every selectable field per object. */
function projectFields(kind: KindDef, obj: KubeObject, requirements: FieldRequirement[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of requirements) out[r.field] = fieldValue(obj, kind, r.field);
  return out;
}
