import { describe, expect, it } from "vitest";
import { Balancer, rendezvous } from "../../../src/services/balancer";
import { edgeAddress } from "../../../src/services/edgehost";
import { forward } from "../../../src/services/forward";
import type { Backend } from "../../../src/services/proxytable";
import { endpointBackends, podTarget, serviceTarget, splitSchemeNamePort } from "../../../src/services/resolve";
import type { Dial, Upstream } from "../../../src/services/upstream";
import type { Endpoints } from "../../../src/controllers/endpointslice/types";
import type { Pod } from "../../../src/apis/core/v1/pod";
import type { Service } from "../../../src/apis/core/v1/service";

const backends: Backend[] = [1, 2, 3].map((i) => ({ ip: `10.0.0.${i}`, port: 8080 }));

describe("balancer", () => {
  it("takes turns without affinity", () => {
    const b = new Balancer();
    const firsts = Array.from({ length: 9 }, () => b.order({ key: "k", backends, clientIP: "c", now: 0 })[0].ip);
    expect(new Set(firsts).size).toBe(3);
    expect(firsts.filter((ip) => ip === firsts[0])).toHaveLength(3);
  });

  it("keeps a client's backend with affinity until it times out, then rehashes", () => {
    const b = new Balancer();
    const req = (now: number, list = backends) => ({ key: "k", backends: list, clientIP: "198.51.100.7", affinity: { timeoutSeconds: 10 }, now });
    const home = rendezvous(backends, "198.51.100.7")[0];
    expect(b.order(req(0))[0]).toEqual(home);
    // The client was served by another backend (its home was down): it stays there.
    const other = backends.find((x) => x.ip !== home.ip)!;
    b.served(req(0), other);
    expect(b.order(req(5000))[0]).toEqual(other);
    expect(b.order(req(11_000))[0]).toEqual(home);
    // Rendezvous hashing: removing another backend does not move the client.
    const third = backends.find((x) => x.ip !== home.ip && x.ip !== other.ip)!;
    expect(rendezvous(backends.filter((x) => x !== third), "198.51.100.7")[0]).toEqual(home);
  });
});

describe("forward", () => {
  const upstream = (ip: string): Upstream => ({ scheme: "http", ip, port: 80, path: "/p", search: "?q" });

  it("drops hop-by-hop and credential headers, adds X-Forwarded-For, rewrites Location", async () => {
    let seen: Headers | undefined;
    const dial: Dial = async (_u, r) => {
      seen = r.headers;
      return new Response("ok", { headers: { location: "/next", connection: "close", "x-app": "1" }, status: 302 });
    };
    const request = new Request("https://cp.example/api/v1/x", { headers: { authorization: "Bearer t", connection: "keep-alive, x-drop", "x-drop": "1", "x-keep": "1", "x-forwarded-for": "203.0.113.9" } });
    const res = await forward({ request, upstreams: [upstream("10.0.0.1")], dial, clientIP: "192.0.2.5", mountPrefix: "/api/v1/namespaces/n/services/s/proxy" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/api/v1/namespaces/n/services/s/proxy/next");
    expect(res.headers.get("connection")).toBeNull();
    expect(res.headers.get("x-app")).toBe("1");
    expect(seen?.get("authorization")).toBeNull();
    expect(seen?.get("x-drop")).toBeNull();
    expect(seen?.get("x-keep")).toBe("1");
    expect(seen?.get("x-forwarded-for")).toBe("203.0.113.9, 192.0.2.5");
    expect(seen?.get("x-forwarded-proto")).toBe("https");
  });

  it("sends a small idempotent body again to the next backend, but not a POST", async () => {
    const bodies: string[] = [];
    const dial: Dial = async (u, r) => {
      bodies.push(new TextDecoder().decode(r.body as ArrayBuffer));
      if (u.ip === "10.0.0.1") throw new Error("connection refused");
      return new Response(u.ip);
    };
    const put = new Request("http://x/", { method: "PUT", body: "data", headers: { "content-length": "4" } });
    const res = await forward({ request: put, upstreams: [upstream("10.0.0.1"), upstream("10.0.0.2")], dial, clientIP: "", mountPrefix: "" });
    expect(await res.text()).toBe("10.0.0.2");
    expect(bodies).toEqual(["data", "data"]);
    const post = new Request("http://x/", { method: "POST", body: "data" });
    const failed = await forward({ request: post, upstreams: [upstream("10.0.0.1"), upstream("10.0.0.2")], dial: async () => Promise.reject(new Error("connection refused")), clientIP: "", mountPrefix: "" });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ kind: "Status", reason: "ServiceUnavailable", message: "error trying to reach service: connection refused" });
  });
});

