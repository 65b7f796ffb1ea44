// The watch hub: one Durable Object per resource reads the changelog once for all its watchers
// and streams events in revision order. Woken by commits (notify) and by a short timer while it
// has watchers, so a lost notification delays events by at most a second. A hub with no
// watchers sets no timers and reads nothing. Writers hand the hub their changes with the
// notification: it then reads only the log's revisions, to keep order and find gaps, and reads
// the data only of changes it was not handed.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { KubeObject } from "../apis/types";
import { secretsCodec } from "../auth/encryption/codec";
import { Store, type Change, type ChangePage, type SelectorProjection } from "./store";
import { encodeEvent, eventFor, type WatchEvent } from "./watch";
import { watchView, type WatchSpec, type WatchView } from "../api/watchview";
import { expired, toStatus } from "../api/status";

const PAGE = 500;
/** Changes held from notifications at most: beyond, the hub reads from the log. */
const MAX_HANDED = 2000;
/** How long delivery waits for a change's notification before reading the change from the log. */
const HANDOVER_WAIT_MS = 200;
const SAFETY_POLL_MS = 1000;
const BOOKMARK_EVERY_MS = 5000;

/**
 * The logs the service index follows. Their hubs, told of every commit, wake it: one wake for
 * all the commits that arrive while the previous one runs, instead of a call per commit.
 */
const FOLLOWED_BY_SERVICE_INDEX: ReadonlySet<string> = new Set(["pods", "services"]);

/** One change on its way to the watchers, with what they can share of its handling. */
interface Delivery {
  change: Change;
  /** The changed object's projection per watch view key (labels and selectable fields). */
  projections: Map<string, SelectorProjection>;
  /** The encoded event per (type, view key), so a hundred watchers cost one JSON encoding. */
  encoded: Map<string, Uint8Array>;
}

interface Watcher {
  spec: WatchSpec;
  view: WatchView;
  /** Highest revision this watcher has been brought up to. */
  rv: number;
  bookmarkedRv: number;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  closed: boolean;
  timeout?: ReturnType<typeof setTimeout>;
}

function delivery(change: Change): Delivery {
  return { change, projections: new Map(), encoded: new Map() };
}

