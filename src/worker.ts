// The Worker entry: the Kubernetes API on fetch, the minute cron on scheduled, and the Durable
// Object classes wrangler.toml binds.
import { createApp } from "./api/app";
import type { Env } from "./env";
import { runCron } from "./cron";

export { WatchHub } from "./store/watchhub";
export { Reconciler } from "./controllers/reconciler";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runCron(env, controller.scheduledTime, (p) => ctx.waitUntil(p)));
  },
} satisfies ExportedHandler<Env>;
