// Validation of container env and envFrom, and of the downward API selectors (fieldRef,
// resourceFieldRef) that env vars and downwardAPI volumes share.
import { invalid, invalidEach, notSupported, required } from "../../fielderrors";
import { isConfigMapKey, isDns1123Subdomain, isQualifiedName, isRelaxedEnvVarName } from "../../formats";
import { parseQuantity } from "../../quantity";
import type { FieldCause } from "../../types";
import type { Container, ObjectFieldSelector, ResourceFieldSelector } from "./container";

/** Fields an env var may read through fieldRef (besides labels['k'] and annotations['k']). */
const ENV_FIELD_PATHS = ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"];
/** Fields a downwardAPI volume file may hold. */
export const VOLUME_FIELD_PATHS = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"];

const RESOURCE_FIELDS = ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];
const HUGEPAGES_FIELD_PREFIXES = ["limits.hugepages-", "requests.hugepages-"];

export function validateObjectFieldSelector(fs: ObjectFieldSelector, supported: readonly string[], path: string): FieldCause[] {
  if (!fs.apiVersion) return [required(`${path}.apiVersion`)];
  if (!fs.fieldPath) return [required(`${path}.fieldPath`)];
  if (fs.apiVersion !== "v1") return [invalid(`${path}.fieldPath`, fs.fieldPath, `error converting fieldPath: unsupported pod version: ${fs.apiVersion}`)];
  const subscripted = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fs.fieldPath);
  if (subscripted) {
    const key = subscripted[1] === "metadata.annotations" ? subscripted[2].toLowerCase() : subscripted[2];
    return invalidEach(path, subscripted[2], isQualifiedName(key));
  }
  return supported.includes(fs.fieldPath) ? [] : [notSupported(`${path}.fieldPath`, fs.fieldPath, supported)];
}

const CPU_DIVISORS = [0.001, 1];
const MEMORY_DIVISORS = [1, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18, 2 ** 10, 2 ** 20, 2 ** 30, 2 ** 40, 2 ** 50, 2 ** 60];

function validateDivisor(resource: string, divisor: string | number | undefined, path: string): FieldCause[] {
  const value = divisor === undefined ? 0 : parseQuantity(divisor);
  if (value === 0) return [];
  if (resource.endsWith(".cpu") && !CPU_DIVISORS.includes(value ?? NaN)) {
    return [invalid(path, divisor, "only divisor's values 1m and 1 are supported with the cpu resource")];
  }
  if ((resource.endsWith(".memory") || resource.endsWith(".ephemeral-storage")) && !MEMORY_DIVISORS.includes(value ?? NaN)) {
    const kind = resource.endsWith(".memory") ? "memory" : "local ephemeral storage";
    return [invalid(path, divisor, `only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the ${kind} resource`)];
  }
  return [];
}

/** A resourceFieldRef; in a volume the container must be named, in an env var it defaults to its own. */
export function validateResourceFieldSelector(fs: ResourceFieldSelector, path: string, inVolume: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  if (inVolume && !fs.containerName) causes.push(required(`${path}.containerName`));
  if (!fs.resource) causes.push(required(`${path}.resource`));
  else if (!RESOURCE_FIELDS.includes(fs.resource) && !HUGEPAGES_FIELD_PREFIXES.some((p) => fs.resource.startsWith(p))) {
    causes.push(notSupported(`${path}.resource`, fs.resource, RESOURCE_FIELDS));
  } else causes.push(...validateDivisor(fs.resource, fs.divisor, `${path}.divisor`));
  return causes;
}

function validateKeySelector(sel: { name?: string; key: string }, path: string): FieldCause[] {
  const causes = invalidEach(`${path}.name`, sel.name ?? "", isDns1123Subdomain(sel.name ?? ""));
  if (!sel.key) causes.push(required(`${path}.key`));
  else causes.push(...invalidEach(`${path}.key`, sel.key, isConfigMapKey(sel.key)));
  return causes;
}

type EnvVar = NonNullable<Container["env"]>[number];

function validateValueFrom(ev: EnvVar, path: string): FieldCause[] {
  const from = ev.valueFrom;
  if (!from) return [];
  const causes: FieldCause[] = [];
  if (from.fieldRef) causes.push(...validateObjectFieldSelector(from.fieldRef, ENV_FIELD_PATHS, `${path}.fieldRef`));
  if (from.resourceFieldRef) causes.push(...validateResourceFieldSelector(from.resourceFieldRef, `${path}.resourceFieldRef`, false));
  if (from.configMapKeyRef) causes.push(...validateKeySelector(from.configMapKeyRef, `${path}.configMapKeyRef`));
  if (from.secretKeyRef) causes.push(...validateKeySelector(from.secretKeyRef, `${path}.secretKeyRef`));
  const sources = [from.fieldRef, from.resourceFieldRef, from.configMapKeyRef, from.secretKeyRef].filter(Boolean).length;
  if (sources === 0) causes.push(invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  else if (ev.value) causes.push(invalid(path, "", "may not be specified when `value` is not empty"));
  else if (sources > 1) causes.push(invalid(path, "", "may not have more than one field specified at a time"));
  return causes;
}

export function validateEnv(env: Container["env"], path: string): FieldCause[] {
  return (env ?? []).flatMap((ev, i) => {
    const p = `${path}[${i}]`;
    const name = ev.name ? invalidEach(`${p}.name`, ev.name, isRelaxedEnvVarName(ev.name)) : [required(`${p}.name`)];
    return [...name, ...validateValueFrom(ev, `${p}.valueFrom`)];
  });
}

export function validateEnvFrom(envFrom: Container["envFrom"], path: string): FieldCause[] {
  return (envFrom ?? []).flatMap((ef, i) => {
    const p = `${path}[${i}]`;
    const causes = ef.prefix ? invalidEach(`${p}.prefix`, ef.prefix, isRelaxedEnvVarName(ef.prefix)) : [];
    const refs = [
      ["configMapRef", ef.configMapRef],
      ["secretRef", ef.secretRef],
    ] as const;
    for (const [field, ref] of refs) {
      if (!ref) continue;
      if (!ref.name) causes.push(required(`${p}.${field}.name`));
      else causes.push(...invalidEach(`${p}.${field}.name`, ref.name, isDns1123Subdomain(ref.name)));
    }
    const sources = refs.filter(([, ref]) => ref).length;
    if (sources === 0) causes.push(invalid(p, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (sources > 1) causes.push(invalid(p, "", "may not have more than one field specified at a time"));
    return causes;
  });
}
