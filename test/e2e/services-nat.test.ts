// Services whose pods are behind NAT, end to end: the agent runs in a network namespace of its
// own (./nat), so its pods (process runtime, on the namespace's 127.0.0.1) cannot be reached from
// the Worker at all, and it registers with --pod-network tunnel. Traffic through the API's
// services/proxy (with kubectl get --raw), pods/proxy, WebSockets and a LoadBalancer's edge
// hostname goes down the node's tunnel and the agent forwards it to the pods.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Node } from "../../src/apis/core/v1/node";
import { freePort } from "../../src/cli/ports";
import { useAgents } from "./agent-harness";
import { useCluster } from "./harness";
import { natBridge, natUnavailable, type NatBridge } from "./nat";
import { serverPodSpec } from "./podserver";
import { apiOk, expectFairShare, plainGet, tally, viaApi, viaEdge, webSocketEcho } from "./traffic";
import { eventually } from "./wait";

const skipReason = natUnavailable();
if (skipReason) console.warn(`Services behind NAT skipped: ${skipReason}`);

const cluster = useCluster();
let bridge: NatBridge | undefined;
// Registered before the agents' own: it runs after they are stopped, so they never see the way out close.
afterAll(async () => {
  await bridge?.stop();
});
const agents = useAgents(cluster);
const NODE = "nat-1";
const PROXY = "/api/v1/namespaces/default/services/web:80/proxy/";


describe.skipIf(skipReason !== undefined)("Services behind NAT, through the node's tunnel", () => {
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    bridge = await natBridge(Number(new URL(cluster.url).port), cluster.stateDir);
    const agent = agents.start({ name: NODE, wrap: bridge.wrap, args: ["--pod-network", "tunnel"] });
    await agent.waitForLine(/ready: node nat-1/, 60_000);
    for (const [name, type] of [["web", "ClusterIP"], ["web-lb", "LoadBalancer"]]) {
      await apiOk(cluster, "POST", "/api/v1/namespaces/default/services", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name },
        spec: { type, selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
      });
    }
    for (const name of ["nat-a", "nat-b"]) {
      ports[name] = await freePort();
      await apiOk(cluster, "POST", "/api/v1/namespaces/default/pods", { apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "web" } }, spec: serverPodSpec(NODE, ports[name]) });
    }
    await eventually(async () => {
      const seen = await tally(() => viaApi(cluster, PROXY), 6).catch(() => new Map<string, number>());
      return seen.size === 2 ? true : undefined;
    }, "both pods behind the Service", 90_000);
  });

  it("marks the node as reached through its tunnel, and its pods are out of the Worker's reach", async () => {
    const node = (await apiOk(cluster, "GET", `/api/v1/nodes/${NODE}`)) as Node;
    expect(node.metadata.annotations?.["edgeplane.dev/pod-network"]).toBe("tunnel");
    // The pods listen on the namespace's loopback, not on this machine's.
    for (const port of Object.values(ports)) await expect(plainGet("127.0.0.1", port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("answers kubectl get --raw on the Service's proxy", async () => {
    const out = await cluster.kubectlOk(["get", "--raw", PROXY]);
    expect(["nat-a", "nat-b"]).toContain(out.trim());
  });

  it("spreads 100 requests through the API proxy and 100 through the edge hostname over both pods", async () => {
    expectFairShare(await tally(() => viaApi(cluster, PROXY), 100), ["nat-a", "nat-b"], 30);
    expectFairShare(await tally(() => viaEdge(cluster, "web-lb.default.edgeplane.local"), 100), ["nat-a", "nat-b"], 30);
  });

  it("carries methods, paths, queries and bodies, and reaches a pod by name", async () => {
    const body = "x".repeat(200_000);
    const res = await viaApi(cluster, "/api/v1/namespaces/default/services/web:http/proxy/echo/a%20b?x=1", { method: "POST", body });
    expect(res).toEqual({ status: 200, body: `POST /echo/a%20b?x=1 ${body}` });
    expect(await viaApi(cluster, `/api/v1/namespaces/default/pods/nat-a:${ports["nat-a"]}/proxy/`)).toEqual({ status: 200, body: "nat-a" });
  });

  it("carries WebSocket upgrades through the tunnel", async () => {
    expect(await webSocketEcho(cluster, `${PROXY}ws`, "hi")).toMatch(/^nat-[ab]:hi$/);
    expect(await webSocketEcho(cluster, `/api/v1/namespaces/default/pods/nat-b:${ports["nat-b"]}/proxy/ws`, "there")).toBe("nat-b:there");
  });
});
