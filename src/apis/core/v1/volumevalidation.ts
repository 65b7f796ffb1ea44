// Validation of pod volumes (ValidateVolumes / validateVolumeSource and the per-source checks).
import { forbidden, invalid, invalidEach, required } from "../../fielderrors";
import { isDns1123Label } from "../../formats";
import { validateQuantity } from "../../quantity";
import { validateEnum, validateUnique } from "../../validation";
import type { FieldCause } from "../../types";
import { VOLUME_FIELD_PATHS, validateObjectFieldSelector, validateResourceFieldSelector } from "./envvalidation";
import { VOLUME_SOURCES, type Volume } from "./volume";

const FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

function validateMode(mode: number | undefined, path: string): FieldCause[] {
  return mode !== undefined && (mode < 0 || mode > 0o777) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

/** A relative path inside the volume that does not climb out of it. */
function validateLocalNonReservedPath(value: string, path: string): FieldCause[] {
  if (!value) return [required(path)];
  const causes = value.startsWith("/") ? [invalid(path, value, "must be a relative path")] : [];
  if (value.split(/[\\/]/).includes("..")) causes.push(invalid(path, value, "must not contain '..'"));
  else if (value.startsWith("..")) causes.push(invalid(path, value, "must not start with '..'"));
  return causes;
}

type KeyToPath = { key: string; path: string; mode?: number };

function validateItems(items: KeyToPath[] | undefined, path: string): FieldCause[] {
  return (items ?? []).flatMap((item, i) => [
    ...(item.key ? [] : [required(`${path}[${i}].key`)]),
    ...validateLocalNonReservedPath(item.path, `${path}[${i}].path`),
    ...validateMode(item.mode, `${path}[${i}].mode`),
  ]);
}

type DownwardFile = NonNullable<NonNullable<Volume["downwardAPI"]>["items"]>[number];

function validateDownwardFiles(items: DownwardFile[] | undefined, path: string): FieldCause[] {
  return (items ?? []).flatMap((item, i) => {
    const p = `${path}[${i}]`;
    const causes = [...validateLocalNonReservedPath(item.path, `${p}.path`), ...validateMode(item.mode, `${p}.mode`)];
    if (item.fieldRef) causes.push(...validateObjectFieldSelector(item.fieldRef, VOLUME_FIELD_PATHS, `${p}.fieldRef`));
    if (item.resourceFieldRef) causes.push(...validateResourceFieldSelector(item.resourceFieldRef, `${p}.resourceFieldRef`, true));
    if (item.fieldRef && item.resourceFieldRef) causes.push(invalid(p, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
    if (!item.fieldRef && !item.resourceFieldRef) causes.push(required(p, "one of fieldRef and resourceFieldRef is required"));
    return causes;
  });
}

function validateProjected(projected: NonNullable<Volume["projected"]>, path: string): FieldCause[] {
  const causes = validateMode(projected.defaultMode, `${path}.defaultMode`);
  (projected.sources ?? []).forEach((src, i) => {
    const p = `${path}.sources[${i}]`;
    const set = (["secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle"] as const).filter((k) => src[k] !== undefined);
    if (set.length === 0) causes.push(required(p, "must specify a projection type"));
    causes.push(...set.slice(1).map((k) => forbidden(`${p}.${k}`, "may not specify more than 1 volume type")));
    for (const k of ["secret", "configMap"] as const) {
      const ref = src[k];
      if (!ref) continue;
      if (!ref.name) causes.push(required(`${p}.${k}.name`));
      causes.push(...validateItems(ref.items, `${p}.${k}.items`));
    }
    if (src.downwardAPI) causes.push(...validateDownwardFiles(src.downwardAPI.items, `${p}.downwardAPI.items`));
    const token = src.serviceAccountToken;
    if (token) {
      causes.push(...validateLocalNonReservedPath(token.path, `${p}.serviceAccountToken.path`));
      const exp = token.expirationSeconds;
      if (exp !== undefined && exp < MIN_TOKEN_SECONDS) causes.push(invalid(`${p}.serviceAccountToken.expirationSeconds`, exp, "may not specify a duration less than 10 minutes"));
      if (exp !== undefined && exp > MAX_TOKEN_SECONDS) causes.push(invalid(`${p}.serviceAccountToken.expirationSeconds`, exp, "may not specify a duration larger than 2^32 seconds"));
    }
  });
  return causes;
}

const HOST_PATH_TYPES = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];

type SourceName = (typeof VOLUME_SOURCES)[number];
type SourceChecks = { [K in SourceName]: (source: NonNullable<Volume[K]>, path: string) => FieldCause[] };

function requiredField(value: string | undefined, path: string): FieldCause[] {
  return value ? [] : [required(path)];
}

const SOURCE_CHECKS: SourceChecks = {
  hostPath: (hp, p) => [
    ...requiredField(hp.path, `${p}.path`),
    ...(hp.path.split("/").includes("..") ? [invalid(`${p}.path`, hp.path, "must not contain '..'")] : []),
    ...validateEnum(hp.type, HOST_PATH_TYPES, `${p}.type`),
  ],
  emptyDir: (ed, p) =>
    ed.sizeLimit !== undefined && validateQuantity(ed.sizeLimit, `${p}.sizeLimit`).length ? [forbidden(`${p}.sizeLimit`, "SizeLimit field must be a valid resource quantity")] : [],
  secret: (s, p) => [...requiredField(s.secretName, `${p}.secretName`), ...validateItems(s.items, `${p}.items`), ...validateMode(s.defaultMode, `${p}.defaultMode`)],
  configMap: (cm, p) => [...requiredField(cm.name, `${p}.name`), ...validateItems(cm.items, `${p}.items`), ...validateMode(cm.defaultMode, `${p}.defaultMode`)],
  nfs: (nfs, p) => [
    ...requiredField(nfs.server, `${p}.server`),
    ...(nfs.path ? (nfs.path.startsWith("/") ? [] : [invalid(`${p}.path`, nfs.path, "must be an absolute path")]) : [required(`${p}.path`)]),
  ],
  persistentVolumeClaim: (pvc, p) => requiredField(pvc.claimName, `${p}.claimName`),
  downwardAPI: (d, p) => [...validateDownwardFiles(d.items, `${p}.items`), ...validateMode(d.defaultMode, `${p}.defaultMode`)],
  projected: validateProjected,
  csi: (csi, p) => requiredField(csi.driver, `${p}.driver`),
  ephemeral: (e, p) => (e.volumeClaimTemplate ? [] : [required(`${p}.volumeClaimTemplate`)]),
  image: (img, p) => requiredField(img.reference, `${p}.reference`),
};

function validateSource<K extends SourceName>(v: Volume, name: K, path: string): FieldCause[] {
  const check = SOURCE_CHECKS[name] as (source: Volume[K], path: string) => FieldCause[];
  return check(v[name], `${path}.${name}`);
}

/** The volumes of a pod: names valid and unique, exactly one source each, every source checked. */
export function validateVolumes(volumes: Volume[] | undefined, path: string): FieldCause[] {
  const list = volumes ?? [];
  const causes = list.flatMap((v, i) => {
    const p = `${path}[${i}]`;
    const set = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
    const out: FieldCause[] = set.length ? validateSource(v, set[0], p) : [required(p, "must specify a volume type")];
    out.push(...set.slice(1).map((s) => forbidden(`${p}.${s}`, "may not specify more than 1 volume type")));
    out.push(...(v.name ? invalidEach(`${p}.name`, v.name, isDns1123Label(v.name)) : [required(`${p}.name`)]));
    return out;
  });
  return [...causes, ...validateUnique(list, (v) => v.name, (i) => `${path}[${i}].name`)];
}
