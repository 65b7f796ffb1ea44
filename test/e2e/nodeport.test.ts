// The agent's service proxy with the process runtime: two pods running a tiny HTTP server behind
// a NodePort Service answer through the node port on 127.0.0.1, spread over both; a pod whose
// readiness fails stops getting traffic and gets it again once ready; pods see the Service env
// vars; as root the ClusterIP itself answers on the node. UDP Services are carried too.
import { createSocket } from "node:dgram";
import { beforeAll, describe, expect, it } from "vitest";
import type { Service } from "../../src/apis/core/v1/service";
import { freePort } from "../../src/cli/ports";
import { useAgents, type AgentProcess } from "./agent-harness";
import { useCluster } from "./harness";
import { serverPodSpec } from "./podserver";
import { apiOk, plainGet, tally } from "./traffic";
import { eventually } from "./wait";

const cluster = useCluster();
const agents = useAgents(cluster);
const NODE = "np-1";
const IS_ROOT = process.getuid?.() === 0;

/** Pod names answering `count` requests to host:port, each on a new connection. */
const tallyAt = (host: string, port: number, count: number) => tally(() => plainGet(host, port), count);

// Answers each datagram with "{pod}:{datagram}".
const UDP_SERVER = `
const s = require("dgram").createSocket("udp4");
s.on("message", (m, r) => s.send(process.env.POD_NAME + ":" + m, r.port, r.address));
s.bind(Number(process.env.PORT), "127.0.0.1");
`;

/** One datagram from a new client socket; the reply, or undefined after a second. */
function datagram(host: string, port: number, text: string): Promise<string | undefined> {
  const socket = createSocket("udp4");
  return new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 1_000);
    socket.once("message", (reply) => {
      clearTimeout(timer);
      resolve(reply.toString());
    });
    socket.send(text, port, host);
  }).finally(() => socket.close());
}

