import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/apis/types";
import { allocationKey, writeClaiming, type Allocation, type Allocator, type ClaimStore, type Lost } from "../../../src/api/allocating";
import { assignService, carryOverService, CLUSTER_IPS, NODE_PORTS, serviceAllocator } from "../../../src/services/allocator";
import { serviceConfig } from "../../../src/services/config";

type Outcome = { ok: true; object: KubeObject } | Lost;

const config = serviceConfig({ SERVICE_CLUSTER_IP_RANGE: "10.0.0.0/24", SERVICE_NODE_PORT_RANGE: "30000-30009" });
const first = () => 0;

function svc(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { type: "ClusterIP", ports: [{ port: 80, protocol: "TCP" }], ...spec } };
}

function assign(spec: Record<string, unknown>, unavailable: string[] = []) {
  return assignService(svc(spec), new Set(unavailable), config, first);
}

const specOf = (obj: KubeObject) => obj.spec as { clusterIP?: string; clusterIPs?: string[]; ports: { port: number; nodePort?: number; name?: string }[]; healthCheckNodePort?: number };

describe("service allocator", () => {
  it("picks a cluster IP above the static band and claims it", () => {
    const a = assign({});
    expect(a.ok && specOf(a.value.object)).toMatchObject({ clusterIP: "10.0.0.17", clusterIPs: ["10.0.0.17"] });
    expect(a.ok && a.value.claims).toEqual([{ range: CLUSTER_IPS, value: "10.0.0.17" }]);
  });

  it("honours a requested address, and answers 422 as Kubernetes does when it is taken or outside", () => {
    const ok = assign({ clusterIP: "10.0.0.5" });
    expect(ok.ok && ok.value.claims).toEqual([{ range: CLUSTER_IPS, value: "10.0.0.5" }]);
    const taken = assign({ clusterIP: "10.0.0.5", clusterIPs: ["10.0.0.5"] }, [allocationKey({ range: CLUSTER_IPS, value: "10.0.0.5" })]);
    expect(!taken.ok && taken.error.message).toBe('Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: provided IP is already allocated');
    const outside = assign({ clusterIP: "10.0.0.255" });
    expect(!outside.ok && outside.error.details?.causes?.[0].message).toBe(
      'Invalid value: []string{"10.0.0.255"}: failed to allocate IP 10.0.0.255: the provided IP (10.0.0.255) is not in the valid range. The range of valid IPs is 10.0.0.0/24',
    );
    const v6 = assign({ clusterIP: "fd00::1", clusterIPs: ["fd00::1"] });
    expect(!v6.ok && v6.error.message).toContain("spec.clusterIPs[0]: Invalid value: []string{\"fd00::1\"}: IPv6 is not configured on this cluster");
  });

  it("leaves headless and ExternalName services and malformed addresses alone", () => {
    expect(assign({ clusterIP: "None" })).toMatchObject({ ok: true, value: { claims: [] } });
    expect(assign({ type: "ExternalName", externalName: "x.example.com" })).toMatchObject({ ok: true, value: { claims: [] } });
    expect(assign({ clusterIP: "not-an-ip" })).toMatchObject({ ok: true, value: { claims: [] } });
  });

  it("picks node ports, shares one between protocols of a port number, and checks requested ones", () => {
    const a = assign({ type: "NodePort", ports: [{ name: "a", port: 53, protocol: "UDP" }, { name: "b", port: 53, protocol: "TCP" }, { name: "c", port: 80, protocol: "TCP", nodePort: 30001 }] });
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    // static band of 10 ports is 0: picks start at the bottom and skip the requested 30001.
    expect(specOf(a.value.object).ports.map((p) => p.nodePort)).toEqual([30000, 30000, 30001]);
    expect(a.value.claims.filter((c) => c.range === NODE_PORTS).map((c) => c.value)).toEqual(["30000", "30001"]);
    const taken = assign({ type: "NodePort", ports: [{ port: 80, protocol: "TCP", nodePort: 30003 }] }, [allocationKey({ range: NODE_PORTS, value: "30003" })]);
    expect(!taken.ok && taken.error.message).toBe('Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 30003: provided port is already allocated');
    const full = assign({ type: "NodePort" }, Array.from({ length: 10 }, (_, i) => allocationKey({ range: NODE_PORTS, value: String(30000 + i) })));
    expect(!full.ok && full.error).toMatchObject({ code: 500, message: "Internal error occurred: failed to allocate a nodePort: range is full" });
  });

  it("allocates no node ports for a LoadBalancer that asks for none, but honours requested ones", () => {
    const a = assign({ type: "LoadBalancer", allocateLoadBalancerNodePorts: false, ports: [{ name: "a", port: 80, protocol: "TCP" }, { name: "b", port: 81, protocol: "TCP", nodePort: 30002 }] });
    expect(a.ok && specOf(a.value.object).ports.map((p) => p.nodePort)).toEqual([undefined, 30002]);
  });

  it("gives a LoadBalancer with local traffic a health-check node port", () => {
    const a = assign({ type: "LoadBalancer", externalTrafficPolicy: "Local" });
    expect(a.ok && specOf(a.value.object)).toMatchObject({ ports: [{ nodePort: 30000 }], healthCheckNodePort: 30001 });
  });
});

