// core/v1 Node: cluster-scoped, registered and reported by the agent; taints, pod CIDRs,
// conditions, addresses and system info; `kubectl get nodes` columns.
import { z } from "zod";
import { duplicate, forbidden, invalid } from "../../fielderrors";
import { isLabelValue } from "../../formats";
import { child } from "../../defaulting";
import { atomicList, conditionsList, kindSchema, legacyConditionSchema, listOf, resourceListSchema, timeSchema } from "../../meta";
import { mergeList } from "../../patchmeta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateEnum, validateQualifiedName } from "../../validation";
import { validateResourceList } from "./resourcesvalidation";
import { TAINT_EFFECTS } from "./schedulingvalidation";

export const taintSchema = z.strictObject({ key: z.string(), value: z.string().optional(), effect: z.string(), timeAdded: timeSchema.nullable().optional() });

const nodeConfigSourceSchema = z.strictObject({
  configMap: z
    .strictObject({ namespace: z.string(), name: z.string(), uid: z.string().optional(), resourceVersion: z.string().optional(), kubeletConfigKey: z.string() })
    .optional(),
});

export const nodeSpecSchema = z.strictObject({
  podCIDR: z.string().optional(),
  podCIDRs: listOf(z.string(), { patchStrategy: "merge", listType: "set" }),
  providerID: z.string().optional(),
  unschedulable: z.boolean().optional(),
  taints: atomicList(taintSchema),
  configSource: nodeConfigSourceSchema.optional(),
  externalID: z.string().optional(),
});

export const nodeSystemInfoSchema = z.strictObject({
  machineID: z.string(),
  systemUUID: z.string(),
  bootID: z.string(),
  kernelVersion: z.string(),
  osImage: z.string(),
  containerRuntimeVersion: z.string(),
  kubeletVersion: z.string(),
  kubeProxyVersion: z.string(),
  operatingSystem: z.string(),
  architecture: z.string(),
});

export const nodeStatusSchema = z.strictObject({
  capacity: resourceListSchema.optional(),
  allocatable: resourceListSchema.optional(),
  phase: z.string().optional(),
  conditions: conditionsList(legacyConditionSchema(["lastHeartbeatTime"])),
  addresses: listOf(z.strictObject({ type: z.string(), address: z.string() }), mergeList("type")),
  daemonEndpoints: z.strictObject({ kubeletEndpoint: z.strictObject({ Port: z.int32() }).optional() }).optional(),
  nodeInfo: nodeSystemInfoSchema.optional(),
  images: atomicList(z.strictObject({ names: atomicList(z.string()), sizeBytes: z.int().optional() })),
  volumesInUse: atomicList(z.string()),
  volumesAttached: atomicList(z.strictObject({ name: z.string(), devicePath: z.string() })),
  config: z
    .strictObject({ assigned: nodeConfigSourceSchema.optional(), active: nodeConfigSourceSchema.optional(), lastKnownGood: nodeConfigSourceSchema.optional(), error: z.string().optional() })
    .optional(),
  runtimeHandlers: atomicList(
    z.strictObject({ name: z.string().optional(), features: z.strictObject({ recursiveReadOnlyMounts: z.boolean().optional(), userNamespaces: z.boolean().optional() }).optional() }),
  ),
  features: z.strictObject({ supplementalGroupsPolicy: z.boolean().optional() }).optional(),
});

export const nodeSchema = kindSchema({ apiVersion: "v1", kind: "Node", spec: nodeSpecSchema, status: nodeStatusSchema });

export interface Node extends KubeObject {
  spec?: z.infer<typeof nodeSpecSchema>;
  status?: z.infer<typeof nodeStatusSchema>;
}

const asNode = (obj: KubeObject) => obj as Node;

const CIDR_RE = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

