// Requests for the Services end-to-end tests: API calls that must succeed, through the API's
// proxy, through the Worker's edge, straight to an address, a WebSocket through the Worker, and
// the tally of which pod answered.
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { expect } from "vitest";
import type { Cluster } from "./harness";

export interface Answer {
  status: number;
  body: string;
}

/** An API call that must succeed; its JSON. */
export async function apiOk(cluster: Cluster, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await cluster.api(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return res.json;
}

/** Through the Worker, with the API token (services/proxy, pods/proxy). */
export async function viaApi(cluster: Cluster, path: string, init: { method?: string; body?: string } = {}): Promise<Answer> {
  const res = await cluster.api(init.method ?? "GET", path, init.body);
  return { status: res.status, body: res.text };
}

/**
 * Through the Worker's edge: its own address, with the LoadBalancer's hostname as Host and no
 * token. The local certificate names localhost, which TLS is asked for instead of the Host.
 */
export function viaEdge(cluster: Cluster, host: string, path = "/"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(cluster.url + path, { headers: { host }, ca: cluster.caCert, servername: "localhost", agent: false, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`edge ${host}${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** A plain HTTP GET on a new connection (so that each request is balanced on its own). */
export function plainGet(host: string, port: number, path = "/"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port, path, agent: false, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${host}:${port}${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** Opens a WebSocket through the Worker, sends one short text message, and resolves with the reply. */
export function webSocketEcho(cluster: Cluster, path: string, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers = { connection: "Upgrade", upgrade: "websocket", "sec-websocket-key": randomBytes(16).toString("base64"), "sec-websocket-version": "13", authorization: `Bearer ${cluster.token}` };
    const req = httpsRequest(cluster.url + path, { headers, ca: cluster.caCert, timeout: 10_000 });
    req.on("upgrade", (_res, socket) => {
      const payload = Buffer.from(message);
      const mask = randomBytes(4);
      socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ mask[i % 4])]));
      socket.once("data", (buf: Buffer) => {
        resolve(buf.subarray(2, 2 + (buf[1] & 127)).toString());
        socket.destroy();
      });
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => reject(new Error(`no upgrade: ${res.statusCode} ${body}`)));
    });
    req.on("error", reject);
    req.end();
  });
}

/** How many of `count` requests each body (a pod's name) answered; every answer must be a 200. */
export async function tally(send: () => Promise<Answer>, count: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const { status, body } = await send();
    expect(status, body).toBe(200);
    seen.set(body, (seen.get(body) ?? 0) + 1);
  }
  return seen;
}

/** The bodies seen, and that each got at least `least` of the requests. */
export function expectFairShare(seen: Map<string, number>, names: string[], least: number): void {
  expect([...seen.keys()].sort()).toEqual([...names].sort());
  for (const [name, n] of seen) expect(n, `${name}: ${n} of the requests`).toBeGreaterThanOrEqual(least);
}
