// Fires the Worker's cron trigger as Cloudflare would: `wrangler dev` never runs scheduled()
// by itself. wrangler.toml declares one trigger, "* * * * *", so this fires at the start of
// every minute through Miniflare's trigger endpoint (`/cdn-cgi/local/scheduled` in wrangler 4;
// `/cdn-cgi/handler/scheduled` is an older name it still rewrites).
import { request } from "./http";

const CRON = "* * * * *";
const MINUTE_MS = 60_000;

export interface CronTrigger {
  stop(): void;
}

export interface CronOptions {
  url: string;
  /** The server's certificate. */
  ca: string;
  log(line: string): void;
}

export function startCronTrigger({ url, ca, log }: CronOptions): CronTrigger {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const fire = async (scheduledTime: number): Promise<void> => {
    const query = new URLSearchParams({ cron: CRON, time: String(scheduledTime), format: "json" });
    try {
      const res = await request(`${url}/cdn-cgi/local/scheduled?${query}`, { ca });
      if (res.status !== 200) log(`cron trigger: scheduled() failed (${res.status}): ${res.text}`);
    } catch (err) {
      if (!stopped) log(`cron trigger: ${(err as Error).message}`);
    }
  };

  // Re-aim at the next minute boundary each time, so slow runs do not make the schedule drift.
  const arm = (): void => {
    const next = Math.ceil((Date.now() + 1) / MINUTE_MS) * MINUTE_MS;
    timer = setTimeout(() => {
      if (stopped) return;
      void fire(next);
      arm();
    }, next - Date.now());
    // A pending trigger alone should not keep the process alive.
    timer.unref();
  };
  arm();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
