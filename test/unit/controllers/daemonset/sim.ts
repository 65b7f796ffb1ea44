// A fake cluster for DaemonSet tests: nodes, pods and ControllerRevisions in memory; decisions are
// applied as the store would apply them (generateName, uids, the status subresource, graceful
// deletion of bound pods), the scheduler binds pods to the node their affinity names, and the
// test plays the kubelet step by step.
import { decideDaemonSet, targetNodeName, type BackoffEntry, type ControllerRevision, type DaemonSet } from "../../../../src/controllers/daemonset";
import type { Pod } from "../../../../src/controllers/podutil";
import type { NodeLike, Taint } from "../../../../src/scheduler/types";
import { CREATED_NAME, type Action } from "../../../../src/controllers/types";
import { iso, T0 } from "../fixtures";

export function node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): NodeLike {
  return { apiVersion: "v1", kind: "Node", metadata: { name, uid: `uid-${name}`, labels: { "kubernetes.io/hostname": name, ...labels } }, spec: { taints } };
}

export interface DaemonSetOptions {
  image?: string;
  strategy?: NonNullable<DaemonSet["spec"]>["updateStrategy"];
  podSpec?: Record<string, unknown>;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export function daemonSet(o: DaemonSetOptions = {}): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace: "default", uid: "uid-agent", generation: 1, creationTimestamp: iso(T0) },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "c", image: o.image ?? "agent:1" }], ...o.podSpec } },
      updateStrategy: o.strategy ?? { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      minReadySeconds: o.minReadySeconds ?? 0,
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
    },
    status: {},
  };
}

export const imageOf = (p: Pod) => (p.spec?.containers as { image: string }[])[0].image;

export class Cluster {
  now = T0;
  ds: DaemonSet;
  nodes = new Map<string, NodeLike>();
  pods = new Map<string, Pod>();
  revisions = new Map<string, ControllerRevision>();
  events: string[] = [];
  backoff = new Map<string, BackoffEntry>();
  /** Called after every applied action, to check invariants at each intermediate state. */
  onChange: () => void = () => {};
  private seq = 0;

  constructor(ds: DaemonSet, nodes: NodeLike[]) {
    this.ds = structuredClone(ds);
    for (const n of nodes) this.nodes.set(n.metadata.name ?? "", n);
  }

  decide() {
    return decideDaemonSet({
      ds: this.ds,
      nodes: [...this.nodes.values()],
      pods: [...this.pods.values()],
      revisions: [...this.revisions.values()],
      now: this.now,
      backoff: this.backoff,
    });
  }

  private createPod(object: Pod): string {
    const p = structuredClone(object);
    p.metadata.name = `${p.metadata.generateName}${(this.seq++).toString(36).padStart(5, "0")}`;
    p.metadata.uid = `uid-${p.metadata.name}`;
    p.metadata.creationTimestamp = iso(this.now);
    p.status = { phase: "Pending" };
    this.pods.set(p.metadata.name, p);
    return p.metadata.name;
  }

  private applyOne(a: Action, lastCreated: string): string {
    if (a.type === "create" && a.resource === "pods") return this.createPod(a.object as Pod);
    if (a.type === "create" || (a.type === "update" && a.resource === "apps/controllerrevisions")) {
      const r = structuredClone(a.object) as ControllerRevision;
      r.metadata.uid ??= `uid-${r.metadata.name}`;
      this.revisions.set(r.metadata.name ?? "", r);
    } else if (a.type === "update" && a.resource === "pods") {
      this.pods.set(a.object.metadata.name ?? "", structuredClone(a.object) as Pod);
    } else if (a.type === "updateStatus") {
      this.ds = { ...this.ds, status: structuredClone((a.object as DaemonSet).status) };
    } else if (a.type === "delete" && a.resource === "pods") {
      const p = this.pods.get(a.name);
      if (p?.spec?.nodeName && a.gracePeriodSeconds !== 0) p.metadata.deletionTimestamp = iso(this.now);
      else this.pods.delete(a.name);
    } else if (a.type === "delete") {
      this.revisions.delete(a.name);
    } else if (a.type === "event") {
      this.events.push(`${a.reason}: ${a.message.replace(CREATED_NAME, lastCreated)}`);
    }
    return lastCreated;
  }

  apply(actions: Action[]): void {
    let lastCreated = "";
    for (const a of actions) {
      lastCreated = this.applyOne(a, lastCreated);
      this.onChange();
    }
  }

  /** The scheduler: pending pods are bound to the node their affinity names, if it exists. */
  schedule(): void {
    for (const p of this.pods.values()) {
      const target = targetNodeName(p);
      if (!p.spec?.nodeName && target && this.nodes.has(target)) p.spec = { ...p.spec, nodeName: target };
    }
  }

  /** One DaemonSet pass and the scheduler after it; returns the decision. */
  step(): ReturnType<Cluster["decide"]> {
    const d = this.decide();
    this.backoff = d.backoff;
    this.apply(d.actions);
    this.schedule();
    return d;
  }

  /** DaemonSet passes (with the scheduler) until one does nothing; returns the passes run. */
  settle(): number {
    for (let round = 1; round <= 100; round++) {
      if (this.step().actions.length === 0) return round;
    }
    throw new Error("the DaemonSet does not settle");
  }

  /** The kubelet: bound pending pods start and turn ready, terminating pods go. */
  kubelet(): void {
    for (const [name, p] of this.pods) {
      if (p.metadata.deletionTimestamp) this.pods.delete(name);
      else if (p.spec?.nodeName && p.status?.phase === "Pending") {
        p.status = { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: iso(this.now) }] };
      }
    }
    this.onChange();
  }

  /** Pods not being deleted, by node. */
  podsOn(nodeName: string): Pod[] {
    return [...this.pods.values()].filter((p) => p.spec?.nodeName === nodeName && !p.metadata.deletionTimestamp);
  }

  setTemplate(change: (spec: Record<string, unknown>) => Record<string, unknown>): void {
    const ds = structuredClone(this.ds);
    const template = ds.spec?.template ?? {};
    ds.spec = { ...ds.spec, template: { ...template, spec: change(template.spec ?? {}) } };
    ds.metadata.generation = (ds.metadata.generation ?? 1) + 1;
    this.ds = ds;
  }

  setImage(image: string): void {
    this.setTemplate((spec) => ({ ...spec, containers: [{ name: "c", image }] }));
  }
}
