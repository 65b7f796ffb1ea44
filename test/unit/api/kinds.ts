// Small kinds for the API helper tests: one namespaced with selectable fields and columns, one
// cluster-scoped without either.
import { z } from "zod";
import { ageColumn } from "../../../src/apis/printers";
import type { KindDef, KubeObject } from "../../../src/apis/types";

export const podKind: KindDef = {
  group: "",
  version: "v1",
  kind: "Pod",
  listKind: "PodList",
  plural: "pods",
  singular: "pod",
  shortNames: ["po"],
  categories: ["all"],
  namespaced: true,
  schema: z.object({}),
  columns: [
    { name: "Status", type: "string", description: "The phase.", cell: (o) => String((o.status as { phase?: string } | undefined)?.phase ?? "") },
    { name: "Restarts", type: "integer", description: "Restarts.", cell: () => 0 },
    ageColumn(),
    { name: "Node", type: "string", priority: 1, description: "The node.", cell: (o) => String((o.spec as { nodeName?: string } | undefined)?.nodeName ?? "<none>") },
  ],
  selectableFields: {
    "spec.nodeName": (o) => String((o.spec as { nodeName?: string } | undefined)?.nodeName ?? ""),
    "status.phase": (o) => String((o.status as { phase?: string } | undefined)?.phase ?? ""),
  },
};

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
  schema: z.object({}),
  columns: [ageColumn()],
};

export function pod(name: string, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", resourceVersion: "5", creationTimestamp: "2024-01-01T00:00:00Z", labels: { app: "web" } },
    spec: { nodeName: "n1" },
    status: { phase: "Running" },
    ...extra,
  };
}
