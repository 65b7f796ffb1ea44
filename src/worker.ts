// The Worker entry: the Kubernetes API on fetch, the minute cron on scheduled, and the Durable
// Object classes wrangler.toml binds.
import { createApp } from "./api/app";
import type { Env } from "./env";
import { runCron } from "./cron";
import { createTunnelApp, isTunnelRoute } from "./tunnel/routes";
import { edgeFetch } from "./services/edge";

export { WatchHub } from "./store/watchhub";
export { Reconciler } from "./controllers/reconciler";
export { Scheduler } from "./scheduler/scheduler";
export { NodeTunnel } from "./tunnel/nodetunnel";
export { AuditSink } from "./auth/auditsink";
export { RateLimits } from "./auth/ratelimits";
export { ServiceIndex } from "./controllers/endpointslice/serviceindex";

const app = createApp();
// Node tunnels (the agents' WebSockets and nodes/{name}/proxy) need no store access per request.
const tunnelApp = createTunnelApp();

export default {
  fetch: (request, env, ctx) =>
    // LoadBalancer hostnames first: their traffic is the Services', whatever its path.
    edgeFetch(request, env, ctx) ?? (isTunnelRoute(new URL(request.url).pathname) ? tunnelApp.fetch(request, env, ctx) : app.fetch(request, env, ctx)),
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runCron(env, controller.scheduledTime, (p) => ctx.waitUntil(p)));
  },
} satisfies ExportedHandler<Env>;
