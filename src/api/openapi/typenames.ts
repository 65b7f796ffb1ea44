// Kubernetes type names for the schemas the kinds share, recognised by identity. The modules of
// src/apis export each shared schema as `<goType>Schema` (core/v1's containerPortSchema is
// ContainerPort, meta's labelSelectorSchema is LabelSelector), so the export name and the module's
// group-version give the definition name, and `kubectl explain` shows `<[]ContainerPort>` as it does
// against Kubernetes. A module missing from this list only costs nicer names: its schemas are
// still named by the catalog's rules or inlined.
import * as meta from "../../apis/meta";
import * as container from "../../apis/core/v1/container";
import * as podspec from "../../apis/core/v1/podspec";
import * as scheduling from "../../apis/core/v1/scheduling";
import * as volume from "../../apis/core/v1/volume";
import * as jobspec from "../../apis/batch/v1/jobspec";
import { apiPackage, META_V1, pascal } from "./names";
import type { ZodNode } from "./zodwalk";

const CORE_V1 = apiPackage("", "v1");

const MODULES: readonly (readonly [string, Record<string, unknown>])[] = [
  [META_V1, meta],
  [CORE_V1, container],
  [CORE_V1, podspec],
  [CORE_V1, scheduling],
  [CORE_V1, volume],
  [apiPackage("batch", "v1"), jobspec],
];

/** Shared schemas that meta.ts defines but Kubernetes places in core/v1. */
const CORE_TYPES_IN_META: readonly ZodNode[] = [meta.objectReferenceSchema, meta.localObjectReferenceSchema];

function isZod(value: unknown): value is ZodNode {
  return typeof value === "object" && value !== null && "_zod" in value;
}

/** Each shared schema with its Kubernetes definition name; later modules do not rename earlier ones. */
export function sharedTypeNames(): (readonly [ZodNode, string])[] {
  const names = new Map<ZodNode, string>();
  for (const [pkg, module] of MODULES) {
    for (const [exportName, value] of Object.entries(module)) {
      if (!exportName.endsWith("Schema") || !isZod(value) || names.has(value)) continue;
      const typeName = pascal(exportName.slice(0, -"Schema".length));
      names.set(value, `${CORE_TYPES_IN_META.includes(value) ? CORE_V1 : pkg}.${typeName}`);
    }
  }
  return [...names];
}
