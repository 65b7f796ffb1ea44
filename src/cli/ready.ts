// Waiting until the Worker answers /readyz: wrangler prints "Ready" before the first request
// has built the Worker, so only the Worker's own answer says the API is up.
import { request } from "./http";

export interface ReadyOptions {
  url: string;
  token: string;
  /** The server's certificate. */
  ca: string;
  /** Resolves with the reason when waiting is pointless (the server exited, the build failed). */
  failed: Promise<string>;
  timeoutMs: number;
}

const POLL_MS = 250;

export async function waitForReady({ url, token, ca, failed, timeoutMs }: ReadyOptions): Promise<void> {
  let failure: string | undefined;
  void failed.then((reason) => (failure = reason));
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (failure !== undefined) throw new Error(`${failure} before the API was ready`);
    try {
      const res = await request(`${url}/readyz`, { headers: { authorization: `Bearer ${token}` }, ca, timeoutMs: 5_000 });
      if (res.status === 200) return;
      last = `/readyz answered ${res.status}: ${res.text.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`the API was not ready after ${timeoutMs / 1000}s (${last})`);
}
