import { describe, expect, it } from "vitest";
import { decideJob } from "../../../../src/controllers/job/decide";
import { JOB_TRACKING_FINALIZER } from "../../../../src/controllers/job/types";
import { iso, T0 } from "../fixtures";
import { job, JobCluster } from "./jobsim";

describe("a Job with completions and parallelism", () => {
  it("completes 5 with never more than 2 active, counting each pod once through the finalizer", () => {
    const c = new JobCluster(job({ completions: 5, parallelism: 2 }));
    let most = 0;
    c.onChange = () => (most = Math.max(most, c.active().length));
    c.settle();
    for (let round = 0; round < 10 && !c.conditionTypes().includes("Complete=True/CompletionsReached"); round++) {
      c.now += 1000;
      for (const p of c.active()) c.run(p);
      c.exit(c.active()[0], 0);
      c.settle();
    }
    expect(most).toBe(2);
    expect(c.job.status).toMatchObject({ succeeded: 5, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(c.job.status?.active).toBeUndefined();
    expect(c.conditionTypes()).toEqual(["SuccessCriteriaMet=True/CompletionsReached", "Complete=True/CompletionsReached"]);
    expect(c.job.status?.completionTime).toBe(c.job.status?.conditions?.[1].lastTransitionTime);
    expect(c.pods.size).toBe(5);
    expect([...c.pods.values()].every((p) => !(p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER))).toBe(true);
    expect(c.events.filter((e) => e.startsWith("SuccessfulCreate"))).toHaveLength(5);
    expect(c.events.at(-1)).toBe("Completed: Job completed");
  });

  it("creates pods with the tracking finalizer, its controller reference and the template", () => {
    const c = new JobCluster(job());
    const { actions } = decideJob({ job: c.job, pods: [], now: T0 });
    expect(actions.map((a) => a.type)).toEqual(["create", "event", "updateStatus"]);
    const pod = actions[0].type === "create" ? actions[0].object : undefined;
    expect(pod?.metadata).toMatchObject({
      generateName: "work-",
      finalizers: [JOB_TRACKING_FINALIZER],
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "work", uid: "uid-work", controller: true, blockOwnerDeletion: true }],
      labels: { "batch.kubernetes.io/job-name": "work" },
    });
    const status = actions[2].type === "updateStatus" ? actions[2].object.status : undefined;
    expect(status).toEqual({ startTime: iso(T0), active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
  });

  it("records a finished pod as uncounted before removing its finalizer, and counts it in the next pass", () => {
    const c = new JobCluster(job({ completions: 2 }));
    c.settle();
    const [first] = c.active();
    c.exit(first, 0);
    const d = c.step();
    const types = d.actions.map((a) => `${a.type} ${a.type === "event" ? a.reason : a.resource}`);
    expect(types.indexOf("updateStatus batch/jobs")).toBeLessThan(types.indexOf("update pods"));
    expect(c.job.status?.uncountedTerminatedPods).toEqual({ succeeded: [first.metadata.uid] });
    expect(c.job.status?.succeeded).toBeUndefined();
    c.step();
    expect(c.job.status).toMatchObject({ succeeded: 1, uncountedTerminatedPods: {} });
  });

  it("runs a Job without completions until a pod succeeds and the others finish", () => {
    const c = new JobCluster(job({ completions: undefined, parallelism: 3 }));
    c.settle();
    expect(c.active()).toHaveLength(3);
    const [a, b, d] = c.active();
    c.exit(a, 0);
    c.settle();
    expect(c.active()).toHaveLength(2);
    expect(c.conditionTypes()).toEqual([]);
    c.exit(b, 0);
    c.exit(d, 1);
    c.settle();
    expect(c.conditionTypes()).toContain("Complete=True/CompletionsReached");
    expect(c.job.status).toMatchObject({ succeeded: 2, failed: 1 });
  });
});

describe("pods the Job claims", () => {
  it("adopts a matching orphan with the tracking finalizer, and releases an owned pod that stopped matching", () => {
    const c = new JobCluster(job({ parallelism: 2, completions: 2 }));
    c.settle();
    const [owned] = c.active();
    const orphan = structuredClone(owned);
    orphan.metadata = { ...orphan.metadata, name: "stray", uid: "uid-stray", ownerReferences: undefined, finalizers: undefined };
    c.pods.set("stray", orphan);
    owned.metadata.labels = { other: "x" };
    const { actions } = c.step();
    expect(actions.map((a) => (a.type === "update" ? a.object.metadata.name : a.type))).toEqual(["stray", owned.metadata.name]);
    expect(c.pods.get("stray")?.metadata).toMatchObject({ finalizers: [JOB_TRACKING_FINALIZER], ownerReferences: [{ uid: "uid-work", controller: true }] });
    expect(c.pods.get(owned.metadata.name ?? "")?.metadata.ownerReferences).toBeUndefined();
    expect(c.pods.get(owned.metadata.name ?? "")?.metadata.finalizers).toBeUndefined();
  });
});

describe("failures", () => {
  it("backs off 10 s, then 20 s, and fails with BackoffLimitExceeded past backoffLimit", () => {
    const c = new JobCluster(job({ backoffLimit: 1 }));
    c.settle();
    c.exit(c.active()[0], 1);
    expect(c.settle().requeueAfterMs).toBe(10_000);
    expect(c.active()).toHaveLength(0);
    c.now += 10_000;
    c.settle();
    expect(c.active()).toHaveLength(1);
    expect(c.job.status?.failed).toBe(1);
    c.exit(c.active()[0], 1);
    c.settle();
    expect(c.conditionTypes()).toEqual(["FailureTarget=True/BackoffLimitExceeded", "Failed=True/BackoffLimitExceeded"]);
    expect(c.job.status?.conditions?.[1].message).toBe("Job has reached the specified backoff limit");
    expect(c.job.status).toMatchObject({ failed: 2, uncountedTerminatedPods: {} });
    expect(c.job.status?.completionTime).toBeUndefined();
    expect(c.events.at(-1)).toBe("BackoffLimitExceeded: Job has reached the specified backoff limit");
  });

  it("doubles the delay per failure since the last success, up to 6 minutes", () => {
    const c = new JobCluster(job({ backoffLimit: 20 }));
    const delays: (number | undefined)[] = [];
    c.settle();
    for (let i = 0; i < 7; i++) {
      c.exit(c.active()[0], 1);
      const d = c.settle();
      delays.push(d.requeueAfterMs);
      c.now += d.requeueAfterMs ?? 0;
      c.settle();
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 360_000]);
  });

  it("counts container restarts against backoffLimit when pods restart on failure", () => {
    const c = new JobCluster(job({ backoffLimit: 2, template: { spec: { containers: [{ name: "main", image: "busybox" }], restartPolicy: "OnFailure" } } }));
    c.settle();
    const [p] = c.active();
    c.run(p);
    p.status = { ...p.status, containerStatuses: [{ name: "main", restartCount: 2 }] };
    c.settle();
    expect(c.conditionTypes()).toEqual(["FailureTarget=True/BackoffLimitExceeded", "Failed=True/BackoffLimitExceeded"]);
    expect(c.pods.get(p.metadata.name ?? "")).toBeUndefined();
  });

  it("fails at activeDeadlineSeconds, stopping its pods first", () => {
    const c = new JobCluster(job({ activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
    expect(c.settle().requeueAfterMs).toBe(30_000);
    for (const p of c.active()) c.run(p);
    c.now += 30_000;
    const d = c.step();
    expect(d.actions.filter((a) => a.type === "delete").length).toBe(2);
    expect(c.conditionTypes()).toEqual(["FailureTarget=True/DeadlineExceeded"]);
    expect(c.job.status?.terminating).toBe(2);
    c.settle();
    expect(c.conditionTypes()).toEqual(["FailureTarget=True/DeadlineExceeded", "Failed=True/DeadlineExceeded"]);
    expect(c.job.status).toMatchObject({ failed: 2, terminating: 0, ready: 0 });
    expect(c.job.status?.conditions?.[1].message).toBe("Job was active longer than specified deadline");
  });
});

describe("podFailurePolicy", () => {
  const policy = {
    rules: [
      { action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } },
      { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
    ],
  };

  it("fails the Job on an exit code a FailJob rule names", () => {
    const c = new JobCluster(job({ podFailurePolicy: policy, podReplacementPolicy: "Failed" }));
    c.settle();
    const [p] = c.active();
    c.exit(p, 42);
    c.settle();
    expect(c.conditionTypes()).toEqual(["FailureTarget=True/PodFailurePolicy", "Failed=True/PodFailurePolicy"]);
    expect(c.job.status?.conditions?.[1].message).toBe(`Container main for pod default/${p.metadata.name} failed with exit code 42 matching FailJob rule at index 0`);
    expect(c.job.status?.failed).toBe(1);
  });

  it("does not count a failure an Ignore rule matches, and replaces the pod", () => {
    const c = new JobCluster(job({ podFailurePolicy: policy, podReplacementPolicy: "Failed", backoffLimit: 0 }));
    c.settle();
    const [p] = c.active();
    c.exit(p, 137, [{ type: "DisruptionTarget", status: "True" }]);
    const d = c.settle();
    c.now += d.requeueAfterMs ?? 0;
    c.settle();
    expect(c.conditionTypes()).toEqual([]);
    expect(c.job.status?.failed).toBeUndefined();
    expect(c.active()).toHaveLength(1);
  });
});

describe("suspend", () => {
  it("keeps a suspended Job from starting, and starts it on resume with a new startTime", () => {
    const c = new JobCluster(job({ suspend: true }));
    c.settle();
    expect(c.pods.size).toBe(0);
    expect(c.job.status?.startTime).toBeUndefined();
    expect(c.conditionTypes()).toEqual(["Suspended=True/JobSuspended"]);
    expect(c.events).toEqual(["Suspended: Job suspended"]);
    c.now += 5000;
    c.job = { ...c.job, spec: { ...c.job.spec, suspend: false } };
    c.settle();
    expect(c.conditionTypes()).toEqual(["Suspended=False/JobResumed"]);
    expect(c.job.status?.startTime).toBe(iso(T0 + 5000));
    expect(c.active()).toHaveLength(1);
    expect(c.events.slice(1)).toEqual([`SuccessfulCreate: Created pod: ${c.active()[0].metadata.name}`, "Resumed: Job resumed"]);
  });

  it("deletes the active pods of a Job that is suspended, without counting them as failures", () => {
    const c = new JobCluster(job({ parallelism: 2, completions: 2 }));
    c.settle();
    for (const p of c.active()) c.run(p);
    c.job = { ...c.job, spec: { ...c.job.spec, suspend: true } };
    c.settle();
    expect(c.pods.size).toBe(0);
    expect(c.job.status?.failed).toBeUndefined();
    expect(c.job.status?.active).toBeUndefined();
  });
});

describe("TTL after finished", () => {
  const finished = (ttl: number) => {
    const j = job({ ttlSecondsAfterFinished: ttl });
    j.status = { conditions: [{ type: "Complete", status: "True", lastTransitionTime: iso(T0) }], succeeded: 1 };
    return j;
  };

  it("waits for the TTL, then deletes the Job in the foreground with its uid as precondition", () => {
    expect(decideJob({ job: finished(100), pods: [], now: T0 + 40_000 })).toEqual({ actions: [], requeueAfterMs: 60_000 });
    expect(decideJob({ job: finished(100), pods: [], now: T0 + 100_000 }).actions).toEqual([
      { type: "delete", resource: "batch/jobs", namespace: "default", name: "work", uid: "uid-work", propagationPolicy: "Foreground" },
    ]);
  });

  it("removes finalizers its pods still hold, and does nothing else without a TTL", () => {
    const j = job();
    j.status = { conditions: [{ type: "Failed", status: "True", lastTransitionTime: iso(T0) }] };
    const c = new JobCluster(j);
    c.pods.set("left", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "left", namespace: "default", uid: "uid-left", finalizers: [JOB_TRACKING_FINALIZER], ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "work", uid: "uid-work", controller: true }] },
    });
    expect(c.step().actions.map((a) => a.type)).toEqual(["update"]);
    expect(c.pods.get("left")?.metadata.finalizers).toBeUndefined();
    expect(c.settle()).toEqual({ actions: [] });
  });
});
