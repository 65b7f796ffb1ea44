// The ServiceIndex Durable Object: one for the cluster. It follows the changelog of Services and
// pods (like the scheduler, one read for all changes since its cursor), keeps the Services'
// selectors indexed by namespace, and wakes the reconciler of every Service a pod change
// concerns, so a pod's readiness reaches its Services' slices in one hop. Reading the log in
// commit order means a pod change is never routed with an index older than the change; the
// cursor is kept in the object's storage, so an evicted index picks up where it stopped.
// A deleted Service's Endpoints go with it (they name the Service, they are not owned by it).
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { makeStore } from "../../wiring";
import { Client } from "../client";
import { targetName, type ReconcileTarget } from "../targets";
import type { Store } from "../../store/store";
import { SelectorIndex } from "./selectorindex";
import type { Service } from "./types";

const PAGE = 1000;
const CURSOR_KEY = "cursor";
/** The cursor is stored at most this often: after an eviction, a second of changes is routed again, harmlessly. */
const CURSOR_SAVE_MS = 1000;

type Resource = "services" | "pods";

export class ServiceIndex extends DurableObject<Env> {
  private index?: SelectorIndex;
  private cursor = 0;
  private savedAt = 0;
  private dirty = false;
  private running?: Promise<void>;
  /** Services woken, for tests and benchmarks. */
  private woken = 0;

  /** A Service or pod changed. Resolves when the pass it caused has run (not the passes it woke). */
  async wake(): Promise<void> {
    this.dirty = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  async stats(): Promise<{ services: number; woken: number; cursor: number }> {
    return { services: this.index?.size ?? 0, woken: this.woken, cursor: this.cursor };
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const store = makeStore(this.env, (p) => this.ctx.waitUntil(p));
      try {
        if (!this.index) await this.load(store);
        await this.follow(store);
      } catch (err) {
        console.error("service index pass failed", err);
        // Start over from the stored cursor on the next wake.
        this.index = undefined;
      }
    }
  }

  /** Every Service's selector; changes from the stored cursor on are replayed by follow(). */
  private async load(store: Store): Promise<void> {
    const index = new SelectorIndex();
    const stored = await this.ctx.storage.get<number>(CURSOR_KEY);
    const head = await store.revision();
    let after: { namespace: string; name: string } | undefined;
    do {
      const page = await store.list({ resource: "services", after, limit: PAGE });
      for (const svc of page.items) index.upsert(svc as Service);
      after = page.next;
    } while (after);
    this.index = index;
    // Never started: every Service's own creation woke its reconciler, nothing to replay.
    this.cursor = stored ?? head;
  }

  private async follow(store: Store): Promise<void> {
    const index = this.index!;
    const reached: number[] = [];
    for (const resource of ["services", "pods"] as Resource[]) {
      let cursor = this.cursor;
      for (;;) {
        const { changes, rv, compacted } = await store.changes(resource, cursor, PAGE);
        if (cursor < compacted) {
          // Changes were forgotten before they were routed: every Service takes another look.
          await this.wakeAll(store);
          cursor = Math.max(rv, compacted);
          break;
        }
        for (const change of changes) {
          if (resource === "services") await this.serviceChanged(store, index, change.type, change.object as Service);
          else for (const name of index.servicesFor({ type: change.type, object: change.object, prevLabels: change.prev?.labels })) this.trigger(change.object.metadata.namespace ?? "", name);
        }
        cursor = Math.max(cursor, rv);
        if (changes.length < PAGE) break;
      }
      reached.push(cursor);
    }
    // Resume from the log that was read less far; what the other replays is routed idempotently.
    this.cursor = Math.min(...reached);
    if (Date.now() - this.savedAt >= CURSOR_SAVE_MS) {
      this.savedAt = Date.now();
      await this.ctx.storage.put(CURSOR_KEY, this.cursor);
    }
  }

  private async serviceChanged(store: Store, index: SelectorIndex, type: string, svc: Service): Promise<void> {
    const namespace = svc.metadata.namespace ?? "";
    const name = svc.metadata.name ?? "";
    if (type !== "DELETED") {
      index.upsert(svc);
      return;
    }
    index.remove(namespace, name);
    // Unless a Service of the same name was made meanwhile, its Endpoints go.
    if (await store.get({ resource: "services", namespace, name })) return;
    const endpoints = await store.get({ resource: "endpoints", namespace, name });
    if (!endpoints) return;
    const client = new Client(store, Date.now, "endpoint-controller");
    await client.apply({ type: "delete", resource: "endpoints", namespace, name, uid: endpoints.metadata.uid });
  }

  private async wakeAll(store: Store): Promise<void> {
    let after: { namespace: string; name: string } | undefined;
    do {
      const page = await store.list({ resource: "services", after, limit: PAGE });
      for (const svc of page.items) this.trigger(svc.metadata.namespace ?? "", svc.metadata.name ?? "");
      after = page.next;
    } while (after);
  }

  private trigger(namespace: string, name: string): void {
    const target: ReconcileTarget = { type: "object", resource: "services", namespace, name };
    this.woken++;
    this.ctx.waitUntil(this.env.RECONCILER.get(this.env.RECONCILER.idFromName(targetName(target))).trigger(target));
  }
}
