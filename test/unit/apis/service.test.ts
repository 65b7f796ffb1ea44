import { describe, expect, it } from "vitest";
import { serviceKind } from "../../../src/apis/core/v1/service";
import { defaultService } from "../../../src/apis/core/v1/servicedefaults";
import type { KubeObject } from "../../../src/apis/types";
import { assignService } from "../../../src/services/allocator";
import { serviceConfig } from "../../../src/services/config";

const NOW = new Date("2024-05-01T12:00:00Z");

function svc(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" }, spec, status };
}

/** A deterministic allocator: always the lowest candidate (above the static band: 10.96.1.1, 30086). */
const first = () => 0;

/** Defaults, then the values the write path allocates. */
function defaulted(spec: Record<string, unknown>): KubeObject {
  const s = svc(spec);
  defaultService(s);
  const assigned = assignService(s, new Set(), serviceConfig({}), first);
  if (!assigned.ok) throw new Error(assigned.error.message);
  return assigned.value.object;
}

const row = (obj: KubeObject) => Object.fromEntries(serviceKind.columns.map((c) => [c.name, c.cell(obj, NOW)]));
const causes = (obj: KubeObject, old?: KubeObject) => (serviceKind.validate?.(obj, old) ?? []).map((c) => `${c.reason} ${c.field}: ${c.message}`);

describe("service defaults", () => {
  it("defaults a ClusterIP service and allocates its address", () => {
    const s = defaulted({ selector: { app: "web" }, ports: [{ port: 80 }] });
    expect(s.spec).toEqual({
      selector: { app: "web" },
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      type: "ClusterIP",
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      clusterIP: "10.96.1.1",
      clusterIPs: ["10.96.1.1"],
      ipFamilyPolicy: "SingleStack",
      ipFamilies: ["IPv4"],
    });
  });

  it("allocates node ports and the health-check port for a local LoadBalancer", () => {
    const s = defaulted({ type: "LoadBalancer", externalTrafficPolicy: "Local", selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }, { name: "https", port: 443, nodePort: 30000 }] });
    expect(s.spec).toMatchObject({
      allocateLoadBalancerNodePorts: true,
      internalTrafficPolicy: "Cluster",
      ports: [{ targetPort: "http", nodePort: 30086 }, { targetPort: 443, nodePort: 30000 }],
      healthCheckNodePort: 30087,
    });
  });

  it("keeps headless and ExternalName services without a cluster IP", () => {
    expect(defaulted({ clusterIP: "None", selector: { app: "db" } }).spec).toMatchObject({ clusterIPs: ["None"], ipFamilyPolicy: "SingleStack" });
    expect(defaulted({ clusterIP: "None" }).spec).toMatchObject({ ipFamilyPolicy: "RequireDualStack" });
    const ext = defaulted({ type: "ExternalName", externalName: "db.example.com" }).spec as Record<string, unknown>;
    expect(ext).not.toHaveProperty("clusterIP");
    expect(ext).not.toHaveProperty("internalTrafficPolicy");
  });

  it("defaults the ClientIP affinity timeout and drops affinity config for None", () => {
    expect(defaulted({ sessionAffinity: "ClientIP", ports: [{ port: 1 }] }).spec).toMatchObject({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } });
    expect(defaulted({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } }, ports: [{ port: 1 }] }).spec).not.toHaveProperty("sessionAffinityConfig");
  });
});

describe("service validation", () => {
  it("accepts defaulted services", () => {
    expect(causes(defaulted({ selector: { app: "web" }, ports: [{ port: 80 }] }))).toEqual([]);
    expect(causes(defaulted({ type: "NodePort", ports: [{ port: 80 }] }))).toEqual([]);
    expect(causes(defaulted({ type: "ExternalName", externalName: "db.example.com." }))).toEqual([]);
  });

  it("requires port names when there are several, unique ports, and no node ports on ClusterIP", () => {
    const s = defaulted({ ports: [{ port: 80 }, { name: "b", port: 80, nodePort: 30080 }] });
    expect(causes(s)).toEqual([
      "FieldValueRequired spec.ports[0].name: Required value",
      "FieldValueForbidden spec.ports[1].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
      'FieldValueDuplicate spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}',
    ]);
  });

  it("names services with DNS-1035 labels", () => {
    const s = defaulted({ ports: [{ port: 80 }] });
    s.metadata.name = "1web";
    expect(causes(s)).toEqual([expect.stringMatching(/^FieldValueInvalid metadata\.name: Invalid value: "1web": a DNS-1035 label must consist of/)]);
  });

  it("rejects a headless NodePort service and bad types", () => {
    expect(causes(defaulted({ type: "NodePort", clusterIP: "None", ports: [{ port: 80 }] }))).toContain(
      "FieldValueInvalid spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services",
    );
    expect(causes(defaulted({ type: "Magic", ports: [{ port: 80 }] }))[0]).toBe(
      'FieldValueNotSupported spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
  });

  it("keeps the cluster IP once set", () => {
    const old = defaulted({ ports: [{ port: 80 }] });
    const next = structuredClone(old);
    Object.assign(next.spec as object, { clusterIP: "10.96.0.9", clusterIPs: ["10.96.0.9"] });
    expect(causes(next, old)).toEqual(['FieldValueInvalid spec.clusterIPs[0]: Invalid value: "10.96.0.9": may not change once set']);
  });
});

describe("service columns", () => {
  it("prints ClusterIP, NodePort and LoadBalancer services as kubectl does", () => {
    expect(row(defaulted({ selector: { tier: "a", app: "web" }, ports: [{ port: 80 }, { port: 53, protocol: "UDP" }] }))).toEqual({
      Type: "ClusterIP",
      "Cluster-IP": "10.96.1.1",
      "External-IP": "<none>",
      "Port(s)": "80/TCP,53/UDP",
      Age: "60m",
      Selector: "app=web,tier=a",
    });
    expect(row(defaulted({ type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }))["Port(s)"]).toBe("80:30080/TCP");
    const lb = defaulted({ type: "LoadBalancer", ports: [{ port: 80 }] });
    expect(row(lb)["External-IP"]).toBe("<pending>");
    lb.status = { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } };
    expect(row(lb)["External-IP"]).toBe("203.0.113.7");
    expect(row(defaulted({ type: "ExternalName", externalName: "db.example.com" }))).toMatchObject({ "Cluster-IP": "<none>", "External-IP": "db.example.com", "Port(s)": "<none>" });
  });
});
