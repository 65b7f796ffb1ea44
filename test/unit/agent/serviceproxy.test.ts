import { createServer, connect, type AddressInfo, type Server } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { containerEnv, type EnvContext } from "../../../src/agent/pods/env";
import { podServiceEnv } from "../../../src/agent/serviceproxy/env";
import { Picker } from "../../../src/agent/serviceproxy/picker";
import { apiServerOf, chooseModes } from "../../../src/agent/serviceproxy/setup";
import { desiredListeners, diffAddresses, diffListeners, wantedAddresses, type ListenerSpec } from "../../../src/agent/serviceproxy/table";
import { TcpListener } from "../../../src/agent/serviceproxy/tcp";
import { proxyTable, type ServiceForProxy, type SliceForProxy } from "../../../src/services/proxytable";
import { container, pod } from "./fixtures";

const web: ServiceForProxy = {
  metadata: { name: "web", namespace: "ns" },
  spec: { type: "NodePort", clusterIP: "10.96.0.10", ports: [{ name: "http", port: 80, nodePort: 30080 }, { name: "dns", port: 53, protocol: "UDP", nodePort: 30053 }] },
};
const db: ServiceForProxy = { metadata: { name: "db", namespace: "ns" }, spec: { type: "ClusterIP", clusterIP: "10.96.0.20", ports: [{ port: 5432 }] } };
const headless: ServiceForProxy = { metadata: { name: "h", namespace: "ns" }, spec: { clusterIP: "None", ports: [{ port: 80 }] } };

function slice(service: string, port: { name?: string; port: number; protocol?: string }, endpoints: { ip: string; ready?: boolean }[]): SliceForProxy {
  return {
    metadata: { namespace: "ns", labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    ports: [{ protocol: "TCP", ...port }],
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true } })),
  };
}

const rules = proxyTable(
  [web, db, headless],
  [
    slice("web", { name: "http", port: 8080 }, [{ ip: "10.88.0.2" }, { ip: "10.88.0.3", ready: false }]),
    slice("web", { name: "dns", port: 5353, protocol: "UDP" }, [{ ip: "10.88.0.2" }]),
    slice("db", { port: 5432 }, [{ ip: "10.88.0.4" }]),
  ],
);

describe("desired listeners", () => {
  test("node ports on 0.0.0.0 and cluster IPs on their own address, TCP and UDP, headless Services none", () => {
    const listeners = desiredListeners(rules, { nodePorts: true, clusterIPs: "addresses", localHost: "127.0.0.1" });
    expect(listeners.map((l) => [l.key, l.kind, l.servicePort, l.backends.map((b) => `${b.ip}:${b.port}`)])).toEqual([
      ["TCP/10.96.0.20:5432", "clusterIP", "ns/db:", ["10.88.0.4:5432"]],
      ["TCP/0.0.0.0:30080", "nodePort", "ns/web:http", ["10.88.0.2:8080"]],
      ["TCP/10.96.0.10:80", "clusterIP", "ns/web:http", ["10.88.0.2:8080"]],
      ["UDP/0.0.0.0:30053", "nodePort", "ns/web:dns", ["10.88.0.2:5353"]],
      ["UDP/10.96.0.10:53", "clusterIP", "ns/web:dns", ["10.88.0.2:5353"]],
    ]);
    expect([...wantedAddresses(listeners)].sort()).toEqual(["10.96.0.10", "10.96.0.20"]);
  });

  test("local mode: one listener per Service port on the local address at a port of the kernel's choosing; off: node ports only", () => {
    const local = desiredListeners(rules, { nodePorts: false, clusterIPs: "local", localHost: "10.88.0.1" });
    expect(local.map((l) => [l.key, l.host, l.port])).toEqual([
      ["TCP/local/ns/db:", "10.88.0.1", 0],
      ["TCP/local/ns/web:http", "10.88.0.1", 0],
      ["UDP/local/ns/web:dns", "10.88.0.1", 0],
    ]);
    const off = desiredListeners(rules, { nodePorts: true, clusterIPs: "off", localHost: "127.0.0.1" });
    expect(off.map((l) => l.key)).toEqual(["TCP/0.0.0.0:30080", "UDP/0.0.0.0:30053"]);
  });
});

