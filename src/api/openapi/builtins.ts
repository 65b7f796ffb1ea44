// The apimachinery types every OpenAPI document refers to (ListMeta, Status, DeleteOptions, Patch,
// WatchEvent, discovery types), written as zod so the one converter turns them into schemas, and
// autoscaling/v1 Scale, the schema the scale subresource itself uses.
import { z } from "zod";
import { scaleSchema } from "../../apis/autoscaling/v1/scale";
import { META_V1, SCALE_GVK, type GroupVersionKind } from "./names";

const text = (description: string) => z.string().optional().describe(description);

const listMeta = z
  .strictObject({
    continue: text("Set when more results are available: pass it back to get the next page."),
    remainingItemCount: z.int().optional().describe("An estimate of the items left after this page."),
    resourceVersion: text("The revision of the list; a watch started from it misses nothing."),
    selfLink: text("Deprecated; never set."),
  })
  .describe("ListMeta describes metadata that synthetic resources must have, including lists.");

const statusCause = z
  .strictObject({
    field: text("The field of the resource that caused the error, e.g. `spec.replicas`."),
    message: text("A human-readable description of the cause."),
    reason: text("A machine-readable description of the cause, e.g. FieldValueInvalid."),
  })
  .describe("StatusCause provides more information about an api.Status failure.");

const statusDetails = z
  .strictObject({
    causes: z.array(statusCause).optional().describe("The causes of the error."),
    group: text("The group of the resource."),
    kind: text("The kind of the resource."),
    name: text("The name of the resource."),
    retryAfterSeconds: z.int32().optional().describe("Seconds to wait before retrying."),
    uid: text("The UID of the resource."),
  })
  .describe("StatusDetails is a set of additional properties that MAY be set by the server.");

const status = z
  .strictObject({
    apiVersion: text("v1"),
    code: z.int32().optional().describe("The HTTP status code."),
    details: statusDetails.optional(),
    kind: text("Status"),
    message: text("A human-readable description of the status."),
    metadata: listMeta.optional(),
    reason: text("A machine-readable description of why the operation failed, e.g. NotFound."),
    status: text('"Success" or "Failure".'),
  })
  .describe("Status is a return value for calls that don't return other objects.");

const preconditions = z
  .strictObject({ resourceVersion: text("The target resourceVersion."), uid: text("The target UID.") })
  .describe("Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.");

const deleteOptions = z
  .strictObject({
    apiVersion: text("v1"),
    dryRun: z.array(z.string()).optional().describe('"All" to validate without persisting.'),
    gracePeriodSeconds: z.int().optional().describe("Seconds before the object is deleted; zero deletes immediately."),
    kind: text("DeleteOptions"),
    orphanDependents: z.boolean().optional().describe("Deprecated: use propagationPolicy."),
    preconditions: preconditions.optional(),
    propagationPolicy: z.enum(["Orphan", "Background", "Foreground"]).optional().describe("How dependents are garbage collected."),
  })
  .describe("DeleteOptions may be provided when deleting an API object.");

const patch = z.strictObject({}).describe("Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.");

const rawExtension = z.strictObject({}).describe("RawExtension is an object of any kind, with apiVersion and kind.");

const watchEvent = z
  .strictObject({
    object: rawExtension.describe("The object: the changed object for ADDED, MODIFIED and DELETED, a Status for ERROR."),
    type: z.string().describe("ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."),
  })
  .describe("Event represents a single event to a watched resource.");

const groupVersionForDiscovery = z
  .strictObject({ groupVersion: z.string().describe('"group/version"'), version: z.string().describe('"version"') })
  .describe("GroupVersion contains the group/version and version strings of a version.");

const serverAddressByClientCIDR = z
  .strictObject({ clientCIDR: z.string(), serverAddress: z.string() })
  .describe("ServerAddressByClientCIDR helps the client to determine the server address that they should use.");

const apiGroup = z
  .strictObject({
    apiVersion: text("v1"),
    kind: text("APIGroup"),
    name: z.string().describe("The name of the group."),
    preferredVersion: groupVersionForDiscovery.optional(),
    serverAddressByClientCIDRs: z.array(serverAddressByClientCIDR).optional(),
    versions: z.array(groupVersionForDiscovery),
  })
  .describe("APIGroup contains the name, the supported versions, and the preferred version of a group.");

