// The scheduler Durable Object: one for the cluster. It keeps kube-scheduler's cache of nodes and
// assigned pods in memory, follows the changelog of pods and nodes to keep it current (like the
// watch hub, one read for all changes), places pending pods in batches and binds many pods per
// D1 batch with conditional writes. A pod that fits nowhere gets PodScheduled=False and a
// FailedScheduling Event, and waits until a node or a pod changes: never a busy loop.
import { DurableObject } from "cloudflare:workers";
import type { KubeObject } from "../apis/types";
import { kindByResource } from "../apis/registry";
import { projection } from "../api/selection";
import { timestamp } from "../api/objectmeta";
import type { Env } from "../env";
import { makeStore } from "../wiring";
import { Client } from "../controllers/client";
import { authorizeController } from "../auth/controllers";
import { setCondition, type StatusCondition } from "../controllers/podutil";
import type { Store } from "../store/store";
import { SchedulerCache } from "./cache";
import { podKey } from "./podinfo";
import { scheduleBatch } from "./schedule";
import { DEFAULT_SCHEDULER, forDefaultScheduler, type NodeLike, type PodLike } from "./types";
import { bound } from "./binding";

const PAGE = 1000;

type Pod = KubeObject & PodLike;

function pending(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed" && forDefaultScheduler(pod);
}