describe("listener diff", () => {
  const listeners = desiredListeners(rules, { nodePorts: true, clusterIPs: "addresses", localHost: "127.0.0.1" });
  const current = new Map(listeners.map((l) => [l.key, l]));

  test("nothing to do when nothing changed", () => {
    expect(diffListeners(current, listeners)).toEqual({ open: [], update: [], close: [] });
  });

  test("new backends update in place, a Service gone closes, a new one opens", () => {
    const after = proxyTable([web, { ...db, metadata: { name: "db2", namespace: "ns" } }], [slice("web", { name: "http", port: 8080 }, [{ ip: "10.88.0.2" }, { ip: "10.88.0.3" }])]);
    const next = desiredListeners(after, { nodePorts: true, clusterIPs: "addresses", localHost: "127.0.0.1" });
    const changes = diffListeners(current, next);
    // db2 took db's address and port: the same listener, routed to db2's (empty) backends now;
    // web's dns port lost its slice.
    expect(changes.update.map((l) => [l.key, l.servicePort, l.backends.length])).toEqual([
      ["TCP/10.96.0.20:5432", "ns/db2:", 0],
      ["TCP/0.0.0.0:30080", "ns/web:http", 2],
      ["TCP/10.96.0.10:80", "ns/web:http", 2],
      ["UDP/0.0.0.0:30053", "ns/web:dns", 0],
      ["UDP/10.96.0.10:53", "ns/web:dns", 0],
    ]);
    expect(changes.open).toEqual([]);
    expect(changes.close).toEqual([]);
    expect(diffListeners(current, next.filter((l) => l.servicePort !== "ns/db2:")).close).toEqual(["TCP/10.96.0.20:5432"]);
  });

  test("two Services asking for one key: the first keeps it", () => {
    const twice: ListenerSpec[] = [listeners[0], { ...listeners[0], servicePort: "ns/other:" }];
    expect(diffListeners(new Map(), twice).open.map((l) => l.servicePort)).toEqual(["ns/db:"]);
  });

  test("addresses", () => {
    expect(diffAddresses(new Set(["10.96.0.1", "10.96.0.2"]), new Set(["10.96.0.2", "10.96.0.3"]))).toEqual({ add: ["10.96.0.3"], remove: ["10.96.0.1"] });
  });
});

describe("picker", () => {
  const backends = [
    { ip: "10.0.0.1", port: 80 },
    { ip: "10.0.0.2", port: 80 },
    { ip: "10.0.0.3", port: 80 },
  ];
  const none = { sessionAffinity: "None" as const, affinitySeconds: 0 };

  test("round robin, the others next in line as fallbacks", () => {
    const picker = new Picker();
    const firsts = Array.from({ length: 6 }, () => picker.order(backends, "c", none));
    expect(firsts.map((o) => o[0].ip)).toEqual(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.2", "10.0.0.3"]);
    expect(firsts[1].map((b) => b.ip)).toEqual(["10.0.0.2", "10.0.0.3", "10.0.0.1"]);
    expect(picker.order([], "c", none)).toEqual([]);
  });

  test("ClientIP affinity keeps a client on its backend until the timeout, then balances again", () => {
    let now = 0;
    const picker = new Picker(() => now);
    const sticky = { sessionAffinity: "ClientIP" as const, affinitySeconds: 10 };
    const first = picker.order(backends, "c1", sticky)[0];
    picker.connected(first, "c1", sticky);
    for (let i = 0; i < 5; i++) expect(picker.order(backends, "c1", sticky)[0]).toEqual(first);
    // Another client is balanced as usual.
    expect(picker.order(backends, "c2", sticky)[0]).not.toEqual(picker.order(backends, "c2", sticky)[0]);
    // Its backend gone: any other.
    expect(picker.order(backends.filter((b) => b !== first), "c1", sticky)).toHaveLength(2);
    now = 11_000;
    const later = [0, 1, 2].map(() => picker.order(backends, "c1", sticky)[0].ip);
    expect(new Set(later).size).toBe(3);
  });
});

describe("pod env", () => {
  const services = [
    { metadata: { name: "web", namespace: "ns" }, spec: { clusterIP: "10.96.0.10", ports: [{ name: "http", port: 80 }] } },
    { metadata: { name: "kubernetes", namespace: "default" }, spec: { clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443 }] } },
    { metadata: { name: "pending", namespace: "ns" }, spec: { clusterIP: "10.96.0.11", ports: [{ port: 81 }] } },
  ];

  test("routable cluster IPs: Kubernetes' own variables", () => {
    const env = podServiceEnv(services, "ns", true, "addresses", () => undefined);
    expect(env).toContainEqual({ name: "WEB_SERVICE_HOST", value: "10.96.0.10" });
    expect(env).toContainEqual({ name: "KUBERNETES_SERVICE_PORT", value: "443" });
  });

  test("local mode: each Service at its node-local listener; a Service not listened on yet is left out", () => {
    const local = new Map([
      ["ns/web:http", { host: "127.0.0.1", port: 41000 }],
      ["default/kubernetes:https", { host: "127.0.0.1", port: 41001 }],
    ]);
    const env = Object.fromEntries(podServiceEnv(services, "ns", true, "local", (key) => local.get(key)).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      WEB_SERVICE_HOST: "127.0.0.1",
      WEB_SERVICE_PORT: "41000",
      WEB_SERVICE_PORT_HTTP: "41000",
      WEB_PORT: "tcp://127.0.0.1:41000",
      WEB_PORT_41000_TCP_ADDR: "127.0.0.1",
      KUBERNETES_SERVICE_HOST: "127.0.0.1",
      KUBERNETES_SERVICE_PORT: "41001",
    });
    expect(Object.keys(env).some((k) => k.startsWith("PENDING_"))).toBe(false);
  });

  test("containerEnv: Service variables come last, never replace the container's own, and feed $(VAR)", () => {
    const ctx: EnvContext = {
      pod: pod(),
      objects: { configMap: () => undefined, secret: () => undefined },
      addresses: { podIPs: ["10.0.0.5"], hostIPs: ["192.168.1.2"] },
      allocatable: { cpu: "4", memory: "8Gi" },
      serviceEnv: [
        { name: "WEB_SERVICE_HOST", value: "10.96.0.10" },
        { name: "WEB_SERVICE_PORT", value: "80" },
      ],
    };
    const c = container("app", { env: [{ name: "URL", value: "http://$(WEB_SERVICE_HOST):$(WEB_SERVICE_PORT)/" }, { name: "WEB_SERVICE_PORT", value: "8080" }] });
    expect(containerEnv(c, ctx)).toEqual({
      ok: true,
      env: [
        { name: "URL", value: "http://10.96.0.10:80/" },
        { name: "WEB_SERVICE_PORT", value: "8080" },
        { name: "WEB_SERVICE_HOST", value: "10.96.0.10" },
      ],
    });
  });
});

