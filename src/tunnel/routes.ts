// The Worker's routes into node tunnels, checked before the resource routes (worker.ts):
//   GET /apis/edgeplane.dev/v1/nodes/{name}/tunnel  the agent's WebSocket (its node credential)
//   *   /api/v1/nodes/{name}/proxy/{path}            the agent's own API, as kube-apiserver proxies the kubelet's
//                                                    (kubectl get --raw /api/v1/nodes/N/proxy/stats/summary)
import { Hono } from "hono";
import { authMiddleware } from "../auth/middleware";
import type { AppEnv } from "../api/context";
import { toStatus, type ApiError } from "../api/status";
import { connectNode, relayToNode } from "./relay";

const TUNNEL_PATH = /^\/apis\/edgeplane\.dev\/v1\/nodes\/([^/]+)\/tunnel$/;
const PROXY_PATH = /^\/api\/v1\/nodes\/([^/]+)\/proxy(\/.*)?$/;

/** Whether the request is for these routes rather than the resource API. */
export function isTunnelRoute(pathname: string): boolean {
  return TUNNEL_PATH.test(pathname) || PROXY_PATH.test(pathname);
}

function fail(err: ApiError): Response {
  return new Response(JSON.stringify(toStatus(err)), { status: err.code, headers: { "content-type": "application/json" } });
}

export function createTunnelApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // The agent authenticates as its node (system:node:<name>); the Node authorizer lets it open only its own tunnel.
  app.use("*", ...authMiddleware());
  app.all("*", (c) => {
    const url = new URL(c.req.url);
    const tunnel = TUNNEL_PATH.exec(url.pathname);
    if (tunnel) {
      if (c.req.method !== "GET") return fail({ code: 405, reason: "MethodNotAllowed", message: `${c.req.method} is not supported on a node tunnel` });
      return connectNode(c.env, decodeURIComponent(tunnel[1]), c.req.raw);
    }
    const proxy = PROXY_PATH.exec(url.pathname);
    if (!proxy) return fail({ code: 404, reason: "NotFound", message: "the server could not find the requested resource" });
    const headers = new Headers(c.req.raw.headers);
    // The bearer token is for the control plane, not for the agent.
    headers.delete("authorization");
    return relayToNode(c.env, decodeURIComponent(proxy[1]), (proxy[2] ?? "/") + url.search, {
      method: c.req.method,
      headers,
      body: c.req.raw.body,
      signal: c.req.raw.signal,
    });
  });
  return app;
}
