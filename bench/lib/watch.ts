// Watch delivery latency: `watchers` concurrent watches on pods, then pods created one at a time
// at a modest rate; for every event at every watcher, the time from the create to the event's
// arrival. The commit happens somewhere inside the POST, so two figures bound it:
//   - from the POST being sent (timestamp taken just before it): an upper bound of
//     commit-to-delivery, the figure the target is checked against;
//   - from the POST's response (its body read): a lower bound, negative when the event overtook
//     the response.
import { Agent, request } from "undici";
import { summarize, type Summary } from "./stats";

export interface WatchBenchOptions {
  origin: string;
  headers: Record<string, string>;
  /** Collection path, e.g. /api/v1/namespaces/default/pods */
  path: string;
  /** resourceVersion the watches start after (a LIST's). */
  resourceVersion: string;
  watchers: number;
  events: number;
  ratePerSecond: number;
  /** Creates the named object; resolves when its response has been read. */
  create(name: string): Promise<void>;
  /** How long to wait for stragglers after the last create. */
  drainMs: number;
  log(line: string): void;
}

export interface WatchBenchResult {
  watchers: number;
  events: number;
  fromSend: Summary;
  fromResponse: Summary;
  /** Events (per watcher) that never arrived within the drain time. */
  missing: number;
  /** ERROR events or streams that ended early. */
  errors: string[];
}

interface Stream {
  arrivals: Map<string, number>;
  errors: string[];
  abort: AbortController;
  done: Promise<void>;
}

async function openStream(o: WatchBenchOptions, agent: Agent): Promise<Stream> {
  const abort = new AbortController();
  const query = new URLSearchParams({ watch: "1", resourceVersion: o.resourceVersion });
  // No body timeout: a watch is quiet between events. The headers come at once or never.
  const res = await request(`${o.origin}${o.path}?${query}`, { headers: o.headers, dispatcher: agent, signal: abort.signal, headersTimeout: 30_000, bodyTimeout: 0 });
  if (res.statusCode !== 200) throw new Error(`watch answered ${res.statusCode}: ${(await res.body.text()).slice(0, 400)}`);
  const stream: Stream = { arrivals: new Map(), errors: [], abort, done: Promise.resolve() };
  res.body.setEncoding("utf8");
  stream.done = (async () => {
    let buffer = "";
    try {
      for await (const chunk of res.body) {
        // One timestamp per chunk, before any parsing: events that came together arrived together.
        const now = performance.now();
        buffer += chunk as string;
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) record(stream, line, now);
        }
      }
      if (!abort.signal.aborted) stream.errors.push("stream ended by the server");
    } catch (err) {
      if (!abort.signal.aborted) stream.errors.push((err as Error).message);
    }
  })();
  return stream;
}

function record(stream: Stream, line: string, now: number): void {
  const event = JSON.parse(line) as { type: string; object?: { metadata?: { name?: string }; message?: string } };
  const name = event.object?.metadata?.name;
  if (event.type === "ADDED" && name && !stream.arrivals.has(name)) stream.arrivals.set(name, now);
  else if (event.type === "ERROR") stream.errors.push(`ERROR event: ${event.object?.message ?? line.slice(0, 200)}`);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function waitFor(streams: Stream[], names: string[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (streams.every((s) => names.every((n) => s.arrivals.has(n)))) return;
    await sleep(20);
  }
}

export async function runWatchBench(o: WatchBenchOptions): Promise<WatchBenchResult> {
  const agent = new Agent({ connections: o.watchers + 8, pipelining: 1 });
  const streams: Stream[] = [];
  try {
    for (let i = 0; i < o.watchers; i++) streams.push(await openStream(o, agent));
    o.log(`watch: ${streams.length} streams open`);
    // A sentinel first: once every watcher has it, every watch is attached to the hub and live,
    // so the measured events are fan-out, not catch-up from the log.
    const sentinel = `watch-sentinel-${Date.now()}`;
    await o.create(sentinel).catch((err: unknown) => {
      throw new Error(`the first create with ${o.watchers} watches open failed; the server stalled (${(err as Error).message})`);
    });
    await waitFor(streams, [sentinel], 30_000);
    const late = streams.filter((s) => !s.arrivals.has(sentinel)).length;
    if (late) throw new Error(`${late} of ${o.watchers} watches did not see the sentinel pod within 30s`);
    o.log(`watch: every stream is live; creating ${o.events} pods`);

    const sent = new Map<string, { t0: number; t1: number }>();
    const interval = 1000 / o.ratePerSecond;
    const start = performance.now();
    for (let i = 0; i < o.events; i++) {
      await sleep(start + i * interval - performance.now());
      const name = `watch-${i}-${Date.now()}`;
      const t0 = performance.now();
      await o.create(name);
      sent.set(name, { t0, t1: performance.now() });
    }
    await waitFor(streams, [...sent.keys()], o.drainMs);
    return measure(streams, sent, o.watchers);
  } finally {
    for (const s of streams) s.abort.abort();
    await Promise.all(streams.map((s) => s.done));
    await agent.destroy();
    o.log("watch: streams closed");
  }
}

function measure(streams: Stream[], sent: Map<string, { t0: number; t1: number }>, watchers: number): WatchBenchResult {
  const fromSend: number[] = [];
  const fromResponse: number[] = [];
  let missing = 0;
  for (const s of streams) {
    for (const [name, { t0, t1 }] of sent) {
      const at = s.arrivals.get(name);
      if (at === undefined) {
        missing++;
        continue;
      }
      fromSend.push(at - t0);
      fromResponse.push(at - t1);
    }
  }
  return {
    watchers,
    events: sent.size,
    fromSend: summarize(fromSend),
    fromResponse: summarize(fromResponse),
    missing,
    errors: streams.flatMap((s) => s.errors).slice(0, 10),
  };
}
