// core/v1 ServiceAccount: identity for pods; SECRETS column counts its token secrets.
import { z } from "zod";
import { atomicList, kindSchema, listOf, localObjectReferenceSchema, objectReferenceSchema } from "../../meta";
import { mergeList } from "../../patchmeta";
import { ageColumn } from "../../printers";
import type { KindDef, KubeObject } from "../../types";

export const serviceAccountSchema = kindSchema({
  apiVersion: "v1",
  kind: "ServiceAccount",
  extra: {
    secrets: listOf(objectReferenceSchema, mergeList("name")),
    imagePullSecrets: atomicList(localObjectReferenceSchema),
    automountServiceAccountToken: z.boolean().optional(),
  },
});

export const serviceAccountKind: KindDef = {
  group: "",
  version: "v1",
  kind: "ServiceAccount",
  listKind: "ServiceAccountList",
  plural: "serviceaccounts",
  singular: "serviceaccount",
  shortNames: ["sa"],
  categories: [],
  namespaced: true,
  schema: serviceAccountSchema,
  // TokenRequest: `kubectl create token` (answered by src/auth, never stored).
  subresources: ["token"],
  columns: [
    {
      name: "Secrets",
      type: "string",
      description: "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret",
      cell: (obj: KubeObject) => (Array.isArray(obj.secrets) ? obj.secrets.length : 0),
    },
    ageColumn(),
  ],
  tracksGeneration: false,
};
