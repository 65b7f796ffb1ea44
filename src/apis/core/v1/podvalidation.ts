// PodSpec and PodTemplateSpec validation (Kubernetes' ValidatePodSpec, ValidatePodTemplateSpec).
import { duplicate, forbidden, invalid, invalidEach, notFound, required } from "../../fielderrors";
import { inclusiveRangeError, isDns1123Label, isDns1123Subdomain, isIP, isQualifiedName } from "../../formats";
import { validateAnnotations, validateEnum, validateLabels, validateQualifiedName, validateUnique } from "../../validation";
import type { FieldCause } from "../../types";
import type { Container } from "./container";
import { type ContainerContext, type ContainerRole, validateContainer, validateUniqueHostPorts } from "./containervalidation";
import type { PodSpec, PodTemplateSpec } from "./podspec";
import { validateResourceList } from "./resourcesvalidation";
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from "./schedulingvalidation";
import { validateVolumes } from "./volumevalidation";

const MAX_INT32 = 2 ** 31 - 1;
const MAX_ID = 0xffffffff;
const DEFAULT_GRACE_PERIOD = 30;

function containerContext(spec: PodSpec): ContainerContext {
  const volumes = spec.volumes ?? [];
  return {
    volumeNames: new Set(volumes.map((v) => v.name)),
    blockVolumeNames: new Set(volumes.filter((v) => v.persistentVolumeClaim || v.ephemeral).map((v) => v.name)),
    podClaimNames: (spec.resourceClaims ?? []).map((c) => c.name),
    gracePeriodSeconds: spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD,
  };
}

/** Containers of all three kinds; names unique across the pod, reported on the later list. */
function validateAllContainers(spec: PodSpec, path: string): FieldCause[] {
  const ctx = containerContext(spec);
  const lists: [ContainerRole, string, Container[]][] = [
    ["container", `${path}.containers`, spec.containers ?? []],
    ["init", `${path}.initContainers`, spec.initContainers ?? []],
    ["ephemeral", `${path}.ephemeralContainers`, spec.ephemeralContainers ?? []],
  ];
  const causes = (spec.containers ?? []).length ? [] : [required(`${path}.containers`)];
  const names = new Set<string>();
  for (const [role, listPath, containers] of lists) {
    containers.forEach((c, i) => {
      causes.push(...validateContainer(c, role, ctx, `${listPath}[${i}]`));
      if (c.name && names.has(c.name)) causes.push(duplicate(`${listPath}[${i}].name`, c.name));
      names.add(c.name);
    });
  }
  (spec.ephemeralContainers ?? []).forEach((c, i) => {
    const target = c.targetContainerName;
    if (target && ![...(spec.containers ?? []), ...(spec.initContainers ?? [])].some((t) => t.name === target)) {
      causes.push(notFound(`${path}.ephemeralContainers[${i}].targetContainerName`, target));
    }
  });
  causes.push(...validateUniqueHostPorts(lists.slice(0, 2).map(([, p, containers]) => ({ containers, path: p }))));
  if (spec.hostNetwork) {
    (spec.containers ?? []).forEach((c, ci) =>
      (c.ports ?? []).forEach((port, pi) => {
        if (port.hostPort && port.hostPort !== port.containerPort) {
          causes.push(invalid(`${path}.containers[${ci}].ports[${pi}].hostPort`, port.hostPort, "must match `containerPort` when `hostNetwork` is true"));
        }
      }),
    );
  }
  return causes;
}

