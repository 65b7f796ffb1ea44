// List and watch, as client-go's reflector and informer do: list once, then watch from the
// list's resourceVersion; after a dropped connection resume from the last resourceVersion seen
// (events or bookmarks); after 410 Expired list again and reconcile the cache against the new
// list (objects missing from it are reported deleted). Handlers see each change once.
import type { KubeObject } from "../../apis/types";
import { isApiError, type KubeClient, type Query } from "./client";
import { listAll, resourcePath, type ResourceType } from "./resources";

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

/** Where the informer gets its data; the HTTP one is below, tests use fakes. */
export interface ListWatch<T> {
  list(signal: AbortSignal): Promise<{ items: T[]; resourceVersion: string }>;
  /** Events after `resourceVersion`; the iterable ends when the server closes the watch. */
  watch(resourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
}

export interface InformerHandlers<T> {
  added?(obj: T): void;
  updated?(obj: T, old: T): void;
  deleted?(obj: T): void;
}

/** Thrown by a watch whose resourceVersion has been compacted away: the informer lists again. */
export class ExpiredError extends Error {}

export interface InformerOptions {
  /** Waits between failed attempts, doubling from `minMs` to `maxMs`. */
  retry?: { minMs: number; maxMs: number };
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onError?: (err: unknown) => void;
}

export function objectKey(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : (obj.metadata.name ?? "");
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export class Informer<T extends KubeObject> {
  readonly cache = new Map<string, T>();
  private resourceVersion = "";
  private syncedResolve!: () => void;
  /** Resolves once the first list has been delivered to the handlers. */
  readonly synced = new Promise<void>((resolve) => (this.syncedResolve = resolve));

  constructor(
    private readonly source: ListWatch<T>,
    private readonly handlers: InformerHandlers<T>,
    private readonly options: InformerOptions = {},
  ) {}

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { minMs, maxMs } = this.options.retry ?? { minMs: 500, maxMs: 30_000 };
    const sleep = this.options.sleep ?? abortableSleep;
    let wait = minMs;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.relist(signal);
          needList = false;
        }
        for await (const event of this.source.watch(this.resourceVersion, signal)) {
          this.apply(event);
          wait = minMs;
        }
        // The server ended the watch (its timeout): resume at once.
        continue;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ExpiredError || isApiError(err, 410)) {
          needList = true;
        } else {
          this.options.onError?.(err);
        }
      }
      await sleep(wait, signal);
      wait = Math.min(wait * 2, maxMs);
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const { items, resourceVersion } = await this.source.list(signal);
    const seen = new Set<string>();
    for (const obj of items) {
      seen.add(objectKey(obj));
      this.upsert(obj);
    }
    for (const [key, obj] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.handlers.deleted?.(obj);
    }
    this.resourceVersion = resourceVersion;
    this.syncedResolve();
  }

  private apply(event: WatchEvent<T>): void {
    if (event.type === "ERROR") {
      const status = event.object as unknown as { code?: number; message?: string };
      if (status.code === 410) throw new ExpiredError(status.message ?? "expired");
      throw new Error(`watch error: ${status.message ?? JSON.stringify(status)}`);
    }
    const rv = event.object.metadata?.resourceVersion;
    if (event.type === "DELETED") {
      const key = objectKey(event.object);
      const old = this.cache.get(key);
      this.cache.delete(key);
      if (old) this.handlers.deleted?.(event.object);
    } else if (event.type !== "BOOKMARK") {
      this.upsert(event.object);
    }
    if (rv) this.resourceVersion = rv;
  }

  private upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.cache.get(key);
    this.cache.set(key, obj);
    if (!old) this.handlers.added?.(obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.handlers.updated?.(obj, old);
  }
}

/** Newline-delimited JSON watch events from a streaming response body. */
export async function* watchLines<T>(body: AsyncIterable<Buffer | string>, onChunk?: () => void): AsyncIterable<WatchEvent<T>> {
  let pending = "";
  for await (const chunk of body) {
    onChunk?.();
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) yield JSON.parse(line) as WatchEvent<T>;
    }
  }
  if (pending.trim()) yield JSON.parse(pending) as WatchEvent<T>;
}

/** How long the server keeps one watch open before we resume it (client-go picks 5-10 minutes). */
const WATCH_TIMEOUT_SECONDS = 300;
/** edgeplane's watch hub sends a bookmark every few seconds when asked; silence this long means a dead connection. */
const WATCH_IDLE_MS = 60_000;

/** List and watch one resource type over HTTP, optionally narrowed by selectors. */
export function httpListWatch<T extends KubeObject>(client: KubeClient, type: ResourceType, options: { namespace?: string; fieldSelector?: string; labelSelector?: string } = {}): ListWatch<T> {
  const selectors: Query = { fieldSelector: options.fieldSelector, labelSelector: options.labelSelector };
  return {
    list: (signal) => listAll<T>(client, type, options.namespace, selectors, signal),
    async *watch(resourceVersion, signal) {
      // A connection that dies silently (a NAT dropping it) sends nothing, not even the bookmarks
      // we ask for: give up on it after a quiet spell and resume.
      const idle = new AbortController();
      const timer = setTimeout(() => idle.abort(new Error("watch idle")), WATCH_IDLE_MS);
      try {
        const res = await client.open(resourcePath(type, { namespace: options.namespace }), {
          query: { ...selectors, watch: 1, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS },
          signal: AbortSignal.any([signal, idle.signal]),
          longLived: true,
        });
        try {
          yield* watchLines<T>(res, () => timer.refresh());
        } finally {
          res.destroy();
        }
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
