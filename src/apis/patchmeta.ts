// Patch and list metadata attached to zod schemas with `.meta(...)`. Strategic merge patch,
// server-side apply and the OpenAPI documents (x-kubernetes-patch-merge-key etc.) all read it,
// so the schema is the one place that says how a list merges.
import { z } from "zod";

export type PatchMeta = {
  /** x-kubernetes-patch-strategy */
  patchStrategy?: "merge" | "replace" | "retainKeys" | "merge,retainKeys";
  /** x-kubernetes-patch-merge-key */
  patchMergeKey?: string;
  /** x-kubernetes-list-type */
  listType?: "atomic" | "set" | "map";
  /** x-kubernetes-list-map-keys */
  listMapKeys?: string[];
  /** x-kubernetes-map-type */
  mapType?: "atomic" | "granular";
  /** x-kubernetes-int-or-string */
  intOrString?: boolean;
  description?: string;
};

/** Tag a list (or map) schema: `z.array(container).meta(patchMeta({ patchMergeKey: "name", patchStrategy: "merge", listType: "map", listMapKeys: ["name"] }))`. */
export function patchMeta(meta: PatchMeta): PatchMeta {
  return meta;
}

/** A keyed list merged by `key`, the most common shape (containers by name, ports by containerPort...). */
export function mergeList(key: string, extraKeys: string[] = []): PatchMeta {
  return { patchStrategy: "merge", patchMergeKey: key, listType: "map", listMapKeys: [key, ...extraKeys] };
}

export function readPatchMeta(schema: z.ZodType): PatchMeta | undefined {
  return z.globalRegistry.get(schema) as PatchMeta | undefined;
}
