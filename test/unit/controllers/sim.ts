// A fake cluster for controller tests: applies decisions to in-memory objects the way the store
// would (names from generateName, uids, generations, status subresource), runs the Deployment
// and ReplicaSet deciders to a fixed point, and plays the kubelet (pods become ready, terminating
// pods go away).
import { decideDeployment, type Deployment } from "../../../src/controllers/deployment";
import { decideReplicaSet, CREATED_NAME, type ReplicaSet } from "../../../src/controllers/replicaset";
import { isPodActive, isPodAvailable, type Pod } from "../../../src/controllers/podutil";
import { semanticEqual } from "../../../src/controllers/hash";
import type { Action } from "../../../src/controllers/types";
import type { KubeObject } from "../../../src/apis/types";
import { iso, T0 } from "./fixtures";

export class Cluster {
  now = T0;
  deployment: Deployment;
  replicaSets = new Map<string, ReplicaSet>();
  pods = new Map<string, Pod>();
  events: string[] = [];
  /** Called after every applied action, to check invariants at each intermediate state. */
  onChange: () => void = () => {};
  /** When true, deleted pods stay Terminating until the kubelet step. */
  gracefulDeletes = false;
  private seq = 0;

  constructor(d: Deployment) {
    this.deployment = structuredClone(d);
  }

  private stamp(obj: KubeObject): void {
    obj.metadata.uid = `uid-${obj.metadata.name}`;
    obj.metadata.creationTimestamp = iso(this.now);
    obj.metadata.generation = 1;
  }

  apply(actions: Action[]): void {
    let lastCreated = "";
    for (const a of actions) {
      if (a.type === "create" && a.resource === "pods") {
        const p = structuredClone(a.object) as Pod;
        p.metadata.name = `${p.metadata.generateName}${(this.seq++).toString(36).padStart(5, "0")}`;
        this.stamp(p);
        p.status = { phase: "Pending" };
        this.pods.set(p.metadata.name, p);
        lastCreated = p.metadata.name;
      } else if (a.type === "create") {
        const rs = structuredClone(a.object) as ReplicaSet;
        if (this.replicaSets.has(rs.metadata.name ?? "")) throw new Error(`AlreadyExists ${rs.metadata.name}`);
        this.stamp(rs);
        rs.status = {};
        this.replicaSets.set(rs.metadata.name ?? "", rs);
      } else if (a.type === "update" && a.resource === "pods") {
        this.pods.set(a.object.metadata.name ?? "", structuredClone(a.object) as Pod);
      } else if (a.type === "update" && a.resource === "apps/replicasets") {
        const old = this.replicaSets.get(a.object.metadata.name ?? "");
        const next = structuredClone(a.object) as ReplicaSet;
        next.status = old?.status;
        const specChanged = !semanticEqual(old?.spec, next.spec);
        next.metadata.generation = (old?.metadata.generation ?? 1) + (specChanged ? 1 : 0);
        this.replicaSets.set(next.metadata.name ?? "", next);
      } else if (a.type === "update") {
        this.deployment = { ...this.deployment, metadata: structuredClone(a.object.metadata) };
      } else if (a.type === "updateStatus" && a.resource === "apps/replicasets") {
        const rs = this.replicaSets.get(a.object.metadata.name ?? "");
        if (rs) rs.status = structuredClone((a.object as ReplicaSet).status);
      } else if (a.type === "updateStatus") {
        this.deployment = { ...this.deployment, status: structuredClone((a.object as Deployment).status) };
      } else if (a.type === "delete" && a.resource === "pods") {
        const p = this.pods.get(a.name);
        if (p && this.gracefulDeletes) p.metadata.deletionTimestamp = iso(this.now);
        else this.pods.delete(a.name);
      } else if (a.type === "delete") {
        this.replicaSets.delete(a.name);
      } else if (a.type === "event") {
        this.events.push(`${a.reason}: ${a.message.replace(CREATED_NAME, lastCreated)}`);
      }
      this.onChange();
    }
  }

  decideDeployment() {
    return decideDeployment({ deployment: this.deployment, replicaSets: [...this.replicaSets.values()], pods: [...this.pods.values()], now: this.now });
  }

  /** Run the ReplicaSet controllers until none has anything to do; returns whether any acted. */
  settleReplicaSets(): boolean {
    let acted = false;
    for (let round = 0; round < 100; round++) {
      let any = false;
      for (const rs of [...this.replicaSets.values()]) {
        const d = decideReplicaSet({ rs, pods: [...this.pods.values()], now: this.now });
        if (d.actions.length > 0) {
          this.apply(d.actions);
          any = true;
        }
      }
      if (!any) return acted;
      acted = true;
    }
    throw new Error("ReplicaSets do not settle");
  }

  /** Deployment and ReplicaSet passes until nothing changes (the pods stay as the kubelet left them). */
  settle(): void {
    for (let round = 0; round < 100; round++) {
      const rsActed = this.settleReplicaSets();
      const d = this.decideDeployment();
      this.apply(d.actions);
      if (d.actions.length === 0 && !rsActed) return;
    }
    throw new Error("controllers do not settle");
  }

  /** The kubelet: pending pods start and turn ready (at most `limit`), terminating pods go. */
  kubelet(limit = Infinity): number {
    let started = 0;
    for (const [name, p] of this.pods) {
      if (p.metadata.deletionTimestamp) {
        this.pods.delete(name);
        continue;
      }
      if (p.status?.phase !== "Pending" || started >= limit) continue;
      p.spec = { ...p.spec, nodeName: "node-1" };
      p.status = { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: iso(this.now) }] };
      started++;
    }
    this.onChange();
    return started;
  }

  activePods(): Pod[] {
    return [...this.pods.values()].filter(isPodActive);
  }

  availablePods(): Pod[] {
    const minReady = this.deployment.spec?.minReadySeconds ?? 0;
    return this.activePods().filter((p) => isPodAvailable(p, minReady, this.now));
  }

  imagesOfAvailable(): string[] {
    return this.availablePods().map((p) => String((p.spec?.containers as { image: string }[] | undefined)?.[0]?.image));
  }

  setImage(image: string): void {
    const d = structuredClone(this.deployment);
    d.spec = { ...d.spec, template: { ...d.spec?.template, spec: { containers: [{ name: "c", image }] } } };
    d.metadata.generation = (d.metadata.generation ?? 1) + 1;
    this.deployment = d;
  }

  setReplicas(replicas: number): void {
    const d = structuredClone(this.deployment);
    d.spec = { ...d.spec, replicas };
    d.metadata.generation = (d.metadata.generation ?? 1) + 1;
    this.deployment = d;
  }
}