describe("agent service proxy: NodePort", () => {
  let agent: AgentProcess;
  let nodePort = 0;
  let clusterIP = "";
  const podPorts: Record<string, number> = {};

  beforeAll(async () => {
    agent = agents.start({ name: NODE });
    await agent.waitForLine(/ready: node np-1/, 60_000);
    // The Service first: pods started after it get its env vars.
    const svc = (await apiOk(cluster, "POST", "/api/v1/namespaces/default/services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "echo" },
      spec: { type: "NodePort", selector: { app: "echo" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    })) as Service;
    nodePort = svc.spec?.ports?.[0]?.nodePort ?? 0;
    clusterIP = svc.spec?.clusterIP ?? "";
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    for (const name of ["echo-a", "echo-b"]) {
      // Process pods share the host's network: each listens on a port of its own, which the
      // Service reaches through the named targetPort.
      const port = (podPorts[name] = await freePort());
      await apiOk(cluster, "POST", "/api/v1/namespaces/default/pods", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, labels: { app: "echo" } },
        spec: serverPodSpec(NODE, port, { failureThreshold: 1 }),
      });
    }
  });

  it("spreads 100 requests to the node port over both ready pods", async () => {
    await agent.waitForLine(new RegExp(`service proxy: default/echo:http on 0\\.0\\.0\\.0:${nodePort} `));
    // Both endpoints ready in the slice and in the proxy.
    await eventually(async () => {
      const seen = await tallyAt("127.0.0.1", nodePort, 10).catch(() => new Map<string, number>());
      return seen.size === 2 ? true : undefined;
    }, "both pods behind the node port", 60_000).catch(async (err: Error) => {
      // What the proxy was given, for the post-mortem.
      const slices = await cluster.kubectl(["get", "endpointslices,pods", "-o", "yaml"]);
      throw new Error(`${err.message}\n${slices.stdout}`);
    });
    const seen = await tallyAt("127.0.0.1", nodePort, 100);
    expect([...seen.keys()].sort()).toEqual(["echo-a", "echo-b"]);
    // Round robin: each gets a fair share.
    for (const n of seen.values()) expect(n).toBeGreaterThanOrEqual(30);
  });

  it("gives pods the Service env vars of Services that existed when they started", async () => {
    const { body } = await plainGet("127.0.0.1", podPorts["echo-a"], "/env?prefix=ECHO_");
    const env = JSON.parse(body) as Record<string, string>;
    expect(env.ECHO_SERVICE_PORT).toBeDefined();
    expect(env.ECHO_SERVICE_PORT_HTTP).toBe(env.ECHO_SERVICE_PORT);
    expect(env.ECHO_PORT).toBe(`tcp://${env.ECHO_SERVICE_HOST}:${env.ECHO_SERVICE_PORT}`);
    // Wherever the variables point, the Service answers there.
    const { status, body: who } = await plainGet(env.ECHO_SERVICE_HOST, Number(env.ECHO_SERVICE_PORT));
    expect(status).toBe(200);
    expect(["echo-a", "echo-b"]).toContain(who);
    // As root the cluster IPs are on the loopback interface: the variables are Kubernetes' own.
    if (IS_ROOT) expect(env.ECHO_SERVICE_HOST).toBe(clusterIP);
  });

  it.runIf(IS_ROOT)("answers on the ClusterIP itself", async () => {
    const seen = await tallyAt(clusterIP, 80, 20);
    expect([...seen.keys()].sort()).toEqual(["echo-a", "echo-b"]);
  });

  it("stops sending traffic to a pod whose readiness fails, and sends it again once ready", async () => {
    await plainGet("127.0.0.1", podPorts["echo-b"], "/unready");
    const started = Date.now();
    await eventually(async () => {
      const seen = await tallyAt("127.0.0.1", nodePort, 10);
      return seen.has("echo-b") ? undefined : true;
    }, "echo-b out of the node port's rotation", 30_000);
    const tookMs = Date.now() - started;
    const seen = await tallyAt("127.0.0.1", nodePort, 50);
    expect([...seen.keys()]).toEqual(["echo-a"]);
    await plainGet("127.0.0.1", podPorts["echo-b"], "/ready-again");
    await eventually(async () => {
      const back = await tallyAt("127.0.0.1", nodePort, 10);
      return back.has("echo-b") ? true : undefined;
    }, "echo-b back in rotation", 30_000);
    console.log(`readiness failure left the rotation in ${tookMs} ms`);
  });

  it("carries UDP through the node port (and as root the ClusterIP) to both pods", async () => {
    const svc = (await apiOk(cluster, "POST", "/api/v1/namespaces/default/services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "udp-echo" },
      spec: { type: "NodePort", selector: { app: "udp-echo" }, ports: [{ name: "echo", protocol: "UDP", port: 53, targetPort: "echo" }] },
    })) as Service;
    const udpNodePort = svc.spec?.ports?.[0]?.nodePort ?? 0;
    for (const name of ["udp-a", "udp-b"]) {
      const port = await freePort();
      await apiOk(cluster, "POST", "/api/v1/namespaces/default/pods", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, labels: { app: "udp-echo" } },
        spec: {
          nodeName: NODE,
          containers: [
            {
              name: "echo",
              image: "node",
              command: ["node", "-e", UDP_SERVER],
              env: [
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                { name: "PORT", value: String(port) },
              ],
              ports: [{ name: "echo", containerPort: port, protocol: "UDP" }],
            },
          ],
        },
      });
    }
    await agent.waitForLine(new RegExp(`service proxy: default/udp-echo:echo on 0\\.0\\.0\\.0:${udpNodePort}/UDP `));
    const answering = async (host: string, port: number) => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add((await datagram(host, port, "hi")) ?? "(none)");
      return seen;
    };
    await eventually(async () => ((await answering("127.0.0.1", udpNodePort)).size === 2 ? true : undefined), "both UDP pods behind the node port", 60_000);
    expect([...(await answering("127.0.0.1", udpNodePort))].sort()).toEqual(["udp-a:hi", "udp-b:hi"]);
    if (IS_ROOT) expect([...(await answering(svc.spec?.clusterIP ?? "", 53))].sort()).toEqual(["udp-a:hi", "udp-b:hi"]);
  });

  it("stops listening when the Service is deleted", async () => {
    await apiOk(cluster, "DELETE", "/api/v1/namespaces/default/services/echo");
    await agent.waitForLine(new RegExp(`service proxy: closed TCP/0\\.0\\.0\\.0:${nodePort}`));
    await expect(plainGet("127.0.0.1", nodePort)).rejects.toThrow();
  });
});
