// Services with real Podman pods, end to end: a Deployment of busybox httpd pods that answer with
// their pod name, behind a LoadBalancer Service. Traffic through the API's services/proxy and the
// edge hostname is spread over the pods; a pod failing readiness leaves the rotation and comes
// back; scaling up adds endpoints; the NodePort answers on the agent's node; the cluster IP stays
// after the Worker and the agent restart.
//
// kubectl exec is not served, so each pod can flip its own readiness: its readiness probe reads
// /healthz, which the CGI scripts /cgi-bin/unready and /cgi-bin/ready remove and put back, asked
// for through the API's pods/proxy.
import { beforeAll, describe, expect, it } from "vitest";
import type { Service } from "../../../src/apis/core/v1/service";
import { useAgents, type AgentProcess } from "../agent-harness";
import { useCluster } from "../harness";
import { apiOk, expectFairShare, plainGet, tally, viaApi, viaEdge } from "../traffic";
import { eventually } from "../wait";
import { setUpPodman } from "./setup";

const skipReason = await setUpPodman();
if (skipReason) console.warn(`Services with Podman pods skipped: ${skipReason}`);

const NODE = "podman-svc";
const PROXY = "/api/v1/namespaces/default/services/hello:80/proxy/";
const EDGE_HOST = "hello.default.edgeplane.local";

const cluster = useCluster();
const agents = useAgents(cluster);

const SCRIPT = `
mkdir -p /www/cgi-bin
printf %s "$POD_NAME" > /www/index.html
echo ok > /www/healthz
printf '#!/bin/sh\\nrm -f /www/healthz\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\nunready"\\n' > /www/cgi-bin/unready
printf '#!/bin/sh\\necho ok > /www/healthz\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\nready"\\n' > /www/cgi-bin/ready
chmod +x /www/cgi-bin/*
exec httpd -f -p 8080 -h /www
`;

const DEPLOYMENT = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "hello" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "hello" } },
    template: {
      metadata: { labels: { app: "hello" } },
      spec: {
        nodeName: NODE,
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: "httpd",
            image: "busybox:1.36",
            command: ["sh", "-c", SCRIPT],
            env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
            ports: [{ name: "http", containerPort: 8080 }],
            readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      },
    },
  },
};

/** Names of the Deployment's pods that are Running and not being deleted. */
async function podNames(): Promise<string[]> {
  const out = await cluster.kubectlOk(["get", "pods", "-l", "app=hello", "-o", "jsonpath={range .items[?(@.status.phase==\"Running\")]}{.metadata.name}{\"\\n\"}{end}"]);
  return out.split("\n").filter(Boolean).sort();
}

/** Waits until `count` requests through the API proxy reach exactly the pods `names`. */
async function rotationIs(names: string[], what: string, timeoutMs = 90_000): Promise<void> {
  await eventually(async () => {
    const seen = await tally(() => viaApi(cluster, PROXY), names.length * 4).catch(() => new Map<string, number>());
    return [...seen.keys()].sort().join() === [...names].sort().join() ? true : undefined;
  }, what, timeoutMs);
}

