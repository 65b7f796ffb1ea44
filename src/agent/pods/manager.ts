// The pods of one node: a worker per pod uid, fed by the pod watch. At start it adopts what the
// runtime left running for pods still bound here, and once the first pod list is in, it stops
// and removes whatever belongs to pods that are gone (deleted while the agent was away).
import { readdir, rm } from "node:fs/promises";
import type { Pod } from "../../apis/core/v1/pod";
import { errorText } from "../log";
import type { ManagedContainer, ManagedLabels, Sandbox } from "../runtime/types";
import type { ContainerRun } from "./model";
import { podReferences, type ObjectKind } from "./objects";
import { PodWorker, type Adopted, type WorkerContext } from "./worker";

export type Leftovers = { sandboxes: (Sandbox & { labels: ManagedLabels })[]; containers: ManagedContainer[] };

/** A runtime container as a run of a pod's container (labels carry the name and attempt). */
export function toRun(c: ManagedContainer): ContainerRun | undefined {
  if (c.labels.containerName === undefined) return undefined;
  return { id: c.id, name: c.labels.containerName, attempt: c.labels.attempt ?? 0, state: c.state, ...(c.imageID ? { imageID: c.imageID } : {}) };
}

export class PodManager {
  private readonly workers = new Map<string, PodWorker>();
  /** What the runtime had at start, by pod uid, until a pod claims it or the cleanup removes it. */
  private leftovers = new Map<string, Adopted & { extraSandboxes: string[] }>();

  constructor(private readonly ctx: Omit<WorkerContext, "forget">) {}

  /** Sorts the runtime's leftovers by pod; call before the first pod arrives. */
  adopt(found: Leftovers): void {
    for (const sandbox of found.sandboxes) {
      const entry = this.leftoverOf(sandbox.labels.podUid);
      if (entry.sandbox) entry.extraSandboxes.push(entry.sandbox.id);
      entry.sandbox = { id: sandbox.id, ip: sandbox.ip };
    }
    for (const container of found.containers) {
      const run = toRun(container);
      if (run) this.leftoverOf(container.labels.podUid).runs.push(run);
    }
  }

  private leftoverOf(uid: string): Adopted & { extraSandboxes: string[] } {
    let entry = this.leftovers.get(uid);
    if (!entry) this.leftovers.set(uid, (entry = { runs: [], extraSandboxes: [] }));
    return entry;
  }

  get size(): number {
    return this.workers.size;
  }

  worker(uid: string): PodWorker | undefined {
    return this.workers.get(uid);
  }

  pods(): Pod[] {
    return [...this.workers.values()].map((w) => w.current);
  }

  /** A pod bound here was added or changed. */
  upsert(pod: Pod): void {
    const uid = pod.metadata.uid ?? "";
    let worker = this.workers.get(uid);
    if (!worker) {
      const adopted = this.leftovers.get(uid);
      this.leftovers.delete(uid);
      for (const id of adopted?.extraSandboxes ?? []) void this.ctx.runtime.removeSandbox(id).catch(() => undefined);
      worker = new PodWorker({ ...this.ctx, forget: (gone) => this.workers.delete(gone) }, pod, adopted);
      this.workers.set(uid, worker);
      worker.kick();
      return;
    }
    worker.update(pod);
  }

  /** A pod bound here left the API. */
  remove(pod: Pod): void {
    this.workers.get(pod.metadata.uid ?? "")?.remove();
  }

  /** A ConfigMap or Secret changed: re-sync the pods that use it. */
  objectChanged(kind: ObjectKind, namespace: string, name: string): void {
    for (const worker of this.workers.values()) {
      if (worker.current.metadata.namespace === namespace && podReferences(worker.current).has(`${kind}:${name}`)) worker.kick();
    }
  }

  /**
   * After the first pod list: everything left over belongs to pods that no longer exist here.
   * Their containers are stopped and removed, their sandboxes and volume directories too.
   */
  async cleanUpLeftovers(): Promise<void> {
    const { runtime, log } = this.ctx;
    for (const [uid, entry] of this.leftovers) {
      for (const run of entry.runs) {
        if (run.state.state === "running") await runtime.stopContainer(run.id, 2).catch((err: unknown) => log("warn", `stopping leftover container ${run.id}: ${errorText(err)}`));
        await runtime.removeContainer(run.id).catch(() => undefined);
      }
      for (const id of [...entry.extraSandboxes, ...(entry.sandbox ? [entry.sandbox.id] : [])]) await runtime.removeSandbox(id).catch(() => undefined);
      log("info", `removed the containers of pod ${uid}, which is no longer bound to this node`);
    }
    this.leftovers.clear();
    for (const uid of await readdir(this.ctx.podsDir).catch(() => [])) {
      if (!this.workers.has(uid)) await rm(`${this.ctx.podsDir}/${uid}`, { recursive: true, force: true });
    }
  }

  /** Stops probing and timers; containers keep running for the next agent to adopt. */
  stop(): void {
    for (const worker of this.workers.values()) worker.stop();
  }

  async idle(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.idle()));
  }
}
