// core/v1 Secret: base64 data (stringData merged into it on write), type Opaque by default and
// immutable, per-type required keys, frozen when `immutable: true`.
import { z } from "zod";
import { invalid, required } from "../../fielderrors";
import { child, setDefault } from "../../defaulting";
import { kindSchema, stringMapSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateImmutable } from "../../validation";
import { base64Length, base64MapSchema, encodeBase64Utf8, validateBase64Values } from "./base64";
import { dataSize, validateDataKeys, validateDataSize, validateImmutableData } from "./datavalidation";

export const secretSchema = kindSchema({
  apiVersion: "v1",
  kind: "Secret",
  extra: {
    immutable: z.boolean().optional(),
    data: base64MapSchema.optional(),
    stringData: stringMapSchema.optional().meta({ description: "Write-only: merged into data on write, never returned." }),
    type: z.string().optional(),
  },
});

export interface Secret extends KubeObject {
  immutable?: boolean;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
}

const asSecret = (obj: KubeObject) => obj as Secret;

const SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name";

/** type Opaque; stringData wins over data for the same key and is then dropped, as the v1 conversion does. */
function defaultSecret(obj: KubeObject): void {
  setDefault(obj, "type", "Opaque");
  const stringData = child(obj, "stringData");
  if (stringData) {
    const data = child(obj, "data", true) ?? {};
    for (const [k, v] of Object.entries(stringData)) if (typeof v === "string") data[k] = encodeBase64Utf8(v);
  }
  delete obj.stringData;
}

/** Keys each built-in type requires; dockercfg contents are checked to be JSON. */
function validateType(secret: Secret): FieldCause[] {
  const data = secret.data ?? {};
  const has = (k: string) => Object.hasOwn(data, k);
  const requireKeys = (...keys: string[]) => keys.filter((k) => !has(k)).map((k) => required(`data[${k}]`));
  switch (secret.type) {
    case "kubernetes.io/service-account-token":
      return secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] ? [] : [required(`metadata.annotations[${SERVICE_ACCOUNT_NAME_ANNOTATION}]`)];
    case "kubernetes.io/dockercfg":
      return has(".dockercfg") ? validateJson(data[".dockercfg"], "data[.dockercfg]") : requireKeys(".dockercfg");
    case "kubernetes.io/dockerconfigjson":
      return has(".dockerconfigjson") ? validateJson(data[".dockerconfigjson"], "data[.dockerconfigjson]") : requireKeys(".dockerconfigjson");
    case "kubernetes.io/basic-auth":
      return has("username") || has("password") ? [] : requireKeys("username", "password");
    case "kubernetes.io/ssh-auth":
      return data["ssh-privatekey"] ? [] : [required("data[ssh-privatekey]")];
    case "kubernetes.io/tls":
      return requireKeys("tls.crt", "tls.key");
    default:
      return [];
  }
}

function validateJson(encoded: string, path: string): FieldCause[] {
  try {
    JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(encoded.replace(/[\r\n]/g, "")), (c) => c.charCodeAt(0))));
    return [];
  } catch (e) {
    return [invalid(path, "<secret contents redacted>", e instanceof Error ? e.message : String(e))];
  }
}

function validateSecret(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const secret = asSecret(obj);
  const base64 = validateBase64Values(secret.data, "data");
  const causes = [...validateDataKeys(secret.data, "data"), ...base64];
  if (base64.length === 0) causes.push(...validateDataSize(dataSize(secret.data, base64Length), "data"), ...validateType(secret));
  if (old) causes.push(...validateImmutable(secret.type, asSecret(old).type, "type"), ...validateImmutableData(secret, asSecret(old), ["data"]));
  return causes;
}

export const secretKind: KindDef = {
  group: "",
  version: "v1",
  kind: "Secret",
  listKind: "SecretList",
  plural: "secrets",
  singular: "secret",
  shortNames: [],
  categories: [],
  namespaced: true,
  schema: secretSchema,
  defaults: defaultSecret,
  validate: validateSecret,
  columns: [
    { name: "Type", type: "string", description: "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types", cell: (obj) => asSecret(obj).type ?? "" },
    {
      name: "Data",
      type: "string",
      description: "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
      cell: (obj) => Object.keys(asSecret(obj).data ?? {}).length,
    },
    ageColumn(),
  ],
  selectableFields: { type: (o) => asSecret(o).type ?? "" },
  tracksGeneration: false,
};
