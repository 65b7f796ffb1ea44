// Printer cells shared by the workload kinds (Deployment, ReplicaSet, DaemonSet, Job, CronJob):
// the `-o wide` CONTAINERS, IMAGES and SELECTOR columns and integer counters read from status.
import { getPath } from "../../printers";
import type { KubeObject, PrinterColumn } from "../../types";

interface ContainerCell {
  name?: string;
  image?: string;
}

function containersAt(obj: KubeObject, path: string): ContainerCell[] {
  const list = getPath(obj, path);
  return Array.isArray(list) ? (list as ContainerCell[]) : [];
}

/** An int32 counter as Kubernetes prints it: 0 when unset. */
export function countAt(obj: KubeObject, path: string): number {
  const value = getPath(obj, path);
  return typeof value === "number" ? value : 0;
}

/** A column showing an int32 counter; Kubernetes declares some of them "string" but still sends numbers. */
export function countColumn(name: string, path: string, description: string, type: "integer" | "string" = "integer"): PrinterColumn {
  return { name, type, description, cell: (obj) => countAt(obj, path) };
}

/**
 * CONTAINERS, IMAGES and SELECTOR, shown with `-o wide`. `containersPath` is the dotted path of
 * the template's containers; `selector` renders the selector cell the way the kind's printer does.
 */
export function wideTemplateColumns(containersPath: string, selectorDescription: string, selector: (obj: KubeObject) => string): PrinterColumn[] {
  return [
    {
      name: "Containers",
      type: "string",
      priority: 1,
      description: "Names of each container in the template.",
      cell: (obj) => containersAt(obj, containersPath).map((c) => c.name ?? "").join(","),
    },
    {
      name: "Images",
      type: "string",
      priority: 1,
      description: "Images referenced by each container in the template.",
      cell: (obj) => containersAt(obj, containersPath).map((c) => c.image ?? "").join(","),
    },
    { name: "Selector", type: "string", priority: 1, description: selectorDescription, cell: (obj) => selector(obj) },
  ];
}