describe("resolving proxy targets", () => {
  it("splits scheme, name and port as Kubernetes does", () => {
    expect(splitSchemeNamePort("web")).toEqual({ scheme: "http", name: "web", port: "" });
    expect(splitSchemeNamePort("web:80")).toEqual({ scheme: "http", name: "web", port: "80" });
    expect(splitSchemeNamePort("https:web:443")).toEqual({ scheme: "https", name: "web", port: "443" });
    expect(splitSchemeNamePort("ftp:web:21")).toBeUndefined();
    expect(splitSchemeNamePort("a:b:c:d")).toBeUndefined();
    expect(splitSchemeNamePort(":80")).toBeUndefined();
  });

  const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "ns" }, spec: { ports: [{ name: "http", port: 80 }, { name: "admin", port: 81 }] } } as Service;
  const eps = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "web" },
    subsets: [
      { addresses: [{ ip: "10.0.0.1", nodeName: "n1" }], notReadyAddresses: [{ ip: "10.0.0.9" }], ports: [{ name: "http", port: 8080 }] },
      { addresses: [{ ip: "10.0.0.2" }], ports: [{ name: "admin", port: 9090 }] },
    ],
  } as Endpoints;

  it("finds the ready addresses of the Service port by number or name", () => {
    expect(endpointBackends(eps, "http")).toEqual([{ ip: "10.0.0.1", port: 8080, nodeName: "n1" }]);
    const byNumber = serviceTarget(svc, eps, { scheme: "http", name: "web", port: "81" });
    expect(byNumber.ok && byNumber.value).toMatchObject({ key: "ns/web:admin", backends: [{ ip: "10.0.0.2", port: 9090 }] });
    const none = serviceTarget(svc, eps, { scheme: "http", name: "web", port: "" });
    expect(!none.ok && none.error.message).toBe('no endpoints available for service "web"');
    const sticky = serviceTarget({ ...svc, spec: { ...svc.spec, sessionAffinity: "ClientIP" } } as Service, eps, { scheme: "http", name: "web", port: "http" });
    expect(sticky.ok && sticky.value.affinity).toEqual({ timeoutSeconds: 10800 });
  });

  it("reaches a pod on a routable address only", () => {
    const pod = (ip: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { nodeName: "n1", containers: [{ name: "c", image: "i", ports: [{ containerPort: 8080 }] }] }, status: { podIP: ip } }) as Pod;
    expect(podTarget(pod("10.88.0.4"), { scheme: "http", name: "p", port: "" })).toEqual({ ok: true, value: { scheme: "http", ip: "10.88.0.4", port: 8080, nodeName: "n1" } });
    expect(podTarget(pod("127.0.0.1"), { scheme: "http", name: "p", port: "80" }).ok).toBe(true);
    for (const ip of ["", "169.254.1.1", "0.0.0.0", "224.0.0.1"]) {
      const t = podTarget(pod(ip), { scheme: "http", name: "p", port: "80" });
      expect(!t.ok && t.error.message).toBe("address not allowed");
    }
  });
});

describe("edge hostnames", () => {
  it("are {name}.{namespace}.{domain}, nothing more or less", () => {
    expect(edgeAddress("web.shop.edgeplane.local", "edgeplane.local")).toEqual({ name: "web", namespace: "shop" });
    expect(edgeAddress("Web.Shop.edgeplane.local.:8443", "edgeplane.local")).toEqual({ name: "web", namespace: "shop" });
    expect(edgeAddress("a.b.c.edgeplane.local", "edgeplane.local")).toBeUndefined();
    expect(edgeAddress("shop.edgeplane.local", "edgeplane.local")).toBeUndefined();
    expect(edgeAddress("web.shop.example.com", "edgeplane.local")).toBeUndefined();
  });
});
