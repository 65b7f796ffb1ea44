// Service addresses through the real Worker and D1: allocation, uniqueness under concurrency,
// requested values, release on delete and type change, values kept across updates.
import { describe, expect, it } from "vitest";
import { del, get, namespace, patch, post, put } from "./client";

interface Svc {
  metadata: { name: string; resourceVersion: string };
  spec: { clusterIP?: string; clusterIPs?: string[]; type?: string; ports: { name?: string; port: number; nodePort?: number }[]; healthCheckNodePort?: number };
}
interface StatusBody {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { field: string; message: string }[] };
}

const svc = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

function ipNumber(ip: string): number {
  return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}

const inRange = (ip: string) => ipNumber(ip) > ipNumber("10.96.0.0") && ipNumber(ip) < ipNumber("10.111.255.255");

describe("service cluster IPs", () => {
  it("gives the kubernetes Service the first address", async () => {
    await get("/api/v1/namespaces"); // any request bootstraps
    const k = await get<Svc>("/api/v1/namespaces/default/services/kubernetes");
    expect(k.status).toBe(200);
    expect(k.body.spec).toMatchObject({ clusterIP: "10.96.0.1", clusterIPs: ["10.96.0.1"], ports: [{ name: "https", port: 443 }] });
  });

  it("allocates an address from the range, keeps it on update, frees it on delete", async () => {
    await namespace("svc-alloc");
    const created = await post<Svc>("/api/v1/namespaces/svc-alloc/services", svc("web"));
    expect(created.status).toBe(201);
    const ip = created.body.spec.clusterIP!;
    expect(inRange(ip)).toBe(true);
    expect(created.body.spec.clusterIPs).toEqual([ip]);

    // A PUT without clusterIP keeps the old one, as Kubernetes does.
    const body = svc("web", { ports: [{ port: 8080 }] }) as Record<string, unknown>;
    (body.metadata as Record<string, unknown>).resourceVersion = created.body.metadata.resourceVersion;
    const updated = await put<Svc>("/api/v1/namespaces/svc-alloc/services/web", body);
    expect(updated.status).toBe(200);
    expect(updated.body.spec.clusterIP).toBe(ip);

    const taken = await post<StatusBody>("/api/v1/namespaces/svc-alloc/services", svc("copy", { clusterIP: ip }));
    expect(taken.status).toBe(422);
    expect(taken.body.message).toBe(`Service "copy" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is already allocated`);
    expect(taken.body.details?.causes?.[0].field).toBe("spec.clusterIPs");

    expect((await del("/api/v1/namespaces/svc-alloc/services/web")).status).toBe(200);
    const again = await post<Svc>("/api/v1/namespaces/svc-alloc/services", svc("copy", { clusterIP: ip }));
    expect(again.status).toBe(201);
    expect(again.body.spec.clusterIP).toBe(ip);
  });

  it("rejects an address outside the range and a dry run of a taken one, and keeps headless services without one", async () => {
    await namespace("svc-range");
    const outside = await post<StatusBody>("/api/v1/namespaces/svc-range/services", svc("far", { clusterIP: "10.0.0.5" }));
    expect(outside.status).toBe(422);
    expect(outside.body.message).toContain("failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12");
    const dry = await post<StatusBody>("/api/v1/namespaces/svc-range/services?dryRun=All", svc("dry", { clusterIP: "10.96.0.1" }));
    expect(dry.status).toBe(422);
    const headless = await post<Svc>("/api/v1/namespaces/svc-range/services", svc("db", { clusterIP: "None" }));
    expect(headless.status).toBe(201);
    expect(headless.body.spec.clusterIPs).toEqual(["None"]);
  });

  it("hands 1,000 Services created by 20 concurrent clients 1,000 distinct addresses", async () => {
    await namespace("svc-many");
    const ips: string[] = [];
    // Without selectors: the endpoints controllers have nothing to do, the test measures allocation.
    const bare = (name: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { ports: [{ port: 80 }] } });
    await Promise.all(
      Array.from({ length: 20 }, async (_, client) => {
        for (let i = 0; i < 50; i++) {
          const r = await post<Svc>("/api/v1/namespaces/svc-many/services", bare(`s-${client}-${i}`));
          expect(r.status).toBe(201);
          ips.push(r.body.spec.clusterIP!);
        }
      }),
    );
    expect(ips).toHaveLength(1000);
    expect(new Set(ips).size).toBe(1000);
    expect(ips.every(inRange)).toBe(true);
    // Every Service wakes its own reconciler, which in workerd shares the test's one process.
  }, 240_000);

  it("gives concurrent requests for one address to one Service only", async () => {
    await namespace("svc-race");
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => post("/api/v1/namespaces/svc-race/services", svc(`r${i}`, { clusterIP: "10.96.0.77" }))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422)).toHaveLength(9);
  });
});

describe("service node ports", () => {
  it("allocates node ports, honours requested ones, rejects taken and foreign ones", async () => {
    await namespace("svc-np");
    const a = await post<Svc>("/api/v1/namespaces/svc-np/services", svc("a", { type: "NodePort", ports: [{ name: "http", port: 80 }, { name: "dns", port: 53, protocol: "UDP" }] }));
    expect(a.status).toBe(201);
    const [http, dns] = a.body.spec.ports.map((p) => p.nodePort!);
    expect(http).toBeGreaterThanOrEqual(30000);
    expect(dns).toBeLessThanOrEqual(32767);
    expect(http).not.toBe(dns);

    const b = await post<StatusBody>("/api/v1/namespaces/svc-np/services", svc("b", { type: "NodePort", ports: [{ port: 80, nodePort: http }] }));
    expect(b.status).toBe(422);
    expect(b.body.message).toBe(`Service "b" is invalid: spec.ports[0].nodePort: Invalid value: ${http}: provided port is already allocated`);
    const c = await post<StatusBody>("/api/v1/namespaces/svc-np/services", svc("c", { type: "NodePort", ports: [{ port: 80, nodePort: 40000 }] }));
    expect(c.body.message).toBe('Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767');

    // Turning into a ClusterIP Service drops and frees its node ports.
    const typed = await patch<Svc>("/api/v1/namespaces/svc-np/services/a", { spec: { type: "ClusterIP" } }, "application/merge-patch+json");
    expect(typed.status).toBe(200);
    expect(typed.body.spec.ports.every((p) => p.nodePort === undefined)).toBe(true);
    const d = await post<Svc>("/api/v1/namespaces/svc-np/services", svc("d", { type: "NodePort", ports: [{ port: 80, nodePort: http }] }));
    expect(d.status).toBe(201);
  });

  it("gives a local LoadBalancer a health-check node port and keeps node ports a PUT leaves out", async () => {
    await namespace("svc-lb");
    const lb = await post<Svc>("/api/v1/namespaces/svc-lb/services", svc("lb", { type: "LoadBalancer", externalTrafficPolicy: "Local" }));
    expect(lb.status).toBe(201);
    expect(lb.body.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    const nodePort = lb.body.spec.ports[0].nodePort;
    const body = svc("lb", { type: "LoadBalancer", externalTrafficPolicy: "Local", clusterIP: lb.body.spec.clusterIP }) as Record<string, unknown>;
    const updated = await put<Svc>("/api/v1/namespaces/svc-lb/services/lb", body);
    expect(updated.status).toBe(200);
    expect(updated.body.spec.ports[0].nodePort).toBe(nodePort);
    expect(updated.body.spec.healthCheckNodePort).toBe(lb.body.spec.healthCheckNodePort);
  });
});
