import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forwardToPod, podAddresses, podRequestHeaders } from "../../../src/agent/server/podproxy";
import type { TunnelRequest } from "../../../src/agent/tunnel/client";
import { freePort } from "../../../src/cli/ports";
import { pod } from "./fixtures";

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    yield new TextEncoder().encode(part);
  }
}

async function text(body: unknown): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) out.push(chunk);
  return Buffer.concat(out).toString();
}

function tunnelRequest(method: string, headers: [string, string][], body: AsyncIterable<Uint8Array> = chunks(), signal = new AbortController().signal): TunnelRequest {
  return { method, path: "/ignored", headers, body, signal };
}

describe("the agent's proxy to its pods", () => {
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/early") {
        // Answers before reading the body.
        res.writeHead(413, { "x-why": "too big" });
        return res.end("no");
      }
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/plain", "set-cookie": ["a=1", "b=2"] });
        res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, forwarded: req.headers["x-forwarded-for"], custom: req.headers["x-custom"], body }));
      });
    });
    // Switches (but on /refuse-upgrade), then answers every byte upper-cased.
    server.on("upgrade", (req, socket) => {
      if (req.url === "/refuse-upgrade") return socket.end("HTTP/1.1 200 OK\r\nContent-Length: 14\r\nConnection: close\r\n\r\nno switch here");
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\nX-Host: ${req.headers.host}\r\n\r\n`);
      socket.on("data", (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
      socket.on("end", () => socket.end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("sends the method, the path as sent, the headers and the streamed body, and streams the answer back", async () => {
    const target = { scheme: "http" as const, ip: "127.0.0.1", port, pathAndQuery: "/a/../b%20c?x=1" };
    const res = await forwardToPod(target, tunnelRequest("POST", [["x-forwarded-for", "1.2.3.4"], ["x-custom", "yes"], ["connection", "x-custom"], ["host", "edge.example"]], chunks("hel", "lo")));
    expect(res.status).toBe(200);
    expect(res.headers.filter(([n]) => n.toLowerCase() === "set-cookie")).toEqual([["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
    expect(res.headers.some(([n]) => /^(connection|transfer-encoding|keep-alive)$/i.test(n))).toBe(false);
    expect(JSON.parse(await text(res.body))).toEqual({ method: "POST", url: "/a/../b%20c?x=1", host: `127.0.0.1:${port}`, forwarded: "1.2.3.4", body: "hello" });
  });

  it("passes on an answer the pod gives before the body is sent", async () => {
    const never = (async function* () {
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      yield new Uint8Array();
    })();
    const abort = new AbortController();
    const res = await forwardToPod({ scheme: "http", ip: "127.0.0.1", port, pathAndQuery: "/early" }, tunnelRequest("PUT", [["content-length", "100"]], never, abort.signal));
    expect(res.status).toBe(413);
    expect(res.headers).toContainEqual(["x-why", "too big"]);
    abort.abort();
  });

  it("turns an upgrade the pod accepts into a byte pipe both ways", async () => {
    const sent = (async function* () {
      yield new TextEncoder().encode("abc");
      await new Promise((resolve) => setTimeout(resolve, 20));
      yield new TextEncoder().encode("def");
    })();
    const res = await forwardToPod({ scheme: "http", ip: "127.0.0.1", port, pathAndQuery: "/ws" }, tunnelRequest("GET", [["upgrade", "websocket"], ["connection", "Upgrade"]], sent));
    expect(res.status).toBe(101);
    expect(res.headers).toEqual(expect.arrayContaining([["Upgrade", "websocket"], ["Connection", "Upgrade"], ["X-Host", `127.0.0.1:${port}`]]));
    // The pod's side ends once the client's has (the body ran out): everything it said comes back.
    expect(await text(res.body)).toBe("ABCDEF");
  });

  it("passes on the answer of a pod that does not switch", async () => {
    const res = await forwardToPod({ scheme: "http", ip: "127.0.0.1", port, pathAndQuery: "/refuse-upgrade" }, tunnelRequest("GET", [["upgrade", "websocket"], ["connection", "Upgrade"]]));
    expect(res.status).toBe(200);
    expect(await text(res.body)).toBe("no switch here");
  });

  it("throws when the pod cannot be reached", async () => {
    const closed = await freePort();
    await expect(forwardToPod({ scheme: "http", ip: "127.0.0.1", port: closed, pathAndQuery: "/" }, tunnelRequest("GET", []))).rejects.toThrow(/ECONNREFUSED/);
  });

  it("reaches only the addresses of the node's pods, with the pod's address as Host", () => {
    const a = pod({}, { name: "a" });
    a.status = { podIP: "10.88.0.5", podIPs: [{ ip: "10.88.0.5" }, { ip: "fd00::5" }] };
    expect([...podAddresses([a, pod()])].sort()).toEqual(["10.88.0.5", "fd00::5"]);
    const target = { scheme: "http" as const, ip: "fd00::5", port: 80, pathAndQuery: "/" };
    expect(podRequestHeaders([["TE", "trailers"], ["Keep-Alive", "5"], ["accept", "*/*"]], target)).toEqual([["host", "[fd00::5]:80"], ["accept", "*/*"]]);
    // An upgrade is asked for again on this hop.
    expect(podRequestHeaders([["Connection", "Upgrade"], ["Upgrade", "websocket"], ["sec-websocket-key", "k"]], target)).toEqual([
      ["host", "[fd00::5]:80"],
      ["sec-websocket-key", "k"],
      ["connection", "Upgrade"],
      ["upgrade", "websocket"],
    ]);
  });
});