/** A pod that no longer holds its node's resources. */
function finished(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

export class Scheduler extends DurableObject<Env> {
  private cache?: SchedulerCache;
  /** Changelog positions the cache reflects, per resource. */
  private readonly cursors = { pods: 0, nodes: 0 };
  /**
   * Revisions of pods this scheduler wrote (bindings, unschedulable statuses) past its cursor: it
   * applied them when it wrote them, so its log reads leave them out.
   */
  private readonly ownWrites = new Set<number>();
  /** Pods to place on the next pass. */
  private readonly queue = new Map<string, Pod>();
  /** Pods that fit nowhere, with the message they were given; retried when the cluster changes. */
  private readonly unschedulable = new Map<string, { pod: Pod; message: string }>();
  private dirty = false;
  private running?: Promise<void>;
  private bindings = 0;

  /** A pod or node changed. Resolves when the pass it caused has run. */
  async wake(): Promise<void> {
    this.dirty = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  async stats(): Promise<{ bound: number; pending: number; unschedulable: number }> {
    return { bound: this.bindings, pending: this.queue.size, unschedulable: this.unschedulable.size };
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const store = makeStore(this.env, (p) => this.ctx.waitUntil(p), { scheduler: true });
      try {
        await this.pass(store);
      } catch (err) {
        console.error("scheduling pass failed", err);
        // Start over from the store on the next wake: the cache may have missed a change.
        this.cache = undefined;
      }
    }
  }

  private async pass(store: Store): Promise<void> {
    if (!this.cache) await this.load(store);
    else await this.follow(store);
    if (this.queue.size === 0) return;
    const pods = [...this.queue.values()];
    this.queue.clear();
    const results = scheduleBatch(pods, this.cache!);
    const now = Date.now();
    const binds: { pod: Pod; node: string }[] = [];
    const failed: { pod: Pod; message: string }[] = [];
    results.forEach((r, i) => ("node" in r ? binds.push({ pod: pods[i], node: r.node }) : failed.push({ pod: pods[i], message: r.unschedulable })));
    await this.bind(store, binds, now);
    await this.report(store, failed, now);
  }

  /** The first pass: every node, every pod. */
  private async load(store: Store): Promise<void> {
    this.cache = new SchedulerCache();
    this.ownWrites.clear();
    this.queue.clear();
    this.unschedulable.clear();
    this.cursors.nodes = await store.revision();
    this.cursors.pods = this.cursors.nodes;
    for (const node of await store.listAll({ resource: "nodes", limit: PAGE })) this.cache.upsertNode(node as NodeLike);
    for (const pod of (await store.listAll({ resource: "pods", limit: PAGE })) as Pod[]) this.observePod(pod);
  }

  /** Later passes: only what changed since, both logs read in one batch. */
  private async follow(store: Store): Promise<void> {
    let clusterChanged = false;
    for (let more = true; more; ) {
      const [nodes, pods] = await store.changesOf(
        [
          { resource: "nodes", afterRv: this.cursors.nodes },
          // Agents' status reports of bound pods (most of the log in a busy cluster) change no placement.
          { resource: "pods", afterRv: this.cursors.pods, omit: "podStatusReports", known: [...this.ownWrites] },
        ],
        PAGE,
      );
      // Compaction forgot changes the cache never saw: start again from the store.
      if (this.cursors.nodes < nodes.compacted || this.cursors.pods < pods.compacted) return this.load(store);
      for (const change of nodes.changes) {
        clusterChanged = true;
        if (change.type === "DELETED") this.cache!.removeNode(change.object.metadata.name ?? "");
        else this.cache!.upsertNode(change.object as NodeLike);
      }
      for (const change of pods.changes) {
        if (change.type === "DELETED") {
          clusterChanged ||= Boolean((change.object as Pod).spec?.nodeName);
          this.forget(change.object as Pod);
        } else {
          clusterChanged ||= finished(change.object as Pod);
          this.observePod(change.object as Pod);
        }
      }
      this.cursors.nodes = Math.max(this.cursors.nodes, nodes.rv);
      this.cursors.pods = Math.max(this.cursors.pods, pods.rv);
      more = nodes.changes.length === PAGE || pods.changes.length === PAGE;
    }
    for (const rv of this.ownWrites) if (rv <= this.cursors.pods) this.ownWrites.delete(rv);
    // A node changed or room was made: give the waiting pods another try.
    if (clusterChanged) {
      for (const [key, { pod }] of this.unschedulable) this.queue.set(key, pod);
      this.unschedulable.clear();
    }
  }

  private observePod(pod: Pod): void {
    const key = podKey(pod);
    if (pending(pod)) {
      if (!this.unschedulable.has(key)) this.queue.set(key, pod);
      else this.unschedulable.set(key, { ...this.unschedulable.get(key)!, pod });
      return;
    }
    this.queue.delete(key);
    this.unschedulable.delete(key);
    this.cache!.upsertPod(pod);
  }

  private forget(pod: Pod): void {
    const key = podKey(pod);
    this.queue.delete(key);
    this.unschedulable.delete(key);
    this.cache!.removePod(key);
  }

  /** Bind in bulk: each binding is conditional on the pod not having changed since it was read. */
  private async bind(store: Store, binds: { pod: Pod; node: string }[], now: number): Promise<void> {
    if (binds.length === 0) return;
    // The bulk path writes bindings itself: the scheduler's role must allow them (system:kube-scheduler).
    const denied = authorizeController(DEFAULT_SCHEDULER, { verb: "create", resource: "pods", subresource: "binding", namespace: "", name: "" });
    if (denied) throw new Error(denied.message);
    const kind = kindByResource("", "v1", "pods")!;
    const applied = await store.updateMany(
      binds.map(({ pod, node }) => ({ resource: "pods", obj: bound(pod, node, now), expectedRv: Number(pod.metadata.resourceVersion), prev: projection(kind, pod) })),
    );
    const client = new Client(store, () => now, DEFAULT_SCHEDULER);
    // The Events are written together (the store coalesces them into one batch).
    const events = binds.map(({ pod, node }, i) => {
      const rv = applied[i];
      if (rv === undefined) {
        // The pod changed under us (or went): forget the assumption; the changelog brings it back if still pending.
        this.cache!.removePod(podKey(pod));
        return undefined;
      }
      // The assumed placement stands for the binding: no need to read it back.
      this.ownWrites.add(rv);
      this.bindings++;
      const m = pod.metadata;
      return client.apply({ type: "event", about: pod, eventType: "Normal", reason: "Scheduled", message: `Successfully assigned ${m.namespace}/${m.name} to ${node}` });
    });
    await Promise.all(events);
  }

  /** PodScheduled=False with the reason, once per distinct message, and a FailedScheduling Event. */
  private async report(store: Store, failed: { pod: Pod; message: string }[], now: number): Promise<void> {
    const client = new Client(store, () => now, DEFAULT_SCHEDULER);
    await Promise.all(failed.map((f) => this.reportOne(client, f.pod, f.message, now)));
  }

  private async reportOne(client: Client, pod: Pod, message: string, now: number): Promise<void> {
    const key = podKey(pod);
    this.unschedulable.set(key, { pod, message });
    const current = (pod.status ?? {}) as { conditions?: StatusCondition[] };
    // The pod itself remembers what it was told, so a scheduler that restarted (or was evicted)
    // does not write every pending pod's status and Event again.
    const told = current.conditions?.find((c) => c.type === "PodScheduled");
    if (told?.status === "False" && told.reason === "Unschedulable" && told.message === message) return;
    const condition = { type: "PodScheduled", status: "False", reason: "Unschedulable", message, lastProbeTime: null, lastTransitionTime: timestamp(now) } as StatusCondition;
    const status = { ...current, conditions: setCondition(current.conditions, condition) };
    const [written] = await Promise.all([
      client.apply({ type: "updateStatus", resource: "pods", object: { ...pod, status }, current: pod }),
      client.apply({ type: "event", about: pod, eventType: "Warning", reason: "FailedScheduling", message }),
    ]);
    if (written.ok && written.value) {
      this.unschedulable.set(key, { pod: written.value as Pod, message });
      this.ownWrites.add(Number(written.value.metadata.resourceVersion));
    }
  }
}
