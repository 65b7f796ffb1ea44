import { describe, expect, it } from "vitest";
import { serviceEnvVars, type ServiceForEnv } from "../../../src/services/envvars";

const svc = (namespace: string, name: string, clusterIP: string, ports: { name?: string; port: number; protocol?: string }[]): ServiceForEnv => ({
  metadata: { namespace, name },
  spec: { clusterIP, ports },
});

const kubernetes = svc("default", "kubernetes", "10.96.0.1", [{ name: "https", port: 443, protocol: "TCP" }]);
const redis = svc("shop", "redis-primary", "10.96.12.7", [{ port: 6379, protocol: "TCP" }]);
const web = svc("shop", "web", "10.96.3.3", [{ name: "http", port: 80, protocol: "TCP" }, { name: "dns-udp", port: 53, protocol: "UDP" }]);

const asMap = (vars: { name: string; value: string }[]) => Object.fromEntries(vars.map((v) => [v.name, v.value]));

describe("service environment variables", () => {
  it("names a Service's host and ports as the kubelet does, docker links included", () => {
    expect(serviceEnvVars([redis], "shop")).toEqual([
      { name: "REDIS_PRIMARY_SERVICE_HOST", value: "10.96.12.7" },
      { name: "REDIS_PRIMARY_SERVICE_PORT", value: "6379" },
      { name: "REDIS_PRIMARY_PORT", value: "tcp://10.96.12.7:6379" },
      { name: "REDIS_PRIMARY_PORT_6379_TCP", value: "tcp://10.96.12.7:6379" },
      { name: "REDIS_PRIMARY_PORT_6379_TCP_PROTO", value: "tcp" },
      { name: "REDIS_PRIMARY_PORT_6379_TCP_PORT", value: "6379" },
      { name: "REDIS_PRIMARY_PORT_6379_TCP_ADDR", value: "10.96.12.7" },
    ]);
    expect(asMap(serviceEnvVars([web], "shop"))).toMatchObject({
      WEB_SERVICE_PORT: "80",
      WEB_SERVICE_PORT_HTTP: "80",
      WEB_SERVICE_PORT_DNS_UDP: "53",
      WEB_PORT: "tcp://10.96.3.3:80",
      WEB_PORT_53_UDP: "udp://10.96.3.3:53",
      WEB_PORT_53_UDP_PROTO: "udp",
    });
  });

  it("takes the pod's namespace when links are on, and the kubernetes Service always", () => {
    const all = [kubernetes, redis, web, svc("other", "db", "10.96.9.9", [{ port: 5432 }]), svc("shop", "headless", "None", [{ port: 1 }]), svc("shop", "ext", "", [])];
    const on = asMap(serviceEnvVars(all, "shop"));
    expect(Object.keys(on).filter((k) => k.endsWith("_SERVICE_HOST")).sort()).toEqual(["KUBERNETES_SERVICE_HOST", "REDIS_PRIMARY_SERVICE_HOST", "WEB_SERVICE_HOST"]);
    expect(on.KUBERNETES_SERVICE_PORT_HTTPS).toBe("443");
    const off = asMap(serviceEnvVars(all, "shop", false));
    expect(Object.keys(off).filter((k) => k.endsWith("_SERVICE_HOST"))).toEqual(["KUBERNETES_SERVICE_HOST"]);
    // A Service called kubernetes in the pod's own namespace wins.
    const own = asMap(serviceEnvVars([kubernetes, svc("shop", "kubernetes", "10.96.5.5", [{ port: 1 }])], "shop"));
    expect(own.KUBERNETES_SERVICE_HOST).toBe("10.96.5.5");
  });
});
