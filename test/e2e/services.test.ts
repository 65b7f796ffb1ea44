// Services end to end with the real kubectl and real pods: an agent with the process runtime runs
// two pods of a tiny HTTP server that answers with its pod name (each on a port of its own on
// 127.0.0.1, reached through the named targetPort), and traffic goes through the Worker under
// `wrangler dev`: the API's services/proxy (directly and through `kubectl proxy`), pods/proxy,
// and a LoadBalancer Service's edge hostname. kubectl's get, describe and expose as with Kubernetes.
import { beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/cli/ports";
import { useAgents, type AgentProcess } from "./agent-harness";
import { useCluster } from "./harness";
import { serverPodSpec } from "./podserver";
import { apiOk, plainGet, tally, viaApi, viaEdge, webSocketEcho } from "./traffic";
import { eventually } from "./wait";

const cluster = useCluster();
const agents = useAgents(cluster);
const NODE = "svc-1";


const PROXY = "/api/v1/namespaces/default/services/web:80/proxy/";

describe("Services with real pods", () => {
  let agent: AgentProcess;
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    agent = agents.start({ name: NODE });
    await agent.waitForLine(/ready: node svc-1/, 60_000);
    await apiOk(cluster, "POST", "/api/v1/namespaces/default/services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    });
    await apiOk(cluster, "POST", "/api/v1/namespaces/default/services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web-lb" },
      spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    });
    for (const name of ["web-a", "web-b"]) {
      ports[name] = await freePort();
      await apiOk(cluster, "POST", "/api/v1/namespaces/default/pods", { apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "web" } }, spec: serverPodSpec(NODE, ports[name], { failureThreshold: 1 }) });
    }
    await eventually(async () => {
      const seen = await tally(() => viaApi(cluster, PROXY), 6).catch(() => new Map<string, number>());
      return seen.size === 2 ? true : undefined;
    }, "both pods behind the Service", 90_000);
  });

  it("shows the Service, its slices and its endpoints as kubectl does", async () => {
    const out = await cluster.kubectlOk(["get", "svc,endpointslices", "-o", "wide"]);
    expect(out).toMatch(/^service\/web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+\s+app=web$/m);
    expect(out).toMatch(/^service\/web-lb\s+LoadBalancer\s+10\.\d+\.\d+\.\d+\s+web-lb\.default\.edgeplane\.local\s+80:3\d{4}\/TCP/m);
    expect(out).toMatch(/^service\/kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP/m);
    // Each pod's named port resolves to its own number: one slice per port.
    for (const port of Object.values(ports)) expect(out).toMatch(new RegExp(`^endpointslice\\.discovery\\.k8s\\.io/web-\\w{5}\\s+IPv4\\s+${port}\\s+127\\.0\\.0\\.1\\s`, "m"));
    const describe = await cluster.kubectlOk(["describe", "svc", "web"]);
    expect(describe).toMatch(/^Type:\s+ClusterIP$/m);
    expect(describe).toMatch(/^IP:\s+10\.\d+\.\d+\.\d+$/m);
    expect(describe).toMatch(/^TargetPort:\s+http\/TCP$/m);
    const endpoints = /^Endpoints:\s+(.*)$/m.exec(describe)?.[1] ?? "";
    expect(endpoints.split(",").sort()).toEqual(Object.values(ports).map((p) => `127.0.0.1:${p}`).sort());
    const lb = await cluster.kubectlOk(["describe", "svc", "web-lb"]);
    expect(lb).toMatch(/^LoadBalancer Ingress:\s+web-lb\.default\.edgeplane\.local/m);
  });

  it("spreads 100 requests through the API proxy fairly over both pods", async () => {
    const seen = await tally(() => viaApi(cluster, PROXY), 100);
    expect([...seen.keys()].sort()).toEqual(["web-a", "web-b"]);
    for (const n of seen.values()) expect(n).toBeGreaterThanOrEqual(40);
  });

  it("carries methods, paths, queries and bodies", async () => {
    const res = await viaApi(cluster, "/api/v1/namespaces/default/services/web:http/proxy/echo/a%20b?x=1", { method: "POST", body: "hello" });
    expect(res).toEqual({ status: 200, body: "POST /echo/a%20b?x=1 hello" });
    const pod = await viaApi(cluster, `/api/v1/namespaces/default/pods/web-a:${ports["web-a"]}/proxy/`);
    expect(pod).toEqual({ status: 200, body: "web-a" });
  });

  it("carries WebSocket upgrades to the pods", async () => {
    const reply = await webSocketEcho(cluster, "/api/v1/namespaces/default/services/web:80/proxy/ws", "hi");
    expect(reply).toMatch(/^web-[ab]:hi$/);
  });

  it("publishes the LoadBalancer at its edge hostname, balanced, without credentials", async () => {
    const seen = await tally(() => viaEdge(cluster, "web-lb.default.edgeplane.local"), 100);
    expect([...seen.keys()].sort()).toEqual(["web-a", "web-b"]);
    for (const n of seen.values()) expect(n).toBeGreaterThanOrEqual(40);
  });

  it("serves the Service through kubectl proxy", async () => {
    const port = await freePort();
    const proxy = await cluster.kubectlStart(["proxy", `--port=${port}`]);
    try {
      await proxy.waitForLine(/Starting to serve on/, 30_000);
      const seen = await tally(() => plainGet("127.0.0.1", port, PROXY), 10);
      expect([...seen.keys()].sort()).toEqual(["web-a", "web-b"]);
    } finally {
      proxy.stop();
    }
  });

  it("takes a pod failing readiness out of rotation within two seconds of the failure, and back when ready", async () => {
    await plainGet("127.0.0.1", ports["web-b"], "/unready");
    const failedAt = Date.now();
    await eventually(async () => {
      const seen = await tally(() => viaApi(cluster, PROXY), 4);
      return seen.has("web-b") ? undefined : true;
    }, "web-b out of rotation", 30_000);
    // The probe runs every second: the failure is seen up to a second after it happens.
    const tookMs = Date.now() - failedAt;
    console.log(`readiness failure left the rotation in ${tookMs} ms (probe period 1 s)`);
    expect(tookMs).toBeLessThan(3_000);
    expect([...(await tally(() => viaApi(cluster, PROXY), 20)).keys()]).toEqual(["web-a"]);
    await plainGet("127.0.0.1", ports["web-b"], "/ready-again");
    await eventually(async () => ((await tally(() => viaApi(cluster, PROXY), 6)).has("web-b") ? true : undefined), "web-b back in rotation", 30_000);
  });

  it("adds endpoints when pods are added", async () => {
    ports["web-c"] = await freePort();
    await apiOk(cluster, "POST", "/api/v1/namespaces/default/pods", { apiVersion: "v1", kind: "Pod", metadata: { name: "web-c", labels: { app: "web" } }, spec: serverPodSpec(NODE, ports["web-c"], { failureThreshold: 1 }) });
    await eventually(async () => ((await tally(() => viaApi(cluster, PROXY), 9)).size === 3 ? true : undefined), "three pods behind the Service", 60_000);
  });

  it("exposes a Deployment with kubectl expose", async () => {
    const port = await freePort();
    await apiOk(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "hello" },
      spec: { replicas: 1, selector: { matchLabels: { app: "hello" } }, template: { metadata: { labels: { app: "hello" } }, spec: serverPodSpec(NODE, port, { failureThreshold: 1 }) } },
    });
    const out = await cluster.kubectlOk(["expose", "deployment", "hello", "--port=8080", "--target-port=http"]);
    expect(out.trim()).toBe("service/hello exposed");
    const svc = JSON.parse(await cluster.kubectlOk(["get", "svc", "hello", "-o", "json"])) as { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] } };
    expect(svc.spec.selector).toEqual({ app: "hello" });
    expect(svc.spec.ports[0]).toMatchObject({ port: 8080, targetPort: "http" });
    const answered = await eventually(async () => {
      const res = await viaApi(cluster, "/api/v1/namespaces/default/services/hello:8080/proxy/");
      return res.status === 200 ? res.body : undefined;
    }, "the exposed Deployment to answer", 60_000);
    expect(answered).toMatch(/^hello-\w+-\w+$/);
  });

  it("answers 503 with a Status when no endpoint is ready", async () => {
    await apiOk(cluster, "POST", "/api/v1/namespaces/default/services", { apiVersion: "v1", kind: "Service", metadata: { name: "nobody" }, spec: { selector: { app: "nobody" }, ports: [{ port: 80 }] } });
    const res = await cluster.api("GET", "/api/v1/namespaces/default/services/nobody/proxy/");
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ kind: "Status", reason: "ServiceUnavailable", message: 'no endpoints available for service "nobody"' });
  });
});
