// core/v1 Service: schema, defaults and allocation (servicedefaults.ts), validation
// (servicevalidation.ts), and `kubectl get services` columns.
import { z } from "zod";
import { atomicList, conditionSchema, conditionsList, intOrStringSchema, kindSchema, listOf, stringMapSchema, withPatchMeta } from "../../meta";
import { mergeList } from "../../patchmeta";
import { formatLabels } from "../../apps/v1/labels";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { defaultService } from "./servicedefaults";
import { validateServiceSpec, validateServiceUpdate } from "./servicevalidation";

export const servicePortSchema = z.strictObject({
  name: z.string().optional(),
  // The default is declared so server-side apply matches a port given without it to the stored TCP one.
  protocol: z.string().meta({ default: "TCP" }).optional(),
  appProtocol: z.string().optional(),
  port: z.int32(),
  targetPort: intOrStringSchema.optional(),
  nodePort: z.int32().optional(),
});

export const serviceSpecSchema = z.strictObject({
  ports: listOf(servicePortSchema, mergeList("port", ["protocol"])),
  selector: withPatchMeta(stringMapSchema, { mapType: "atomic" }).optional(),
  clusterIP: z.string().optional(),
  clusterIPs: atomicList(z.string()),
  type: z.string().optional(),
  externalIPs: atomicList(z.string()),
  sessionAffinity: z.string().optional(),
  loadBalancerIP: z.string().optional(),
  loadBalancerSourceRanges: atomicList(z.string()),
  externalName: z.string().optional(),
  externalTrafficPolicy: z.string().optional(),
  healthCheckNodePort: z.int32().optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  sessionAffinityConfig: z.strictObject({ clientIP: z.strictObject({ timeoutSeconds: z.int32().optional() }).optional() }).optional(),
  ipFamilies: atomicList(z.string()),
  ipFamilyPolicy: z.string().optional(),
  allocateLoadBalancerNodePorts: z.boolean().optional(),
  loadBalancerClass: z.string().optional(),
  internalTrafficPolicy: z.string().optional(),
  trafficDistribution: z.string().optional(),
});

const portStatusSchema = z.strictObject({ port: z.int32(), protocol: z.string(), error: z.string().optional() });

export const loadBalancerStatusSchema = z.strictObject({
  ingress: atomicList(
    z.strictObject({ ip: z.string().optional(), hostname: z.string().optional(), ipMode: z.string().optional(), ports: atomicList(portStatusSchema) }),
  ),
});

export const serviceStatusSchema = z.strictObject({
  loadBalancer: loadBalancerStatusSchema.optional(),
  conditions: conditionsList(conditionSchema),
});

export const serviceSchema = kindSchema({ apiVersion: "v1", kind: "Service", spec: serviceSpecSchema, status: serviceStatusSchema });

export type ServiceSpec = z.infer<typeof serviceSpecSchema>;

export interface Service extends KubeObject {
  spec?: ServiceSpec;
  status?: z.infer<typeof serviceStatusSchema>;
}

const asService = (obj: KubeObject) => obj as Service;

/** LoadBalancer ingress points: IPs, or hostnames when there is no IP. */
function loadBalancerAddresses(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : i.hostname ? [i.hostname] : []));
}

/** EXTERNAL-IP as printService shows it for each type. */
function externalIPCell(svc: Service): string {
  const spec = svc.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  switch (spec.type) {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const all = [...loadBalancerAddresses(svc), ...externalIPs];
      return all.length ? all.join(",") : "<pending>";
    }
    case "ExternalName":
      return spec.externalName ?? "";
    default:
      return "<unknown>";
  }
}

/** PORT(S): "80/TCP", or "80:30080/TCP" with a node port. */
function portsCell(svc: Service): string {
  const pieces = (svc.spec?.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? ""}` : `${p.port}/${p.protocol ?? ""}`));
  return pieces.length ? pieces.join(",") : "<none>";
}

function validateService(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = asService(obj).spec ?? {};
  const causes = validateServiceSpec(obj.metadata, spec);
  if (old) causes.push(...validateServiceUpdate(spec, asService(old).spec ?? {}));
  return causes;
}

export const serviceKind: KindDef = {
  group: "",
  version: "v1",
  kind: "Service",
  listKind: "ServiceList",
  plural: "services",
  singular: "service",
  shortNames: ["svc"],
  categories: ["all"],
  namespaced: true,
  schema: serviceSchema,
  statusField: "status",
  subresources: ["proxy"],
  defaults: (obj) => defaultService(obj),
  validate: validateService,
  columns: [
    { name: "Type", type: "string", description: "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.", cell: (obj) => asService(obj).spec?.type ?? "" },
    { name: "Cluster-IP", type: "string", description: "clusterIP is the IP address of the service and is usually assigned randomly.", cell: (obj) => asService(obj).spec?.clusterIPs?.[0] ?? "<none>" },
    { name: "External-IP", type: "string", description: "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.", cell: (obj) => externalIPCell(asService(obj)) },
    { name: "Port(s)", type: "string", description: "The list of ports that are exposed by this service.", cell: (obj) => portsCell(asService(obj)) },
    ageColumn(),
    { name: "Selector", type: "string", priority: 1, description: "Route service traffic to pods with label keys and values matching this selector.", cell: (obj) => formatLabels(asService(obj).spec?.selector) },
  ],
  selectableFields: {
    "spec.clusterIP": (o) => asService(o).spec?.clusterIP ?? "",
    "spec.type": (o) => asService(o).spec?.type ?? "",
  },
  tracksGeneration: false,
};