describe("setup", () => {
  test("modes: simulated and off run nothing; nodeport leaves cluster IPs alone; auto picks addresses as root", () => {
    expect(chooseModes("auto", "simulated", true)).toBeUndefined();
    expect(chooseModes("off", "process", true)).toBeUndefined();
    expect(chooseModes("nodeport", "podman", true)).toEqual({ nodePorts: true, clusterIPs: "off" });
    expect(chooseModes("auto", "process", true)).toEqual({ nodePorts: true, clusterIPs: "addresses" });
    expect(chooseModes("auto", "podman", false)).toEqual({ nodePorts: true, clusterIPs: "local" });
  });

  test("the kubernetes Service leads to the kubeconfig's server", () => {
    expect(apiServerOf("https://api.example.com")).toEqual({ host: "api.example.com", port: 443 });
    expect(apiServerOf("http://127.0.0.1:8787")).toEqual({ host: "127.0.0.1", port: 8787 });
    expect(apiServerOf("http://[::1]:80")).toEqual({ host: "::1", port: 80 });
  });
});

describe("tcp listener", () => {
  const servers: Server[] = [];
  const listeners: TcpListener[] = [];
  afterEach(async () => {
    for (const l of listeners.splice(0)) await l.close(true);
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  async function echoServer(name: string): Promise<number> {
    const server = createServer((s) => s.end(name));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return (server.address() as AddressInfo).port;
  }

  function read(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      let out = "";
      const s = connect(port, "127.0.0.1");
      s.setEncoding("utf8");
      s.on("data", (d: string) => (out += d));
      s.on("end", () => resolve(out));
      s.on("error", reject);
    });
  }

  async function proxy(backends: { ip: string; port: number }[]): Promise<{ listener: TcpListener; port: number }> {
    const spec: ListenerSpec = { key: "t", kind: "local", protocol: "TCP", host: "127.0.0.1", port: 0, servicePort: "ns/t:", backends, sessionAffinity: "None", affinitySeconds: 0 };
    const listener = new TcpListener(spec, () => undefined, 500);
    listeners.push(listener);
    return { listener, port: await listener.listen() };
  }

  test("balances connections over the backends, skipping one that refuses", async () => {
    const a = await echoServer("a");
    const b = await echoServer("b");
    const dead = await echoServer("x");
    await new Promise((r) => servers.pop()?.close(r));
    const { port } = await proxy([
      { ip: "127.0.0.1", port: a },
      { ip: "127.0.0.1", port: dead },
      { ip: "127.0.0.1", port: b },
    ]);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await read(port));
    expect(answers.filter((x) => x === "a").length).toBeGreaterThanOrEqual(2);
    expect(answers.filter((x) => x === "b").length).toBeGreaterThanOrEqual(2);
    expect(answers.every((x) => x === "a" || x === "b")).toBe(true);
  });

  test("no backend: the connection is reset; after an update, answered", async () => {
    const { listener, port } = await proxy([]);
    await expect(read(port)).rejects.toThrow(/ECONNRESET/);
    listener.update({ ...listener.current, backends: [{ ip: "127.0.0.1", port: await echoServer("c") }] });
    expect(await read(port)).toBe("c");
  });
});
