// Waiting until the Worker answers /readyz: wrangler prints "Ready" before the first request
// has built the Worker, so only the Worker's own answer says the API is up.
import { request } from "./http";

export interface ReadyOptions {
  url: string;
  token: string;
  /** The server's certificate. */
  ca: string;
  /** Resolves with the error to throw when waiting is pointless (the server exited, the build failed). */
  failed: Promise<Error>;
  timeoutMs: number;
}

const POLL_MS = 250;

export async function waitForReady({ url, token, ca, failed, timeoutMs }: ReadyOptions): Promise<void> {
  let failure: Error | undefined;
  void failed.then((err) => (failure = err));
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (failure !== undefined) throw failure;
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
