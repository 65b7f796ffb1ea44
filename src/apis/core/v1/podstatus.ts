// core/v1 PodStatus: phase, conditions, IPs and the per-container states agents report.
import { z } from "zod";
import { atomicList, conditionsList, legacyConditionSchema, listOf, resourceListSchema, timeSchema } from "../../meta";
import { mergeList } from "../../patchmeta";
import { resourceRequirementsSchema } from "./container";

export const containerStateSchema = z.strictObject({
  waiting: z.strictObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.strictObject({ startedAt: timeSchema.nullable().optional() }).optional(),
  terminated: z
    .strictObject({
      exitCode: z.int32(),
      signal: z.int32().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startedAt: timeSchema.nullable().optional(),
      finishedAt: timeSchema.nullable().optional(),
      containerID: z.string().optional(),
    })
    .optional(),
});

const volumeMountStatusSchema = z.strictObject({
  name: z.string(),
  mountPath: z.string(),
  readOnly: z.boolean().optional(),
  recursiveReadOnly: z.string().optional(),
});

const resourceStatusSchema = z.strictObject({
  name: z.string(),
  resources: listOf(z.strictObject({ resourceID: z.string(), health: z.string().optional() }), { listType: "map", listMapKeys: ["resourceID"] }),
});

export const containerStatusSchema = z.strictObject({
  name: z.string(),
  state: containerStateSchema.optional(),
  lastState: containerStateSchema.optional(),
  ready: z.boolean(),
  restartCount: z.int32(),
  image: z.string(),
  imageID: z.string(),
  containerID: z.string().optional(),
  started: z.boolean().optional(),
  allocatedResources: resourceListSchema.optional(),
  resources: resourceRequirementsSchema.optional(),
  volumeMounts: listOf(volumeMountStatusSchema, mergeList("mountPath")),
  user: z
    .strictObject({ linux: z.strictObject({ uid: z.int(), gid: z.int(), supplementalGroups: atomicList(z.int()) }).optional() })
    .optional(),
  allocatedResourcesStatus: listOf(resourceStatusSchema, mergeList("name")),
});

const ipSchema = z.strictObject({ ip: z.string() });

export const podConditionSchema = legacyConditionSchema(["lastProbeTime"]);

export const podStatusSchema = z.strictObject({
  phase: z.string().optional(),
  conditions: conditionsList(podConditionSchema),
  message: z.string().optional(),
  reason: z.string().optional(),
  nominatedNodeName: z.string().optional(),
  hostIP: z.string().optional(),
  hostIPs: listOf(ipSchema, { patchStrategy: "merge", patchMergeKey: "ip", listType: "atomic" }),
  podIP: z.string().optional(),
  podIPs: listOf(ipSchema, mergeList("ip")),
  startTime: timeSchema.optional(),
  initContainerStatuses: atomicList(containerStatusSchema),
  containerStatuses: atomicList(containerStatusSchema),
  qosClass: z.string().optional(),
  ephemeralContainerStatuses: atomicList(containerStatusSchema),
  resize: z.string().optional(),
  resourceClaimStatuses: listOf(
    z.strictObject({ name: z.string(), resourceClaimName: z.string().optional() }),
    { ...mergeList("name"), patchStrategy: "merge,retainKeys" },
  ),
});

export type PodStatus = z.infer<typeof podStatusSchema>;
export type ContainerStatus = z.infer<typeof containerStatusSchema>;
