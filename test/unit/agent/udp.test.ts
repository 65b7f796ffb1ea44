// The service proxy's UDP listener with real sockets on 127.0.0.1.
import { createSocket, type Socket } from "node:dgram";
import { afterEach, describe, expect, test } from "vitest";
import type { ListenerSpec } from "../../../src/agent/serviceproxy/table";
import { UdpListener } from "../../../src/agent/serviceproxy/udp";

const sockets: Socket[] = [];
const listeners: UdpListener[] = [];

afterEach(async () => {
  for (const l of listeners.splice(0)) await l.close();
  for (const s of sockets.splice(0)) s.close();
});

async function bound(port = 0): Promise<Socket> {
  const socket = createSocket("udp4");
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(port, "127.0.0.1", resolve));
  return socket;
}

/** A backend answering each datagram with "{name}:{datagram}"; its port. */
async function echo(name: string): Promise<number> {
  const socket = await bound();
  socket.on("message", (msg, from) => socket.send(`${name}:${msg.toString()}`, from.port, from.address));
  return socket.address().port;
}

/** A port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const socket = await bound();
  const { port } = socket.address();
  sockets.splice(sockets.indexOf(socket), 1);
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

async function proxy(backends: number[], idleMs = 30_000): Promise<{ listener: UdpListener; port: number }> {
  const spec: ListenerSpec = { key: "u", kind: "local", protocol: "UDP", host: "127.0.0.1", port: 0, servicePort: "ns/u:dns", backends: backends.map((port) => ({ ip: "127.0.0.1", port })), sessionAffinity: "None", affinitySeconds: 0 };
  const listener = new UdpListener(spec, () => undefined, idleMs);
  listeners.push(listener);
  return { listener, port: await listener.listen() };
}

/** Sends one datagram from `client` to the proxy and resolves with the reply, or undefined after `waitMs`. */
function ask(client: Socket, port: number, text: string, waitMs = 1_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off("message", onMessage);
      resolve(undefined);
    }, waitMs);
    const onMessage = (msg: Buffer) => {
      clearTimeout(timer);
      client.off("message", onMessage);
      resolve(msg.toString());
    };
    client.on("message", onMessage);
    client.send(text, port, "127.0.0.1");
  });
}

describe("udp listener", () => {
  test("each client's datagrams stay with one backend; new clients take turns; replies come from the proxy's address", async () => {
    const { port } = await proxy([await echo("a"), await echo("b")]);
    const first = await bound();
    const replies = [await ask(first, port, "1"), await ask(first, port, "2"), await ask(first, port, "3")];
    const [who] = replies[0]!.split(":");
    expect(replies).toEqual([`${who}:1`, `${who}:2`, `${who}:3`]);
    const others = [];
    for (let i = 0; i < 4; i++) others.push((await ask(await bound(), port, "x"))?.split(":")[0]);
    expect(others.filter((x) => x === "a").length).toBe(2);
    expect(others.filter((x) => x === "b").length).toBe(2);
  });

  test("a backend leaving the endpoints ends its flows; the next datagram goes to one still there", async () => {
    const a = await echo("a");
    const b = await echo("b");
    const { listener, port } = await proxy([a, b]);
    const client = await bound();
    const who = (await ask(client, port, "1"))?.split(":")[0];
    const remaining = who === "a" ? b : a;
    listener.update({ ...listener.current, backends: [{ ip: "127.0.0.1", port: remaining }] });
    expect(await ask(client, port, "2")).toBe(`${who === "a" ? "b" : "a"}:2`);
  });

  test("a backend that refuses ends the flow; the client's next datagram goes to the next backend", async () => {
    const { port } = await proxy([await deadPort(), await echo("b")]);
    const client = await bound();
    // The first flow goes to the dead port: that datagram is lost, the ICMP answer ends the flow.
    expect(await ask(client, port, "lost", 300)).toBeUndefined();
    expect(await ask(client, port, "again")).toBe("b:again");
  });

  test("no backend: datagrams are dropped; after an update, answered", async () => {
    const { listener, port } = await proxy([]);
    const client = await bound();
    expect(await ask(client, port, "nobody", 200)).toBeUndefined();
    listener.update({ ...listener.current, backends: [{ ip: "127.0.0.1", port: await echo("c") }] });
    expect(await ask(client, port, "hi")).toBe("c:hi");
  });

  test("an idle flow ends: the client's next datagram picks again", async () => {
    const { port } = await proxy([await echo("a"), await echo("b")], 100);
    const client = await bound();
    const first = (await ask(client, port, "1"))?.split(":")[0];
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await ask(client, port, "2"))?.split(":")[0]).not.toBe(first);
  });
});
