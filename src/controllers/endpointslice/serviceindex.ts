// The ServiceIndex Durable Object: one for the cluster. It follows the changelog of Services and
// pods (like the scheduler, one read for all changes since its cursor), keeps the Services'
// selectors indexed by namespace, and wakes the reconciler of every Service a pod change
// concerns, so a pod's readiness reaches its Services' slices in one hop. Reading the log in
// commit order means a pod change is never routed with an index older than the change; the
// cursors are kept in the object's storage, so an evicted index picks up where it stopped.
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
/** The cursors are stored at most this often: after an eviction, a second of changes is routed again, harmlessly. */
const CURSOR_SAVE_MS = 1000;

type Resource = "services" | "pods";

/** Where the index has read each log to. */
type Cursors = Record<Resource, number>;

export class ServiceIndex extends DurableObject<Env> {
  private index?: SelectorIndex;
  private cursors: Cursors = { services: 0, pods: 0 };
  private savedAt = 0;
  /** The logs commits were reported in since the last pass. */
  private woken = new Set<Resource>();
  private dirty = false;
  private running?: Promise<void>;
  /** Services triggered, for tests and benchmarks. */
  private triggered = 0;

  /** Services or pods (as `resources` says) changed. Resolves when the pass it caused has run (not the passes it woke). */
  async wake(resources: readonly string[] = ["services", "pods"]): Promise<void> {
    for (const r of resources) if (r === "services" || r === "pods") this.woken.add(r);
    this.dirty = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  async stats(): Promise<{ services: number; woken: number; cursor: number }> {
    return { services: this.index?.size ?? 0, woken: this.triggered, cursor: Math.min(this.cursors.services, this.cursors.pods) };
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const woken = this.woken;
      this.woken = new Set();
      const store = makeStore(this.env, (p) => this.ctx.waitUntil(p));
      try {
        if (!this.index) await this.load(store);
        await this.follow(store, woken);
      } catch (err) {
        console.error("service index pass failed", err);
        // Start over from the stored cursors on the next wake.
        this.index = undefined;
      }
    }
  }

  /** Every Service's selector; changes from the stored cursors on are replayed by follow(). */
  private async load(store: Store): Promise<void> {
    const index = new SelectorIndex();
    const stored = await this.ctx.storage.get<Cursors | number>(CURSOR_KEY);
    const head = await store.revision();
    let after: { namespace: string; name: string } | undefined;
    do {
      const page = await store.list({ resource: "services", after, limit: PAGE });
      for (const svc of page.items) index.upsert(svc as Service);
      after = page.next;
    } while (after);
    this.index = index;
    // Never started: every Service's own creation woke its reconciler, nothing to replay.
    const at = stored ?? head;
    this.cursors = typeof at === "number" ? { services: at, pods: at } : at;
  }

  /**
   * Reads the logs that woke it, in one batch per page. Pod changes matter only while some
   * Service selects pods: with none, the pod log is skipped, not read, and a Service that then
   * appears is triggered by the index itself, so a pod change skipped just before it was indexed
   * is seen by that Service's next pass.
   */
  private async follow(store: Store, woken: Set<Resource>): Promise<void> {
    const index = this.index!;
    const podsMatter = index.size > 0;
    for (;;) {
      const reading = (["services", "pods"] as Resource[]).filter((r) => woken.has(r) && (r === "services" || podsMatter));
      if (reading.length === 0) break;
      const pages = await store.changesOf(
        reading.map((resource) => ({ resource, afterRv: this.cursors[resource] })),
        PAGE,
      );
      let more = false;
      for (const [i, resource] of reading.entries()) {
        const { changes, rv, compacted } = pages[i];
        if (this.cursors[resource] < compacted) {
          // Changes were forgotten before they were routed: every Service takes another look.
          await this.wakeAll(store);
          this.cursors[resource] = Math.max(rv, compacted);
          continue;
        }
        for (const change of changes) {
          if (resource === "services") await this.serviceChanged(store, index, change.type, change.object as Service);
          else for (const name of index.servicesFor({ type: change.type, object: change.object, prevLabels: change.prev?.labels })) this.trigger(change.object.metadata.namespace ?? "", name);
        }
        this.cursors[resource] = Math.max(this.cursors[resource], rv);
        more ||= changes.length === PAGE;
        // Nothing selects pods yet: the pod log up to here concerns no Service.
        if (!podsMatter) this.cursors.pods = Math.max(this.cursors.pods, rv);
      }
      if (!more) break;
    }
    if (Date.now() - this.savedAt >= CURSOR_SAVE_MS) {
      this.savedAt = Date.now();
      await this.ctx.storage.put(CURSOR_KEY, this.cursors);
    }
  }

  private async serviceChanged(store: Store, index: SelectorIndex, type: string, svc: Service): Promise<void> {
    const namespace = svc.metadata.namespace ?? "";
    const name = svc.metadata.name ?? "";
    if (type !== "DELETED") {
      const known = index.has(namespace, name);
      index.upsert(svc);
      // Newly selecting: pod changes skipped while nothing selected pods may concern it.
      if (!known && index.has(namespace, name)) this.trigger(namespace, name);
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
    this.triggered++;
    this.ctx.waitUntil(this.env.RECONCILER.get(this.env.RECONCILER.idFromName(targetName(target))).trigger(target));
  }
}
