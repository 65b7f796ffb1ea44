// apps/v1 ControllerRevision: an immutable snapshot of a controller's state (a DaemonSet's pod
// template), which `kubectl rollout history|undo` reads. Schema, validation
// (apps/validation ValidateControllerRevision and ...Update) and `kubectl get` columns.
import { z } from "zod";
import { required } from "../../fielderrors";
import { kindSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateImmutable, validateNonNegative } from "../../validation";

export const controllerRevisionSchema = kindSchema({
  apiVersion: "apps/v1",
  kind: "ControllerRevision",
  extra: {
    // runtime.RawExtension: any JSON object, kept byte for byte in key order.
    data: z.looseObject({}).optional(),
    revision: z.int().optional(),
  },
});

export interface ControllerRevision extends KubeObject {
  data?: Record<string, unknown>;
  revision?: number;
}

const asRevision = (obj: KubeObject) => obj as ControllerRevision;

function validateControllerRevision(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const revision = asRevision(obj);
  const causes: FieldCause[] = [];
  if (revision.data === undefined) causes.push(required("data", "data is mandatory"));
  causes.push(...validateNonNegative(revision.revision, "revision"));
  if (old) causes.push(...validateImmutable(revision.data, asRevision(old).data, "data"));
  return causes;
}

/** formatResourceName: "<kind>.<group>/<name>" in lower case ("daemonset.apps/agent"), "<kind>/<name>" for the core group. */
function controllerName(obj: KubeObject): string {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return "<none>";
  const slash = ref.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : ref.apiVersion.slice(0, slash);
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionKind: KindDef = {
  group: "apps",
  version: "v1",
  kind: "ControllerRevision",
  listKind: "ControllerRevisionList",
  plural: "controllerrevisions",
  singular: "controllerrevision",
  shortNames: [],
  categories: [],
  namespaced: true,
  schema: controllerRevisionSchema,
  validate: validateControllerRevision,
  tracksGeneration: false,
  columns: [
    { name: "Controller", type: "string", description: "Controller of the object", cell: controllerName },
    {
      name: "Revision",
      type: "string",
      description: "Revision indicates the revision of the state represented by Data.",
      cell: (obj) => asRevision(obj).revision ?? 0,
    },
    ageColumn(),
  ],
};
