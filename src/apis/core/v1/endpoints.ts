// core/v1 Endpoints: the addresses behind a Service, as the endpoints controller writes them.
import { z } from "zod";
import { invalid, invalidEach, required } from "../../fielderrors";
import { isDns1123Label, isDns1123Subdomain, isIP, isPortNumber } from "../../formats";
import { objectsIn, setDefault } from "../../defaulting";
import { atomicList, kindSchema, objectReferenceSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateEnum } from "../../validation";

const endpointAddressSchema = z.strictObject({
  ip: z.string(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: objectReferenceSchema.optional(),
});

const endpointPortSchema = z.strictObject({
  name: z.string().optional(),
  port: z.int32(),
  protocol: z.string().optional(),
  appProtocol: z.string().optional(),
});

export const endpointSubsetSchema = z.strictObject({
  addresses: atomicList(endpointAddressSchema),
  notReadyAddresses: atomicList(endpointAddressSchema),
  ports: atomicList(endpointPortSchema),
});

export const endpointsSchema = kindSchema({ apiVersion: "v1", kind: "Endpoints", extra: { subsets: atomicList(endpointSubsetSchema) } });

type EndpointSubset = z.infer<typeof endpointSubsetSchema>;
type EndpointAddress = z.infer<typeof endpointAddressSchema>;

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

const asEndpoints = (obj: KubeObject) => obj as Endpoints;

function validateAddress(a: EndpointAddress, path: string): FieldCause[] {
  return [
    ...(isIP(a.ip) ? [] : [invalid(`${path}.ip`, a.ip, "must be a valid IP address")]),
    ...(a.hostname ? invalidEach(`${path}.hostname`, a.hostname, isDns1123Label(a.hostname)) : []),
    ...(a.nodeName ? invalidEach(`${path}.nodeName`, a.nodeName, isDns1123Subdomain(a.nodeName)) : []),
  ];
}

function validateEndpoints(obj: KubeObject): FieldCause[] {
  return (asEndpoints(obj).subsets ?? []).flatMap((ss, i) => {
    const path = `subsets[${i}]`;
    const addresses = ss.addresses ?? [];
    const notReady = ss.notReadyAddresses ?? [];
    const ports = ss.ports ?? [];
    const causes = addresses.length || notReady.length ? [] : [required(path, "must specify `addresses` or `notReadyAddresses`")];
    addresses.forEach((a, j) => causes.push(...validateAddress(a, `${path}.addresses[${j}]`)));
    notReady.forEach((a, j) => causes.push(...validateAddress(a, `${path}.notReadyAddresses[${j}]`)));
    ports.forEach((p, j) => {
      const pp = `${path}.ports[${j}]`;
      if (ports.length > 1 && !p.name) causes.push(required(`${pp}.name`));
      else if (p.name) causes.push(...invalidEach(`${pp}.name`, p.name, isDns1123Label(p.name)));
      causes.push(...invalidEach(`${pp}.port`, p.port, isPortNumber(p.port)), ...validateEnum(p.protocol, ["SCTP", "TCP", "UDP"], `${pp}.protocol`, true));
    });
    return causes;
  });
}

const MAX_SHOWN = 3;

/** ENDPOINTS as printEndpoints formats it: up to three "ip:port" (or bare IPs for headless), then "+ N more...". */
function endpointsCell(ep: Endpoints): string {
  const all = (ep.subsets ?? []).flatMap((ss) => {
    const ips = (ss.addresses ?? []).map((a) => a.ip);
    const ports = ss.ports ?? [];
    if (ports.length === 0) return ips;
    return ports.flatMap((p) => ips.map((ip) => (ip.includes(":") ? `[${ip}]:${p.port}` : `${ip}:${p.port}`)));
  });
  if (all.length === 0) return "<none>";
  const shown = all.slice(0, MAX_SHOWN).join(",");
  return all.length > MAX_SHOWN ? `${shown} + ${all.length - MAX_SHOWN} more...` : shown;
}

export const endpointsKind: KindDef = {
  group: "",
  version: "v1",
  kind: "Endpoints",
  listKind: "EndpointsList",
  plural: "endpoints",
  singular: "endpoints",
  shortNames: ["ep"],
  categories: [],
  namespaced: true,
  schema: endpointsSchema,
  defaults: (obj) => {
    for (const ss of objectsIn(obj.subsets)) for (const port of objectsIn(ss.ports)) setDefault(port, "protocol", "TCP");
  },
  validate: validateEndpoints,
  columns: [{ name: "Endpoints", type: "string", description: "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.", cell: (obj) => endpointsCell(asEndpoints(obj)) }, ageColumn()],
  tracksGeneration: false,
};
