// Waiting until the Worker answers /readyz: wrangler prints "Ready" before the first request
// has built the Worker, so only the Worker's own answer says the API is up.
export interface ReadyOptions {
  url: string;
  token: string;
  /** Settles when the server process exits: then there is nothing left to wait for. */
  exited: Promise<number | string>;
  timeoutMs: number;
}

const POLL_MS = 250;

export async function waitForReady({ url, token, exited, timeoutMs }: ReadyOptions): Promise<void> {
  let exitCode: number | string | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`wrangler dev exited (${exitCode}) before the API was ready`);
    try {
      const res = await fetch(`${url}/readyz`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5_000),
      });
      if (res.ok) return;
      last = `/readyz answered ${res.status}: ${(await res.text()).slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`the API was not ready after ${timeoutMs / 1000}s (${last})`);
}
