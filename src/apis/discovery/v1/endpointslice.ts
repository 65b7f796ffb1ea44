// discovery.k8s.io/v1 EndpointSlice: the addresses behind a Service. Schema, defaults
// (discovery/v1 SetDefaults_EndpointPort), validation (discovery/validation) and columns.
import { z } from "zod";
import { duplicate, invalid, notSupported, required, tooMany } from "../../fielderrors";
import { atomicList, kindSchema, listOf, objectReferenceSchema, stringMapSchema, withPatchMeta } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { nameIsDnsSubdomain, validateDns1123Label, validateImmutable, validateLabels, validateQualifiedName } from "../../validation";
import { validateAddress } from "./addresses";

const endpointSchema = z.strictObject({
  addresses: listOf(z.string(), { listType: "set" }),
  conditions: z.strictObject({ ready: z.boolean().optional(), serving: z.boolean().optional(), terminating: z.boolean().optional() }).optional(),
  hostname: z.string().optional(),
  targetRef: objectReferenceSchema.optional(),
  deprecatedTopology: stringMapSchema.optional(),
  nodeName: z.string().optional(),
  zone: z.string().optional(),
  hints: z.strictObject({ forZones: atomicList(z.strictObject({ name: z.string() })) }).optional(),
});

const endpointPortSchema = withPatchMeta(
  z.strictObject({
    name: z.string().optional(),
    protocol: z.string().optional(),
    port: z.int32().optional(),
    appProtocol: z.string().optional(),
  }),
  { mapType: "atomic" },
);

export const endpointSliceSchema = kindSchema({
  apiVersion: "discovery.k8s.io/v1",
  kind: "EndpointSlice",
  extra: { addressType: z.string().optional(), endpoints: atomicList(endpointSchema), ports: atomicList(endpointPortSchema) },
});

type Endpoint = z.infer<typeof endpointSchema>;
type EndpointPort = z.infer<typeof endpointPortSchema>;

export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

const asSlice = (obj: KubeObject) => obj as EndpointSlice;

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ZONE_HINTS = 8;
const MAX_PORTS = 20000;

function defaultEndpointSlice(obj: KubeObject): void {
  for (const port of asSlice(obj).ports ?? []) {
    port.name ??= "";
    port.protocol ??= "TCP";
  }
}

function validateEndpoint(endpoint: Endpoint, addressType: string, path: string): FieldCause[] {
  const addresses = endpoint.addresses ?? [];
  const causes: FieldCause[] = [];
  if (addresses.length === 0) causes.push(required(`${path}.addresses`, "must contain at least 1 address"));
  else if (addresses.length > MAX_ADDRESSES) causes.push(tooMany(`${path}.addresses`, addresses.length, MAX_ADDRESSES));
  addresses.forEach((a, i) => causes.push(...validateAddress(a, addressType, `${path}.addresses[${i}]`)));
  if (endpoint.nodeName !== undefined) causes.push(...nameIsDnsSubdomain(endpoint.nodeName, false).map((m) => invalid(`${path}.nodeName`, endpoint.nodeName, m)));
  const topology = endpoint.deprecatedTopology ?? {};
  const topologyPath = `${path}.deprecatedTopology`;
  if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) causes.push(tooMany(topologyPath, Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
  causes.push(...validateLabels(topology, topologyPath));
  if (endpoint.hostname !== undefined) causes.push(...validateDns1123Label(endpoint.hostname, `${path}.hostname`));
  const zones = endpoint.hints?.forZones ?? [];
  if (zones.length > MAX_ZONE_HINTS) causes.push(tooMany(`${path}.hints.forZones`, zones.length, MAX_ZONE_HINTS));
  return causes;
}

function validatePorts(ports: EndpointPort[]): FieldCause[] {
  if (ports.length > MAX_PORTS) return [tooMany("ports", ports.length, MAX_PORTS)];
  const names = new Set<string>();
  return ports.flatMap((port, i) => {
    const path = `ports[${i}]`;
    const name = port.name ?? "";
    const causes = name ? validateDns1123Label(name, `${path}.name`) : [];
    if (names.has(name)) causes.push(duplicate(`${path}.name`, name));
    names.add(name);
    if (port.protocol === undefined) causes.push(required(`${path}.protocol`));
    else if (!PROTOCOLS.includes(port.protocol)) causes.push(notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
    if (port.appProtocol !== undefined) causes.push(...validateQualifiedName(port.appProtocol, `${path}.appProtocol`));
    return causes;
  });
}

function validateEndpointSlice(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const slice = asSlice(obj);
  const addressType = slice.addressType ?? "";
  const endpoints = slice.endpoints ?? [];
  const causes: FieldCause[] = [];
  if (addressType === "") causes.push(required("addressType"));
  else if (!ADDRESS_TYPES.includes(addressType)) causes.push(notSupported("addressType", addressType, ADDRESS_TYPES));
  if (endpoints.length > MAX_ENDPOINTS) causes.push(tooMany("endpoints", endpoints.length, MAX_ENDPOINTS));
  else endpoints.forEach((e, i) => causes.push(...validateEndpoint(e, addressType, `endpoints[${i}]`)));
  causes.push(...validatePorts(slice.ports ?? []));
  if (old) causes.push(...validateImmutable(slice.addressType, asSlice(old).addressType, "addressType"));
  return causes;
}

/** The first three items and how many more, as kubectl's EndpointSlice columns show them ("<unset>" when none). */
function listWithMore(items: string[]): string {
  const max = 3;
  const shown = items.slice(0, max).join(",");
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown || "<unset>";
}

export const endpointSliceKind: KindDef = {
  group: "discovery.k8s.io",
  version: "v1",
  kind: "EndpointSlice",
  listKind: "EndpointSliceList",
  plural: "endpointslices",
  singular: "endpointslice",
  shortNames: [],
  categories: [],
  namespaced: true,
  schema: endpointSliceSchema,
  defaults: defaultEndpointSlice,
  validate: validateEndpointSlice,
  // Kubernetes bumps an EndpointSlice's generation whenever anything but its metadata changes.
  tracksGeneration: true,
  columns: [
    { name: "AddressType", type: "string", description: "addressType specifies the type of address carried by this EndpointSlice.", cell: (obj) => asSlice(obj).addressType ?? "" },
    {
      name: "Ports",
      type: "string",
      description: "ports specifies the list of network ports exposed by each endpoint in this slice.",
      cell: (obj) => listWithMore((asSlice(obj).ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : (p.name ?? "*")))),
    },
    {
      name: "Endpoints",
      type: "string",
      description: "endpoints is a list of unique endpoints in this slice.",
      cell: (obj) => listWithMore((asSlice(obj).endpoints ?? []).flatMap((e) => e.addresses ?? [])),
    },
    ageColumn(),
  ],
};
