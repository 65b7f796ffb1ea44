// core/v1 Namespace: cluster-scoped; labelled with its own name, created Active with the
// "kubernetes" finalizer in spec.finalizers, Terminating once deletion starts, and gone only when
// the namespace controller has emptied spec.finalizers.
import { z } from "zod";
import { invalid } from "../../fielderrors";
import { isQualifiedName } from "../../formats";
import { atomicList, conditionsList, kindSchema, legacyConditionSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { nameIsDnsLabel, validateStricterName } from "../../validation";

export const namespaceSchema = kindSchema({
  apiVersion: "v1",
  kind: "Namespace",
  spec: z.strictObject({ finalizers: atomicList(z.string()) }),
  status: z.strictObject({ phase: z.string().optional(), conditions: conditionsList(legacyConditionSchema([])) }),
});

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: unknown[] };
}

const asNamespace = (obj: KubeObject) => obj as Namespace;

/** The label Kubernetes keeps equal to every namespace's name, so selectors can pick namespaces by name. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
export const KUBERNETES_FINALIZER = "kubernetes";

const STANDARD_FINALIZERS = [KUBERNETES_FINALIZER, "orphan", "foregroundDeletion"];

function defaultNamespace(obj: KubeObject): void {
  const ns = asNamespace(obj);
  if (ns.metadata.name) ns.metadata.labels = { ...ns.metadata.labels, [NAMESPACE_NAME_LABEL]: ns.metadata.name };
  const status = (ns.status ??= {});
  if (!status.phase) status.phase = "Active";
}

/** On create only: the finalizer stays until the namespace controller removes it. */
function addKubernetesFinalizer(obj: KubeObject): void {
  const spec = (asNamespace(obj).spec ??= {});
  const finalizers = spec.finalizers ?? [];
  if (!finalizers.includes(KUBERNETES_FINALIZER)) spec.finalizers = [...finalizers, KUBERNETES_FINALIZER];
}

function validateNamespace(obj: KubeObject): FieldCause[] {
  const finalizers = asNamespace(obj).spec?.finalizers ?? [];
  const causes = finalizers.flatMap((f) => {
    const msgs = isQualifiedName(f);
    if (msgs.length) return msgs.map((m) => invalid("spec.finalizers", f, m));
    return f.includes("/") || STANDARD_FINALIZERS.includes(f) ? [] : [invalid("spec.finalizers", f, "name is neither a standard finalizer name nor is it fully qualified")];
  });
  return [...validateStricterName(obj.metadata, nameIsDnsLabel), ...causes];
}

export const namespaceKind: KindDef = {
  group: "",
  version: "v1",
  kind: "Namespace",
  listKind: "NamespaceList",
  plural: "namespaces",
  singular: "namespace",
  shortNames: ["ns"],
  categories: [],
  namespaced: false,
  schema: namespaceSchema,
  statusField: "status",
  defaults: defaultNamespace,
  onCreate: addKubernetesFinalizer,
  beginDelete: (obj) => {
    asNamespace(obj).status = { ...asNamespace(obj).status, phase: "Terminating" };
  },
  blocksDeletion: (obj) => (asNamespace(obj).spec?.finalizers ?? []).length > 0,
  validate: validateNamespace,
  columns: [{ name: "Status", type: "string", description: "The status of the namespace", cell: (obj) => asNamespace(obj).status?.phase ?? "" }, ageColumn()],
  selectableFields: {
    "status.phase": (o) => asNamespace(o).status?.phase ?? "",
    // Kubernetes still honours the pre-metadata selector `name=`.
    name: (o) => o.metadata.name ?? "",
  },
  tracksGeneration: false,
};
