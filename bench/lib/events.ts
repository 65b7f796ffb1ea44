// One watch stream whose every event goes to a callback, stamped with its arrival time before
// it is parsed (events that came in one chunk arrived together). bench/lib/watch.ts measures
// delivery of ADDED events to many watchers; this is for following objects' changes.
import { Agent, request } from "undici";

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

export interface EventStream {
  /** Stream errors, ERROR events and an early end, as text. */
  errors: string[];
  stop(): Promise<void>;
}

export interface EventStreamOptions<T> {
  origin: string;
  headers: Record<string, string>;
  /** Collection path with any query but watch and resourceVersion, e.g. /api/v1/pods?labelSelector=a%3Db */
  path: string;
  resourceVersion: string;
  onEvent(event: WatchEvent<T>, arrivedAt: number): void;
}

export async function watchEvents<T>(o: EventStreamOptions<T>): Promise<EventStream> {
  const agent = new Agent({ connections: 1, pipelining: 1 });
  const abort = new AbortController();
  const sep = o.path.includes("?") ? "&" : "?";
  const url = `${o.origin}${o.path}${sep}${new URLSearchParams({ watch: "1", resourceVersion: o.resourceVersion, allowWatchBookmarks: "false" })}`;
  // No body timeout: a watch is quiet between events.
  const res = await request(url, { headers: o.headers, dispatcher: agent, signal: abort.signal, headersTimeout: 30_000, bodyTimeout: 0 });
  if (res.statusCode !== 200) {
    const text = await res.body.text();
    await agent.close();
    throw new Error(`watch ${o.path} answered ${res.statusCode}: ${text.slice(0, 400)}`);
  }
  const errors: string[] = [];
  res.body.setEncoding("utf8");
  const done = (async () => {
    let buffer = "";
    try {
      for await (const chunk of res.body) {
        const now = performance.now();
        buffer += chunk as string;
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          const event = JSON.parse(line) as WatchEvent<T>;
          if (event.type === "ERROR") errors.push(`ERROR event: ${line.slice(0, 300)}`);
          else o.onEvent(event, now);
        }
      }
      if (!abort.signal.aborted) errors.push("the watch ended early");
    } catch (err) {
      if (!abort.signal.aborted) errors.push((err as Error).message);
    }
  })();
  return {
    errors,
    async stop() {
      abort.abort();
      await done;
      await agent.destroy();
    },
  };
}