function validateNode(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = asNode(obj).spec ?? {};
  const causes: FieldCause[] = [];
  const seen = new Set<string>();
  (spec.taints ?? []).forEach((t, i) => {
    const path = `spec.taints[${i}]`;
    causes.push(...validateQualifiedName(t.key, `${path}.key`));
    const msgs = isLabelValue(t.value ?? "");
    if (msgs.length) causes.push(invalid(`${path}.value`, t.value, msgs.join(";")));
    causes.push(...validateEnum(t.effect, TAINT_EFFECTS, `${path}.effect`, true));
    const key = `${t.effect}/${t.key}`;
    if (seen.has(key)) causes.push(duplicate(path, t, "taints must be unique by key and effect pair"));
    seen.add(key);
  });
  const cidrs = spec.podCIDRs ?? [];
  cidrs.forEach((c, i) => CIDR_RE.test(c) || causes.push(invalid(`spec.podCIDRs[${i}]`, c, "must be a valid CIDR")));
  if (cidrs.length > 2) causes.push(invalid("spec.podCIDRs", cidrs, "may specify no more than one CIDR for each IP family"));
  if (spec.podCIDR && cidrs.length && cidrs[0] !== spec.podCIDR) causes.push(invalid("spec.podCIDRs", cidrs, "element [0] must match podCIDR"));
  const status = asNode(obj).status;
  causes.push(...validateResourceList(status?.capacity, "status.capacity"), ...validateResourceList(status?.allocatable, "status.allocatable"));
  if (old) {
    const prev = asNode(old).spec ?? {};
    if ((prev.podCIDRs ?? []).length && JSON.stringify(prev.podCIDRs) !== JSON.stringify(cidrs)) {
      causes.push(forbidden("spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid'));
    }
    if (prev.providerID && prev.providerID !== spec.providerID) causes.push(forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid'));
  }
  return causes;
}

/** STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
function nodeStatusCell(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === "Ready");
  const status = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

const ROLE_PREFIX = "node-role.kubernetes.io/";
const ROLE_LABEL = "kubernetes.io/role";

/** ROLES from node-role.kubernetes.io/<role> labels and the kubernetes.io/role label, sorted. */
function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === ROLE_LABEL && v) roles.add(v);
  }
  return [...roles].sort().join(",") || "<none>";
}

function address(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? "<none>";
}

function infoColumn(name: string, field: keyof z.infer<typeof nodeSystemInfoSchema>, description: string): KindDef["columns"][number] {
  return { name, type: "string", priority: 1, description, cell: (obj) => asNode(obj).status?.nodeInfo?.[field] || "<unknown>" };
}

const ADDRESSES_DOC = "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

export const nodeKind: KindDef = {
  group: "",
  version: "v1",
  kind: "Node",
  listKind: "NodeList",
  plural: "nodes",
  singular: "node",
  shortNames: ["no"],
  categories: [],
  namespaced: false,
  schema: nodeSchema,
  statusField: "status",
  statusOnCreate: true,
  defaults: (obj) => {
    // SetDefaults_NodeStatus: allocatable is the capacity until the node says otherwise.
    const status = child(obj, "status");
    if (status && status.allocatable === undefined && status.capacity !== undefined) status.allocatable = status.capacity;
  },
  validate: validateNode,
  columns: [
    { name: "Status", type: "string", description: "The status of the node", cell: (obj) => nodeStatusCell(asNode(obj)) },
    { name: "Roles", type: "string", description: "The roles of the node", cell: (obj) => nodeRoles(asNode(obj)) },
    ageColumn(),
    { name: "Version", type: "string", description: "Kubelet Version reported by the node.", cell: (obj) => asNode(obj).status?.nodeInfo?.kubeletVersion ?? "" },
    { name: "Internal-IP", type: "string", priority: 1, description: ADDRESSES_DOC, cell: (obj) => address(asNode(obj), "InternalIP") },
    { name: "External-IP", type: "string", priority: 1, description: ADDRESSES_DOC, cell: (obj) => address(asNode(obj), "ExternalIP") },
    infoColumn("OS-Image", "osImage", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
    infoColumn("Kernel-Version", "kernelVersion", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    infoColumn("Container-Runtime", "containerRuntimeVersion", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
  ],
  selectableFields: { "spec.unschedulable": (o) => String(asNode(o).spec?.unschedulable ?? false) },
  tracksGeneration: false,
};
