// core/v1 PodSpec and PodTemplateSpec: the schema here, defaults and validation in their own
// modules (re-exported so kinds import everything pod-shaped from one place).
import { z } from "zod";
import { atomicList, listOf, localObjectReferenceSchema, objectMetaSchema, resourceListSchema, stringMapSchema, withPatchMeta } from "../../meta";
import { mergeList } from "../../patchmeta";
import { containerSchema, ephemeralContainerSchema, resourceRequirementsSchema, securityProfileSchema, seLinuxOptionsSchema, windowsSecurityContextOptionsSchema } from "./container";
import { affinitySchema, tolerationSchema, topologySpreadConstraintSchema } from "./scheduling";
import { volumeSchema } from "./volume";

export { defaultPodSpec, defaultPodTemplateSpec, admitPodSpec } from "./poddefaults";
export { validatePodSpec, validatePodTemplateSpec } from "./podvalidation";
export { validatePodSpecUpdate } from "./podupdate";

export const podSecurityContextSchema = z.strictObject({
  seLinuxOptions: seLinuxOptionsSchema.optional(),
  windowsOptions: windowsSecurityContextOptionsSchema.optional(),
  runAsUser: z.int().optional(),
  runAsGroup: z.int().optional(),
  runAsNonRoot: z.boolean().optional(),
  supplementalGroups: atomicList(z.int()),
  supplementalGroupsPolicy: z.string().optional(),
  fsGroup: z.int().optional(),
  sysctls: atomicList(z.strictObject({ name: z.string(), value: z.string() })),
  fsGroupChangePolicy: z.string().optional(),
  seccompProfile: securityProfileSchema.optional(),
  appArmorProfile: securityProfileSchema.optional(),
  seLinuxChangePolicy: z.string().optional(),
});

export const podDNSConfigSchema = z.strictObject({
  nameservers: atomicList(z.string()),
  searches: atomicList(z.string()),
  options: atomicList(z.strictObject({ name: z.string().optional(), value: z.string().optional() })),
});

const nameOnly = z.strictObject({ name: z.string() });

export const podSpecSchema = z.strictObject({
  volumes: listOf(volumeSchema, { ...mergeList("name"), patchStrategy: "merge,retainKeys" }),
  initContainers: listOf(containerSchema, mergeList("name")),
  containers: listOf(containerSchema, mergeList("name")),
  ephemeralContainers: listOf(ephemeralContainerSchema, mergeList("name")),
  restartPolicy: z.string().optional(),
  terminationGracePeriodSeconds: z.int().optional(),
  activeDeadlineSeconds: z.int().optional(),
  dnsPolicy: z.string().optional(),
  nodeSelector: withPatchMeta(stringMapSchema, { mapType: "atomic" }).optional(),
  serviceAccountName: z.string().optional(),
  serviceAccount: z.string().optional().meta({ description: "Deprecated alias of serviceAccountName." }),
  automountServiceAccountToken: z.boolean().optional(),
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  shareProcessNamespace: z.boolean().optional(),
  securityContext: podSecurityContextSchema.optional(),
  imagePullSecrets: listOf(localObjectReferenceSchema, mergeList("name")),
  hostname: z.string().optional(),
  subdomain: z.string().optional(),
  affinity: affinitySchema.optional(),
  schedulerName: z.string().optional(),
  tolerations: atomicList(tolerationSchema),
  hostAliases: listOf(z.strictObject({ ip: z.string(), hostnames: atomicList(z.string()) }), mergeList("ip")),
  priorityClassName: z.string().optional(),
  priority: z.int32().optional(),
  dnsConfig: podDNSConfigSchema.optional(),
  readinessGates: atomicList(z.strictObject({ conditionType: z.string() })),
  runtimeClassName: z.string().optional(),
  enableServiceLinks: z.boolean().optional(),
  preemptionPolicy: z.string().optional(),
  overhead: resourceListSchema.optional(),
  topologySpreadConstraints: listOf(topologySpreadConstraintSchema, mergeList("topologyKey", ["whenUnsatisfiable"])),
  setHostnameAsFQDN: z.boolean().optional(),
  os: z.strictObject({ name: z.string() }).optional(),
  hostUsers: z.boolean().optional(),
  schedulingGates: listOf(nameOnly, mergeList("name")),
  resourceClaims: listOf(
    z.strictObject({ name: z.string(), resourceClaimName: z.string().optional(), resourceClaimTemplateName: z.string().optional() }),
    { ...mergeList("name"), patchStrategy: "merge,retainKeys" },
  ),
  resources: resourceRequirementsSchema.optional(),
});

export const podTemplateSpecSchema = z.strictObject({
  metadata: objectMetaSchema.optional(),
  spec: podSpecSchema.optional(),
});

export type PodSpec = z.infer<typeof podSpecSchema>;
export type PodTemplateSpec = z.infer<typeof podTemplateSpecSchema>;
