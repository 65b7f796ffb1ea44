// Small builders for controller tests: pods, ReplicaSets and Deployments as the store holds them.
import type { Pod } from "../../../src/controllers/podutil";
import type { ReplicaSet } from "../../../src/controllers/replicaset";
import type { Deployment, DeploymentStrategy } from "../../../src/controllers/deployment";
import type { Action } from "../../../src/controllers/types";

export const T0 = Date.parse("2025-01-01T00:00:00Z");
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface PodOptions {
  name: string;
  labels?: Record<string, string>;
  owner?: { name: string; uid: string; kind?: string };
  node?: string;
  phase?: string;
  /** When the pod became ready (ms); undefined: not ready. */
  readyAt?: number;
  createdAt?: number;
  restarts?: number;
  deleting?: boolean;
  annotations?: Record<string, string>;
  namespace?: string;
}

export function pod(o: PodOptions): Pod {
  const p: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: o.name,
      namespace: o.namespace ?? "default",
      uid: `uid-${o.name}`,
      creationTimestamp: iso(o.createdAt ?? T0),
      labels: o.labels ?? { app: "web" },
    },
    spec: { containers: [{ name: "c", image: "nginx" }] },
    status: {
      phase: o.phase ?? "Running",
      conditions: [{ type: "Ready", status: o.readyAt === undefined ? "False" : "True", lastTransitionTime: iso(o.readyAt ?? o.createdAt ?? T0) }],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
  if (o.node) p.spec = { ...p.spec, nodeName: o.node };
  if (o.owner) p.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: o.owner.kind ?? "ReplicaSet", name: o.owner.name, uid: o.owner.uid, controller: true, blockOwnerDeletion: true }];
  if (o.deleting) p.metadata.deletionTimestamp = iso(T0);
  if (o.annotations) p.metadata.annotations = o.annotations;
  return p;
}

export function replicaSet(o: { name?: string; replicas?: number; minReadySeconds?: number; labels?: Record<string, string>; generation?: number }): ReplicaSet {
  const name = o.name ?? "web-rs";
  const labels = o.labels ?? { app: "web" };
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: "default", uid: `uid-${name}`, generation: o.generation ?? 1, creationTimestamp: iso(T0), labels },
    spec: {
      replicas: o.replicas ?? 3,
      minReadySeconds: o.minReadySeconds ?? 0,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "nginx" }] } },
    },
    status: { replicas: 0 },
  };
}

export function deployment(o: { name?: string; replicas?: number; image?: string; strategy?: DeploymentStrategy; minReadySeconds?: number; revisionHistoryLimit?: number; progressDeadlineSeconds?: number; paused?: boolean; generation?: number; annotations?: Record<string, string> }): Deployment {
  const name = o.name ?? "web";
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default", uid: `uid-${name}`, generation: o.generation ?? 1, creationTimestamp: iso(T0), ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: o.image ?? "nginx:1" }] } },
      strategy: o.strategy ?? { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      minReadySeconds: o.minReadySeconds ?? 0,
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      paused: o.paused,
    },
    status: {},
  };
}

/** Action kinds in order, short: "create pods", "event SuccessfulCreate", ... */
export function summary(actions: Action[]): string[] {
  return actions.map((a) => {
    switch (a.type) {
      case "event":
        return `event ${a.reason}: ${a.message}`;
      case "delete":
        return `delete ${a.resource} ${a.name}`;
      default:
        return `${a.type} ${a.resource} ${a.object.metadata.name ?? a.object.metadata.generateName}`;
    }
  });
}