const apiGroupList = z
  .strictObject({ apiVersion: text("v1"), groups: z.array(apiGroup), kind: text("APIGroupList") })
  .describe("APIGroupList is a list of APIGroup, to allow clients to discover the API at /apis.");

const apiVersions = z
  .strictObject({
    apiVersion: text("v1"),
    kind: text("APIVersions"),
    serverAddressByClientCIDRs: z.array(serverAddressByClientCIDR),
    versions: z.array(z.string()),
  })
  .describe("APIVersions lists the versions that are available, to allow clients to discover the API at /api.");

const apiResource = z
  .strictObject({
    categories: z.array(z.string()).optional(),
    group: text("The group of a subresource's kind, when it differs."),
    kind: z.string(),
    name: z.string().describe("The plural name, or plural/subresource."),
    namespaced: z.boolean(),
    shortNames: z.array(z.string()).optional(),
    singularName: z.string(),
    storageVersionHash: text("Opaque; changes when the stored form changes."),
    verbs: z.array(z.string()),
    version: text("The version of a subresource's kind, when it differs."),
  })
  .describe("APIResource specifies the name of a resource and whether it is namespaced.");

const apiResourceList = z
  .strictObject({ apiVersion: text("v1"), groupVersion: z.string(), kind: text("APIResourceList"), resources: z.array(apiResource) })
  .describe("APIResourceList is a list of APIResource in a group and version.");

const AUTOSCALING_V1 = "io.k8s.api.autoscaling.v1";

/** A builtin definition: the schema, its name, and the GVKs clients look it up by. */
export interface Builtin {
  name: string;
  schema: z.ZodType;
  gvks: GroupVersionKind[];
}

const coreGvk = (kind: string): GroupVersionKind[] => [{ group: "", version: "v1", kind }];

export const BUILTINS: readonly Builtin[] = [
  { name: `${META_V1}.ListMeta`, schema: listMeta, gvks: [] },
  { name: `${META_V1}.Status`, schema: status, gvks: coreGvk("Status") },
  { name: `${META_V1}.StatusDetails`, schema: statusDetails, gvks: [] },
  { name: `${META_V1}.StatusCause`, schema: statusCause, gvks: [] },
  { name: `${META_V1}.DeleteOptions`, schema: deleteOptions, gvks: coreGvk("DeleteOptions") },
  { name: `${META_V1}.Preconditions`, schema: preconditions, gvks: [] },
  { name: `${META_V1}.Patch`, schema: patch, gvks: [] },
  { name: `${META_V1}.WatchEvent`, schema: watchEvent, gvks: coreGvk("WatchEvent") },
  { name: "io.k8s.apimachinery.pkg.runtime.RawExtension", schema: rawExtension, gvks: [] },
  { name: `${META_V1}.GroupVersionForDiscovery`, schema: groupVersionForDiscovery, gvks: [] },
  { name: `${META_V1}.ServerAddressByClientCIDR`, schema: serverAddressByClientCIDR, gvks: [] },
  { name: `${META_V1}.APIGroup`, schema: apiGroup, gvks: coreGvk("APIGroup") },
  { name: `${META_V1}.APIGroupList`, schema: apiGroupList, gvks: coreGvk("APIGroupList") },
  { name: `${META_V1}.APIVersions`, schema: apiVersions, gvks: coreGvk("APIVersions") },
  { name: `${META_V1}.APIResource`, schema: apiResource, gvks: [] },
  { name: `${META_V1}.APIResourceList`, schema: apiResourceList, gvks: coreGvk("APIResourceList") },
  { name: `${AUTOSCALING_V1}.Scale`, schema: scaleSchema, gvks: [SCALE_GVK] },
];

/** Names of the builtins the operations refer to. */
export const REF = {
  listMeta: `${META_V1}.ListMeta`,
  status: `${META_V1}.Status`,
  deleteOptions: `${META_V1}.DeleteOptions`,
  patch: `${META_V1}.Patch`,
  watchEvent: `${META_V1}.WatchEvent`,
  apiGroup: `${META_V1}.APIGroup`,
  apiGroupList: `${META_V1}.APIGroupList`,
  apiVersions: `${META_V1}.APIVersions`,
  apiResourceList: `${META_V1}.APIResourceList`,
  scale: `${AUTOSCALING_V1}.Scale`,
} as const;