export class WatchHub extends DurableObject<Env> {
  private readonly store: Store;
  private readonly watchers = new Set<Watcher>();
  private readonly encoder = new TextEncoder();
  /** Revision up to which this hub has read the log; -1 before the first read. */
  private head = -1;
  /** Serializes reads of the log and attaches, so every watcher sees each revision once, in order. */
  private queue: Promise<void> = Promise.resolve();
  private pollScheduled = false;
  private ticker?: ReturnType<typeof setInterval>;
  private lastBookmark = 0;
  /** The resource this hub serves ("pods", "apps/deployments"): the hub is named after it. */
  private resource = "";
  /** Changes handed over with notifications, by revision, until the hub's head passes them. */
  private readonly handed = new Map<number, Change>();
  /** Changes delivered as handed over, and read from the log, since the hub started (for benchmarks). */
  private readonly counts = { handed: 0, read: 0 };
  /** The first revision of the log not handed over, and since when the hub has waited for it. */
  private awaited?: { id: number; since: number };
  /** Notifications without changes came up to here: revisions up to it will not be handed over. */
  private unhandedUpTo = 0;
  /** The service index is being woken; `indexBehind`: commits came since that wake was sent. */
  private indexWaking = false;
  private indexBehind = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Watches of Secrets read sealed changelog rows.
    this.store = new Store(env.DB, { codec: secretsCodec(env) });
  }

  /**
   * A commit of revision `rv` touched this hub's resource; `changes`, when given, are the commits'
   * changes. Answers whether the hub has watchers, so writers hand it changes only when it does.
   */
  async notify(resource: string, rv: number, changes?: Change[]): Promise<boolean> {
    if (FOLLOWED_BY_SERVICE_INDEX.has(resource)) this.wakeServiceIndex(resource);
    if (this.watchers.size === 0) return false;
    if (rv <= this.head) return true;
    if (!changes) this.unhandedUpTo = Math.max(this.unhandedUpTo, rv);
    for (const change of changes ?? []) {
      if (change.rv <= this.head) continue;
      // Beyond what the hub holds, a change is read from the log at once rather than awaited.
      if (this.handed.size < MAX_HANDED) this.handed.set(change.rv, change);
      else this.unhandedUpTo = Math.max(this.unhandedUpTo, change.rv);
    }
    this.schedulePoll();
    return true;
  }

  private wakeServiceIndex(resource: string): void {
    this.indexBehind = true;
    if (this.indexWaking) return;
    this.indexWaking = true;
    const index = this.env.SERVICE_INDEX.get(this.env.SERVICE_INDEX.idFromName("services"));
    void (async () => {
      try {
        while (this.indexBehind) {
          this.indexBehind = false;
          await index.wake([resource]);
        }
      } catch (err) {
        console.error("waking the service index failed", err);
      } finally {
        this.indexWaking = false;
      }
    })();
  }

  override async fetch(request: Request): Promise<Response> {
    const spec = JSON.parse(request.headers.get("x-watch-spec") ?? "{}") as WatchSpec;
    this.resource = spec.resource;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const watcher: Watcher = { spec, view: watchView(spec), rv: 0, bookmarkedRv: 0, writer: writable.getWriter(), closed: false };
    this.serially(() => this.attach(watcher));
    return new Response(readable, {
      headers: {
        "content-type": "application/json",
        "cache-control": "no-cache, private",
        "x-content-type-options": "nosniff",
        // Compressing would hold events back until a gzip block fills; watches must flow.
        "content-encoding": "identity",
      },
    });
  }

  private serially(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task).catch((err: unknown) => {
      console.error("watch hub task failed", err);
    });
    this.queue = run;
    return run;
  }

  private async attach(w: Watcher): Promise<void> {
    const requested = w.spec.resourceVersion;
    if (this.head < 0) this.head = await this.store.revision();
    if (!requested || requested === "0" || w.spec.sendInitialEvents) {
      await this.sendInitialState(w);
    } else {
      const from = Number(requested);
      const compacted = await this.store.compacted();
      if (from < compacted) return this.expire(w, from, compacted);
      w.rv = from;
      await this.catchUp(w);
    }
    if (w.closed) return;
    this.watchers.add(w);
    if (w.spec.timeoutSeconds) w.timeout = setTimeout(() => this.close(w), w.spec.timeoutSeconds * 1000);
    this.ensureTicker();
  }

  /** The current state as ADDED events, then changes after the state's revision. */
  private async sendInitialState(w: Watcher): Promise<void> {
    let after: { namespace: string; name: string } | undefined;
    let first = true;
    do {
      const page = await this.store.list({ resource: w.spec.resource, namespace: w.spec.namespace, after, limit: PAGE });
      if (first) w.rv = page.rv;
      first = false;
      for (const object of page.items) {
        if (w.view.selects(w.view.project(object))) this.send(w, { type: "ADDED", object: w.view.render(object) });
      }
      after = page.next;
    } while (after);
    if (w.spec.sendInitialEvents && w.spec.bookmarks) {
      this.send(w, { type: "BOOKMARK", object: w.view.bookmark(w.rv, true) });
    }
    await this.catchUp(w);
  }

  /** Bring a newly attached watcher from its revision up to the hub's head, from the log. */
  private async catchUp(w: Watcher): Promise<void> {
    while (w.rv < this.head && !w.closed) {
      const { changes, compacted } = await this.store.changes(w.spec.resource, w.rv, PAGE);
      // Compacted since it was checked: the log no longer holds every change after w.rv.
      if (w.rv < compacted) return this.expire(w, w.rv, compacted);
      const relevant = changes.filter((c) => c.rv <= this.head);
      for (const change of relevant) this.deliver(w, delivery(change));
      if (relevant.length < PAGE) w.rv = Math.max(w.rv, this.head);
    }
  }

  private expire(w: Watcher, from: number, compacted: number): void {
    this.send(w, { type: "ERROR", object: toStatus(expired(from, compacted)) });
    this.close(w);
  }

  private schedulePoll(): void {
    if (this.pollScheduled) return;
    this.pollScheduled = true;
    void this.serially(async () => {
      this.pollScheduled = false;
      await this.poll();
    });
  }

  private async poll(): Promise<void> {
    if (this.watchers.size === 0) return;
    for (;;) {
      const { changes, rv, compacted } = await this.nextChanges();
      // Compaction overtook the hub (its notifications were lost for longer than the window): its
      // watchers' streams would have a gap, so they end with 410 and relist, as a too old watch does.
      if (this.head < compacted) {
        for (const w of [...this.watchers]) this.expire(w, w.rv, compacted);
        this.setHead(Math.max(rv, compacted));
        return;
      }
      for (const change of changes) {
        const d = delivery(change);
        for (const w of this.watchers) this.deliver(w, d);
      }
      this.setHead(Math.max(this.head, rv));
      for (const w of this.watchers) w.rv = Math.max(w.rv, this.head);
      if (changes.length < PAGE) return;
    }
  }

  /**
   * The next page of changes after the head. Where the log's revisions were handed over, they are
   * delivered without reading their data, up to the first that was not: its notification is
   * usually still on its way, and brings it. One that will not come (its writer sent none, or it
   * is overdue) is read from the log with the rest of its page.
   */
  private async nextChanges(): Promise<ChangePage> {
    // Even with nothing handed over yet, read only revisions: their notifications may be on their way.
    if (this.handed.size > 0 || this.unhandedUpTo <= this.head) {
      const { ids, rv, compacted } = await this.store.changeIds(this.resource, this.head, PAGE);
      const missing = ids.findIndex((id) => !this.handed.has(id));
      if (missing === -1) return this.fromHanded(ids, rv, compacted);
      const id = ids[missing];
      if (this.awaited?.id !== id) this.awaited = { id, since: Date.now() };
      if (id > this.unhandedUpTo && Date.now() - this.awaited.since < HANDOVER_WAIT_MS) {
        return this.fromHanded(ids.slice(0, missing), id - 1, compacted);
      }
    }
    this.awaited = undefined;
    const page = await this.store.changes(this.resource, this.head, PAGE);
    this.counts.read += page.changes.length;
    return page;
  }

  private fromHanded(ids: number[], rv: number, compacted: number): ChangePage {
    this.counts.handed += ids.length;
    return { changes: ids.map((id) => this.handed.get(id)!), rv, compacted };
  }

  async stats(): Promise<{ watchers: number; handed: number; read: number }> {
    return { watchers: this.watchers.size, ...this.counts };
  }

  private setHead(rv: number): void {
    this.head = rv;
    for (const handedRv of this.handed.keys()) if (handedRv <= rv) this.handed.delete(handedRv);
  }

  private deliver(w: Watcher, d: Delivery): void {
    const { change } = d;
    if (change.rv <= w.rv || w.closed) return;
    w.rv = change.rv;
    const viewKey = w.view.sharedKey ?? `${w.spec.group}/${w.spec.version}`;
    const project = (obj: KubeObject): SelectorProjection => {
      if (obj !== change.object) return w.view.project(obj);
      let p = d.projections.get(viewKey);
      if (!p) d.projections.set(viewKey, (p = w.view.project(obj)));
      return p;
    };
    const type = eventFor(change, w.spec.namespace, w.view.selects, project);
    if (!type) return;
    if (w.view.sharedKey === undefined) {
      this.send(w, { type, object: w.view.render(change.object) });
      return;
    }
    const key = `${type} ${w.view.sharedKey}`;
    let bytes = d.encoded.get(key);
    if (!bytes) d.encoded.set(key, (bytes = this.encoder.encode(encodeEvent({ type, object: w.view.render(change.object) }))));
    this.write(w, bytes);
  }

  private send(w: Watcher, event: WatchEvent): void {
    this.write(w, this.encoder.encode(encodeEvent(event)));
  }

  private write(w: Watcher, bytes: Uint8Array): void {
    if (w.closed) return;
    w.writer.write(bytes).catch(() => this.close(w));
  }

  private close(w: Watcher): void {
    if (w.closed) return;
    w.closed = true;
    if (w.timeout) clearTimeout(w.timeout);
    this.watchers.delete(w);
    w.writer.close().catch(() => {});
    if (this.watchers.size === 0) {
      this.handed.clear();
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private ensureTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      this.schedulePoll();
      const now = Date.now();
      if (now - this.lastBookmark >= BOOKMARK_EVERY_MS) {
        this.lastBookmark = now;
        void this.serially(async () => this.bookmarks());
      }
    }, SAFETY_POLL_MS);
  }

  private async bookmarks(): Promise<void> {
    for (const w of this.watchers) {
      if (!w.spec.bookmarks || w.rv <= w.bookmarkedRv) continue;
      w.bookmarkedRv = w.rv;
      this.send(w, { type: "BOOKMARK", object: w.view.bookmark(w.rv, false) });
    }
  }
}
