// A fake cluster for Job controller tests: applies decideJob's actions to in-memory objects the
// way the API would (generated names, uids, finalizers holding deleted pods, status written only
// through the status subresource), and plays the kubelet (pods run, succeed or fail).
import { decideJob } from "../../../../src/controllers/job/decide";
import type { Job } from "../../../../src/controllers/job/types";
import { isPodActive, type Pod } from "../../../../src/controllers/podutil";
import { CREATED_NAME, type Action, type Decision } from "../../../../src/controllers/types";
import { iso, T0 } from "../fixtures";

/** A Job as the API stores it (defaults and the generated selector); a given template gets the selector's labels. */
export function job(spec: Record<string, unknown> = {}, name = "work"): Job {
  const labels = { "batch.kubernetes.io/controller-uid": `uid-${name}`, "batch.kubernetes.io/job-name": name };
  const template = spec.template as { spec?: Record<string, unknown> } | undefined;
  if (template) spec = { ...spec, template: { ...template, metadata: { labels } } };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: "default", uid: `uid-${name}`, creationTimestamp: iso(T0) },
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: "NonIndexed",
      suspend: false,
      podReplacementPolicy: "TerminatingOrFailed",
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": `uid-${name}` } },
      template: { metadata: { labels }, spec: { containers: [{ name: "main", image: "busybox" }], restartPolicy: "Never" } },
      ...spec,
    },
  } as Job;
}

export class JobCluster {
  now = T0;
  job: Job;
  deleted?: Action;
  pods = new Map<string, Pod>();
  events: string[] = [];
  /** Called after every applied action, to check invariants at each intermediate state. */
  onChange: () => void = () => {};
  private seq = 0;

  constructor(j: Job) {
    this.job = structuredClone(j);
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

  /** A pod being deleted goes once its last finalizer does; a main-resource update keeps the status. */
  private updatePod(object: Pod): void {
    const current = this.pods.get(object.metadata.name ?? "");
    if (!current) return;
    const next: Pod = { ...structuredClone(object), status: current.status, metadata: { ...structuredClone(object.metadata), deletionTimestamp: current.metadata.deletionTimestamp } };
    if (!next.metadata.deletionTimestamp) delete next.metadata.deletionTimestamp;
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length) this.pods.delete(object.metadata.name ?? "");
    else this.pods.set(object.metadata.name ?? "", next);
  }

  private deletePod(name: string): void {
    const current = this.pods.get(name);
    if (!current) return;
    if ((current.metadata.finalizers ?? []).length) current.metadata.deletionTimestamp ??= iso(this.now);
    else this.pods.delete(name);
  }

  apply(actions: Action[]): void {
    let created = "";
    for (const a of actions) {
      if (a.type === "create") created = this.createPod(a.object as Pod);
      else if (a.type === "update") this.updatePod(a.object as Pod);
      else if (a.type === "updateStatus") this.job = { ...this.job, status: structuredClone(a.object.status) as Job["status"] };
      else if (a.type === "delete" && a.resource === "pods") this.deletePod(a.name);
      else if (a.type === "delete") this.deleted = a;
      else if (a.type === "event") this.events.push(`${a.reason}: ${a.message.replace(CREATED_NAME, created)}`);
      this.onChange();
    }
  }

  step(): Decision {
    const decision = decideJob({ job: this.job, pods: [...this.pods.values()], now: this.now });
    this.apply(decision.actions);
    return decision;
  }

  /** Passes until one changes nothing; the last decision (with its requeue). */
  settle(limit = 50): Decision {
    for (let i = 0; i < limit; i++) {
      const d = this.step();
      if (d.actions.length === 0) return d;
    }
    throw new Error("the Job controller did not settle");
  }

  active(): Pod[] {
    return [...this.pods.values()].filter(isPodActive);
  }

  /** The kubelet: a pod starts running and is ready. */
  run(pod: Pod): void {
    pod.spec = { ...pod.spec, nodeName: "node-a" };
    pod.status = { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: iso(this.now) }] };
  }

  /** The kubelet: the pod's container exits with `code` (0: Succeeded, else Failed). */
  exit(pod: Pod, code: number, conditions: { type: string; status: string }[] = []): void {
    const terminated = { exitCode: code, finishedAt: iso(this.now) };
    pod.status = {
      phase: code === 0 ? "Succeeded" : "Failed",
      conditions: [{ type: "Ready", status: "False", lastTransitionTime: iso(this.now) }, ...conditions],
      containerStatuses: [{ name: "main", restartCount: 0, state: { terminated } }],
    };
  }

  conditionTypes(): string[] {
    return (this.job.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ""}`);
  }
}
