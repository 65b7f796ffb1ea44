import { describe, expect, it } from "vitest";
import { backendsFor, clusterIPTable, nodePortTable, proxyTable, type ServiceForProxy, type SliceForProxy } from "../../../src/services/proxytable";

const web: ServiceForProxy = {
  metadata: { namespace: "shop", name: "web" },
  spec: { type: "NodePort", clusterIP: "10.96.3.3", ports: [{ name: "http", port: 80, protocol: "TCP", nodePort: 30080 }, { name: "admin", port: 81, protocol: "TCP", nodePort: 30081 }], externalTrafficPolicy: "Local", sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
};

const slice = (endpoints: SliceForProxy["endpoints"], ports: SliceForProxy["ports"] = [{ name: "http", port: 8080, protocol: "TCP" }]): SliceForProxy => ({
  metadata: { namespace: "shop", labels: { "kubernetes.io/service-name": "web" } },
  addressType: "IPv4",
  endpoints,
  ports,
});

const ep = (ip: string, ready: boolean, nodeName = "n1", terminating = false) => ({ addresses: [ip], conditions: { ready, serving: ready || terminating, terminating }, nodeName, targetRef: { kind: "Pod", name: `pod-${ip}` } });

describe("proxy table", () => {
  it("balances over ready endpoints whose port resolves, deduplicated", () => {
    const slices = [slice([ep("10.88.0.2", true), ep("10.88.0.3", false)]), slice([ep("10.88.0.2", true), ep("10.88.0.4", true, "n2")])];
    expect(backendsFor(web.spec!.ports![0], slices)).toEqual([
      { ip: "10.88.0.2", port: 8080, nodeName: "n1", pod: "pod-10.88.0.2" },
      { ip: "10.88.0.4", port: 8080, nodeName: "n2", pod: "pod-10.88.0.4" },
    ]);
    // The admin port resolves on no slice.
    expect(backendsFor(web.spec!.ports![1], slices)).toEqual([]);
  });

  it("falls back to serving terminating endpoints when none is ready", () => {
    expect(backendsFor(web.spec!.ports![0], [slice([ep("10.88.0.5", false, "n1", true), ep("10.88.0.6", false)])]).map((b) => b.ip)).toEqual(["10.88.0.5"]);
  });

  it("lists cluster-IP and node-port listeners with traffic policies and affinity", () => {
    const rules = proxyTable([web], [slice([ep("10.88.0.2", true, "n1"), ep("10.88.0.4", true, "n2")])], { nodeName: "n1" });
    expect(rules[0]).toMatchObject({ namespace: "shop", service: "web", portName: "http", clusterIP: "10.96.3.3", port: 80, nodePort: 30080, sessionAffinity: "ClientIP", affinitySeconds: 60 });
    expect(rules[0].clusterBackends.map((b) => b.ip)).toEqual(["10.88.0.2", "10.88.0.4"]);
    expect(rules[0].nodePortBackends.map((b) => b.ip)).toEqual(["10.88.0.2"]);
    expect([...nodePortTable(rules).keys()]).toEqual([30080, 30081]);
    expect([...clusterIPTable(rules).keys()]).toEqual(["10.96.3.3:80/TCP", "10.96.3.3:81/TCP"]);
  });

  it("sends the kubernetes Service to the control plane and skips ExternalName Services", () => {
    const k: ServiceForProxy = { metadata: { namespace: "default", name: "kubernetes" }, spec: { type: "ClusterIP", clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443 }] } };
    const ext: ServiceForProxy = { metadata: { namespace: "default", name: "ext" }, spec: { type: "ExternalName" } };
    const rules = proxyTable([k, ext], [], { apiServer: { host: "127.0.0.1", port: 8443 } });
    expect(rules).toHaveLength(1);
    expect(rules[0].clusterBackends).toEqual([{ ip: "127.0.0.1", port: 8443 }]);
  });
});