describe("service updates", () => {
  const old = () => {
    const a = assign({ type: "NodePort", externalTrafficPolicy: "Cluster", ports: [{ name: "http", port: 80, protocol: "TCP" }] });
    if (!a.ok) throw new Error(a.error.message);
    return a.value.object;
  };

  it("keeps the cluster IP and node ports a PUT leaves out", () => {
    const next = svc({ type: "NodePort", ports: [{ name: "http", port: 8080, protocol: "TCP" }] });
    carryOverService(next, old());
    expect(specOf(next)).toMatchObject({ clusterIP: "10.0.0.17", clusterIPs: ["10.0.0.17"], ports: [{ nodePort: 30000 }] });
  });

  it("drops node ports and the traffic policy when the type no longer needs them, unless they changed too", () => {
    const next = structuredClone(old());
    (next.spec as Record<string, unknown>).type = "ClusterIP";
    carryOverService(next, old());
    expect(specOf(next).ports[0].nodePort).toBeUndefined();
    expect(next.spec).not.toHaveProperty("externalTrafficPolicy");
    const changed = structuredClone(old());
    Object.assign(changed.spec as object, { type: "ClusterIP", ports: [{ name: "http", port: 80, protocol: "TCP", nodePort: 30005 }] });
    carryOverService(changed, old());
    expect(specOf(changed).ports[0].nodePort).toBe(30005);
  });

  it("releases the cluster IP of a Service turning into an ExternalName", () => {
    const next = structuredClone(old());
    Object.assign(next.spec as object, { type: "ExternalName", externalName: "db.example.com" });
    carryOverService(next, old());
    expect(next.spec).not.toHaveProperty("clusterIP");
    const a = assignService(next, new Set(), config, first);
    expect(a.ok && a.value.claims).toEqual([]);
  });
});

describe("writeClaiming", () => {
  const key = { resource: "services", namespace: "default", name: "web" };
  const allocator: Allocator = serviceAllocator(config, first);

  it("picks again when a concurrent writer took the value, reading a small range whole", async () => {
    const held = ["30000", "30001", "30002"];
    const reads: string[] = [];
    const store: ClaimStore = { allocated: async (range) => (reads.push(range), held), taken: async () => [] };
    const tried: string[] = [];
    const attempt = async ({ object, claims }: { object: KubeObject; claims: Allocation[] }): Promise<Outcome> => {
      const port = claims.find((c) => c.range === NODE_PORTS)!;
      tried.push(port.value);
      if (held.includes(port.value)) return { ok: false, why: "allocated", taken: [port] };
      return { ok: true, object };
    };
    const result = await writeClaiming(store, key, allocator, svc({ type: "NodePort" }), attempt);
    expect(result.ok && result.value.ok).toBe(true);
    expect(tried).toEqual(["30000", "30003"]);
    expect(reads).toEqual([NODE_PORTS]);
  });

  it("answers 422 when a requested value was taken meanwhile", async () => {
    const store: ClaimStore = { allocated: async () => [], taken: async () => [] };
    const attempt = async ({ claims }: { claims: Allocation[] }): Promise<Outcome> => ({ ok: false, why: "allocated", taken: claims.filter((c) => c.range === CLUSTER_IPS) });
    const result = await writeClaiming(store, key, allocator, svc({ clusterIP: "10.0.0.9" }), attempt);
    expect(!result.ok && result.error.code).toBe(422);
  });
});