function validateDnsConfig(spec: PodSpec, path: string): FieldCause[] {
  const config = spec.dnsConfig;
  if (!config) return spec.dnsPolicy === "None" ? [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")] : [];
  const causes: FieldCause[] = [];
  const nameservers = config.nameservers ?? [];
  const searches = config.searches ?? [];
  if (spec.dnsPolicy === "None" && nameservers.length === 0) causes.push(required(`${path}.nameservers`, "must provide at least one DNS nameserver when `dnsPolicy` is None"));
  if (nameservers.length > 3) causes.push(invalid(`${path}.nameservers`, nameservers, "must not have more than 3 nameservers"));
  nameservers.forEach((ns, i) => isIP(ns) || causes.push(invalid(`${path}.nameservers[${i}]`, ns, "must be a valid IP address")));
  if (searches.length > 32) causes.push(invalid(`${path}.searches`, searches, "must not have more than 32 search paths"));
  if (searches.join(" ").length > 2048) causes.push(invalid(`${path}.searches`, searches, "must not have more than 2048 characters (including spaces) in the search list"));
  searches.forEach((s, i) => {
    const domain = s.endsWith(".") ? s.slice(0, -1) : s;
    causes.push(...invalidEach(`${path}.searches[${i}]`, domain, isDns1123Subdomain(domain)));
  });
  (config.options ?? []).forEach((o, i) => o.name || causes.push(required(`${path}.options[${i}].name`, "Must not be empty")));
  return causes;
}

function validateSecurityContext(sc: PodSpec["securityContext"], path: string): FieldCause[] {
  if (!sc) return [];
  const ids: [string, number | undefined][] = [
    ["runAsUser", sc.runAsUser],
    ["runAsGroup", sc.runAsGroup],
    ["fsGroup", sc.fsGroup],
    ...(sc.supplementalGroups ?? []).map((g, i): [string, number] => [`supplementalGroups[${i}]`, g]),
  ];
  const causes = ids.flatMap(([f, id]) => (id !== undefined && (id < 0 || id > MAX_ID) ? [invalid(`${path}.${f}`, id, inclusiveRangeError(0, MAX_ID))] : []));
  (sc.sysctls ?? []).forEach((s, i) => s.name || causes.push(required(`${path}.sysctls[${i}].name`)));
  causes.push(
    ...validateEnum(sc.fsGroupChangePolicy, ["Always", "OnRootMismatch"], `${path}.fsGroupChangePolicy`),
    ...validateEnum(sc.supplementalGroupsPolicy, ["Merge", "Strict"], `${path}.supplementalGroupsPolicy`),
  );
  return causes;
}

/** An optional name field checked by a format rule. */
function nameField(value: string | undefined, path: string, check: (v: string) => string[]): FieldCause[] {
  return value ? invalidEach(path, value, check(value)) : [];
}

function validateHostAliases(spec: PodSpec, path: string): FieldCause[] {
  return (spec.hostAliases ?? []).flatMap((alias, i) => [
    ...(isIP(alias.ip) ? [] : [invalid(`${path}[${i}].ip`, alias.ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]),
    ...(alias.hostnames ?? []).flatMap((h) => invalidEach(`${path}[${i}].hostnames`, h, isDns1123Subdomain(h))),
  ]);
}

/** Scalar pod-level fields: policies, names, deadlines. */
function validatePodFields(spec: PodSpec, path: string): FieldCause[] {
  const causes = [
    ...validateEnum(spec.restartPolicy, ["Always", "OnFailure", "Never"], `${path}.restartPolicy`, true),
    ...validateEnum(spec.dnsPolicy, ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"], `${path}.dnsPolicy`, true),
    ...validateEnum(spec.preemptionPolicy, ["Never", "PreemptLowerPriority"], `${path}.preemptionPolicy`),
    ...validateLabels(spec.nodeSelector, `${path}.nodeSelector`),
    ...nameField(spec.serviceAccountName, `${path}.serviceAccountName`, isDns1123Subdomain),
    ...nameField(spec.nodeName, `${path}.nodeName`, isDns1123Subdomain),
    ...nameField(spec.hostname, `${path}.hostname`, isDns1123Label),
    ...nameField(spec.subdomain, `${path}.subdomain`, isDns1123Label),
    ...nameField(spec.priorityClassName, `${path}.priorityClassName`, isDns1123Subdomain),
    ...nameField(spec.runtimeClassName, `${path}.runtimeClassName`, isDns1123Subdomain),
  ];
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) causes.push(invalid(`${path}.activeDeadlineSeconds`, ads, inclusiveRangeError(1, MAX_INT32)));
  if (spec.os) causes.push(...validateEnum(spec.os.name, ["linux", "windows"], `${path}.os.name`, true));
  (spec.readinessGates ?? []).forEach((g, i) => causes.push(...invalidEach(`${path}.readinessGates[${i}].conditionType`, g.conditionType, isQualifiedName(g.conditionType))));
  const gates = spec.schedulingGates ?? [];
  gates.forEach((g, i) => causes.push(...validateQualifiedName(g.name, `${path}.schedulingGates[${i}]`)));
  causes.push(...validateUnique(gates, (g) => g.name, (i) => `${path}.schedulingGates[${i}]`));
  const claims = spec.resourceClaims ?? [];
  claims.forEach((c, i) => {
    const p = `${path}.resourceClaims[${i}]`;
    causes.push(...(c.name ? invalidEach(`${p}.name`, c.name, isDns1123Label(c.name)) : [required(`${p}.name`)]));
    const sources = [c.resourceClaimName, c.resourceClaimTemplateName].filter(Boolean).length;
    if (sources === 0) causes.push(required(p, "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"));
    if (sources > 1) causes.push(invalid(p, c, "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"));
  });
  causes.push(...validateUnique(claims, (c) => c.name, (i) => `${path}.resourceClaims[${i}].name`));
  return causes;
}

export function validatePodSpec(spec: PodSpec, path: string): FieldCause[] {
  return [
    ...validateVolumes(spec.volumes, `${path}.volumes`),
    ...validateAllContainers(spec, path),
    ...validatePodFields(spec, path),
    ...validateSecurityContext(spec.securityContext, `${path}.securityContext`),
    ...validateAffinity(spec.affinity, `${path}.affinity`),
    ...validateDnsConfig(spec, `${path}.dnsConfig`),
    ...validateTopologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`),
    ...validateTolerations(spec.tolerations, `${path}.tolerations`),
    ...validateHostAliases(spec, `${path}.hostAliases`),
    ...validateResourceList(spec.overhead, `${path}.overhead`),
  ];
}

/** A pod template: Kubernetes reports its labels at `<path>.labels`, not under metadata. */
export function validatePodTemplateSpec(template: PodTemplateSpec, path: string): FieldCause[] {
  const causes = [...validateLabels(template.metadata?.labels, `${path}.labels`), ...validateAnnotations(template.metadata?.annotations, `${path}.annotations`)];
  causes.push(...validatePodSpec(template.spec ?? {}, `${path}.spec`));
  if ((template.spec?.ephemeralContainers ?? []).length) {
    causes.push(forbidden(`${path}.spec.ephemeralContainers`, "ephemeral containers not allowed in pod template"));
  }
  return causes;
}