describe.skipIf(skipReason !== undefined)("Services with Podman pods", () => {
  let agent: AgentProcess;
  let clusterIP = "";
  let nodePort = 0;
  let pods: string[] = [];

  beforeAll(async () => {
    agent = agents.start({ name: NODE, runtime: "podman" });
    await agent.waitForLine(new RegExp(`ready: node ${NODE}`), 90_000);
    const svc = (await apiOk(cluster, "POST", "/api/v1/namespaces/default/services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "hello" },
      spec: { type: "LoadBalancer", selector: { app: "hello" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    })) as Service;
    clusterIP = svc.spec?.clusterIP ?? "";
    nodePort = svc.spec?.ports?.[0]?.nodePort ?? 0;
    await apiOk(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments", DEPLOYMENT);
    await cluster.kubectlOk(["rollout", "status", "deployment/hello", "--timeout=120s"], { timeoutMs: 130_000 });
    pods = await eventually(async () => {
      const names = await podNames();
      return names.length === 2 ? names : undefined;
    }, "two running pods");
    await rotationIs(pods, "both pods behind the Service");
  });

  it("spreads 100 requests through the API proxy and 100 through the edge hostname over both pods", async () => {
    expect(pods.every((name) => name.startsWith("hello-"))).toBe(true);
    expectFairShare(await tally(() => viaApi(cluster, PROXY), 100), pods, 30);
    expectFairShare(await tally(() => viaEdge(cluster, EDGE_HOST), 100), pods, 30);
  });

  it("answers on the NodePort of the agent's node", async () => {
    await agent.waitForLine(new RegExp(`service proxy: default/hello:http on 0\\.0\\.0\\.0:${nodePort} `));
    expectFairShare(await tally(() => plainGet("127.0.0.1", nodePort), 40), pods, 10);
  });

  it("takes a pod failing readiness out of rotation within two seconds, and back once ready", async () => {
    const [failing, healthy] = pods;
    const flip = async (to: "unready" | "ready") => {
      const res = await viaApi(cluster, `/api/v1/namespaces/default/pods/${failing}:8080/proxy/cgi-bin/${to}`);
      expect(res).toEqual({ status: 200, body: to });
    };
    await flip("unready");
    const failedAt = Date.now();
    // Polled back to back (not every 250 ms as eventually does), so the time measured is the proxy's.
    while ((await tally(() => viaApi(cluster, PROXY), 4)).has(failing)) {
      if (Date.now() - failedAt > 30_000) throw new Error(`${failing} still in rotation after 30 s`);
    }
    const tookMs = Date.now() - failedAt;
    console.log(`readiness failure left the rotation in ${tookMs} ms (probe period 1 s)`);
    expect(tookMs).toBeLessThanOrEqual(2_000);
    expect([...(await tally(() => viaApi(cluster, PROXY), 20)).keys()]).toEqual([healthy]);
    expect([...(await tally(() => viaEdge(cluster, EDGE_HOST), 20)).keys()]).toEqual([healthy]);
    await flip("ready");
    const readyAt = Date.now();
    await rotationIs(pods, `${failing} back in rotation`, 30_000);
    console.log(`readiness recovery returned to the rotation in ${Date.now() - readyAt} ms`);
  });

  it("adds endpoints when the Deployment is scaled up", async () => {
    await cluster.kubectlOk(["scale", "deployment/hello", "--replicas=3"]);
    const three = await eventually(async () => {
      const names = await podNames();
      return names.length === 3 ? names : undefined;
    }, "three running pods", 90_000);
    await rotationIs(three, "three pods behind the Service");
    const slices = await cluster.kubectlOk(["get", "endpointslices", "-l", "kubernetes.io/service-name=hello", "-o", "jsonpath={.items[*].endpoints[*].targetRef.name}"]);
    expect(slices.split(" ").sort()).toEqual(three);
    pods = three;
  });

  it("keeps the cluster IP when the Worker and the agent restart, and serves again", async () => {
    await agent.stop();
    await cluster.restart();
    agent = agents.start({ name: NODE, runtime: "podman" });
    await agent.waitForLine(new RegExp(`ready: node ${NODE}`), 90_000);
    const svc = (await apiOk(cluster, "GET", "/api/v1/namespaces/default/services/hello")) as Service;
    expect(svc.spec?.clusterIP).toBe(clusterIP);
    expect(svc.spec?.ports?.[0]?.nodePort).toBe(nodePort);
    // The containers were adopted, not replaced: the same pods answer.
    expect(await podNames()).toEqual(pods);
    await rotationIs(pods, "the pods behind the Service after the restarts");
    await agent.waitForLine(new RegExp(`service proxy: default/hello:http on 0\\.0\\.0\\.0:${nodePort} `));
    expect([...(await tally(() => plainGet("127.0.0.1", nodePort), 12)).keys()].sort()).toEqual(pods);
  });
});
