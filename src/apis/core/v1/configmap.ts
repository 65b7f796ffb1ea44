// core/v1 ConfigMap: string data and base64 binaryData, keys in the config-key format, 1 MiB in
// total, frozen when `immutable: true`.
import { z } from "zod";
import { invalid } from "../../fielderrors";
import { kindSchema, stringMapSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { dataSize, validateDataKeys, validateDataSize, validateImmutableData } from "./datavalidation";
import { base64Length, base64MapSchema, validateBase64Values } from "./base64";

export const configMapSchema = kindSchema({
  apiVersion: "v1",
  kind: "ConfigMap",
  extra: {
    immutable: z.boolean().optional(),
    data: stringMapSchema.optional(),
    binaryData: base64MapSchema.optional(),
  },
});

export interface ConfigMap extends KubeObject {
  immutable?: boolean;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

const asConfigMap = (obj: KubeObject) => obj as ConfigMap;

function validateConfigMap(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const cm = asConfigMap(obj);
  const causes = [
    ...validateDataKeys(cm.data, "data"),
    ...Object.keys(cm.data ?? {})
      .filter((k) => Object.hasOwn(cm.binaryData ?? {}, k))
      .map((k) => invalid(`data[${k}]`, k, "duplicate of key present in binaryData")),
    ...validateDataKeys(cm.binaryData, "binaryData"),
    ...validateBase64Values(cm.binaryData, "binaryData"),
    // Kubernetes reports the size at the root path ("").
    ...validateDataSize(dataSize(cm.data) + dataSize(cm.binaryData, base64Length), ""),
  ];
  if (old) causes.push(...validateImmutableData(cm, asConfigMap(old), ["data", "binaryData"]));
  return causes;
}

export const configMapKind: KindDef = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  listKind: "ConfigMapList",
  plural: "configmaps",
  singular: "configmap",
  shortNames: ["cm"],
  categories: [],
  namespaced: true,
  schema: configMapSchema,
  validate: validateConfigMap,
  columns: [
    {
      name: "Data",
      type: "string",
      description: "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
      cell: (obj) => Object.keys(asConfigMap(obj).data ?? {}).length + Object.keys(asConfigMap(obj).binaryData ?? {}).length,
    },
    ageColumn(),
  ],
  tracksGeneration: false,
};
