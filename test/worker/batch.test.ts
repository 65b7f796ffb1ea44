// Jobs and CronJobs in workerd: the Job controller on its reconciler with the test playing the
// kubelet (pod status through the API), and the CronJob controller driven by the Worker's
// scheduled() handler at constructed times.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker";
import { Store } from "../../src/store/store";
import { del, get, namespace, patch, post } from "./client";

interface Pod {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; deletionTimestamp?: string };
  spec: { hostname?: string; containers: { env?: { name: string; valueFrom?: unknown }[] }[] };
  status?: { phase?: string };
}
interface Job {
  metadata: { name: string; uid: string; creationTimestamp: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  status?: { startTime?: string; active?: number; succeeded?: number; failed?: number; ready?: number; conditions?: { type: string; status: string; reason?: string; message?: string }[]; completionTime?: string };
}
interface CronJob {
  status?: { lastScheduleTime?: string; active?: { name: string }[] };
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const pods = async (ns: string) => (await get<{ items: Pod[] }>(`/api/v1/namespaces/${ns}/pods`)).body.items;
const jobs = async (ns: string) => (await get<{ items: Job[] }>(`/apis/batch/v1/namespaces/${ns}/jobs`)).body.items;
const getJob = async (ns: string, name: string) => (await get<Job>(`/apis/batch/v1/namespaces/${ns}/jobs/${name}`)).body;
const active = (list: Pod[]) => list.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
const conditions = (j: Job) => (j.status?.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason ?? ""}`);

function jobSpec(spec: Record<string, unknown> = {}) {
  return { template: { spec: { containers: [{ name: "main", image: "busybox", command: ["true"] }], restartPolicy: "Never" } }, ...spec };
}

/** The kubelet: the pod's only container exits with `code`. */
async function exit(ns: string, pod: Pod, code: number): Promise<void> {
  const now = iso(Date.now());
  const status = {
    phase: code === 0 ? "Succeeded" : "Failed",
    conditions: [{ type: "Ready", status: "False", lastTransitionTime: now }],
    containerStatuses: [{ name: "main", ready: false, restartCount: 0, image: "busybox", imageID: "", state: { terminated: { exitCode: code, finishedAt: now } } }],
  };
  const r = await patch(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/status`, { status }, "application/merge-patch+json");
  if (r.status !== 200) throw new Error(`pod status: ${r.status} ${JSON.stringify(r.body)}`);
}

async function tick(scheduledTime: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("Job controller", () => {
  it("completes 5 with parallelism 2, never running more than 2 pods at once", async () => {
    await namespace("job-five");
    expect((await post("/apis/batch/v1/namespaces/job-five/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "five" }, spec: jobSpec({ completions: 5, parallelism: 2 }) })).status).toBe(201);
    for (let done = 0; done < 5; done++) {
      const want = Math.min(2, 5 - done);
      const running = active(await eventually(() => pods("job-five"), (p) => active(p).length === want));
      expect(running.length).toBe(want);
      expect(running.every((p) => p.metadata.finalizers?.includes("batch.kubernetes.io/job-tracking"))).toBe(true);
      await exit("job-five", running[0], 0);
      await eventually(() => getJob("job-five", "five"), (j) => (j.status?.succeeded ?? 0) === done + 1);
      expect(active(await pods("job-five")).length).toBeLessThanOrEqual(2);
    }
    const job = await eventually(() => getJob("job-five", "five"), (j) => conditions(j).includes("Complete=True/CompletionsReached"));
    expect(conditions(job)).toEqual(["SuccessCriteriaMet=True/CompletionsReached", "Complete=True/CompletionsReached"]);
    expect(job.status).toMatchObject({ succeeded: 5, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(job.status?.completionTime).toBeDefined();
    const all = await pods("job-five");
    expect(all).toHaveLength(5);
    expect(all.every((p) => p.status?.phase === "Succeeded" && !p.metadata.finalizers)).toBe(true);
  });

  it("stops at backoffLimit with BackoffLimitExceeded", async () => {
    await namespace("job-fail");
    await post("/apis/batch/v1/namespaces/job-fail/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "flaky" }, spec: jobSpec({ backoffLimit: 1 }) });
    for (let attempt = 1; attempt <= 2; attempt++) {
      // The second pod comes after the pod-failure backoff (10 s).
      const [pod] = active(await eventually(() => pods("job-fail"), (p) => active(p).length === 1 && p.length === attempt, 30_000));
      await exit("job-fail", pod, 1);
    }
    const job = await eventually(() => getJob("job-fail", "flaky"), (j) => conditions(j).includes("Failed=True/BackoffLimitExceeded"));
    expect(conditions(job)).toEqual(["FailureTarget=True/BackoffLimitExceeded", "Failed=True/BackoffLimitExceeded"]);
    expect(job.status?.conditions?.[1].message).toBe("Job has reached the specified backoff limit");
    expect(job.status).toMatchObject({ failed: 2 });
    expect(await pods("job-fail")).toHaveLength(2);
    const events = await get<{ items: { reason: string; source?: { component?: string } }[] }>("/api/v1/namespaces/job-fail/events?fieldSelector=involvedObject.name%3Dflaky");
    expect(events.body.items.map((e) => e.reason)).toEqual(expect.arrayContaining(["SuccessfulCreate", "BackoffLimitExceeded"]));
    expect(events.body.items[0].source?.component).toBe("job-controller");
  }, 60_000);

  it("gives an Indexed Job's pods their index", async () => {
    await namespace("job-indexed");
    await post("/apis/batch/v1/namespaces/job-indexed/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "idx" }, spec: jobSpec({ completions: 3, parallelism: 3, completionMode: "Indexed" }) });
    const list = await eventually(() => pods("job-indexed"), (p) => p.length === 3);
    const byIndex = list.sort((a, b) => Number(a.metadata.annotations?.["batch.kubernetes.io/job-completion-index"]) - Number(b.metadata.annotations?.["batch.kubernetes.io/job-completion-index"]));
    expect(byIndex.map((p) => p.metadata.labels?.["batch.kubernetes.io/job-completion-index"])).toEqual(["0", "1", "2"]);
    expect(byIndex.map((p) => p.spec.hostname)).toEqual(["idx-0", "idx-1", "idx-2"]);
    expect(byIndex[2].metadata.name).toMatch(/^idx-2-[a-z0-9]{5}$/);
    expect(byIndex[0].spec.containers[0].env).toEqual([
      { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    for (const p of byIndex) await exit("job-indexed", p, 0);
    const job = await eventually(() => getJob("job-indexed", "idx"), (j) => conditions(j).includes("Complete=True/CompletionsReached"));
    expect(job.status).toMatchObject({ completedIndexes: "0-2", succeeded: 3 });
  });

  it("deletes a finished Job and its pods after ttlSecondsAfterFinished", async () => {
    await namespace("job-ttl");
    await post("/apis/batch/v1/namespaces/job-ttl/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "brief" }, spec: jobSpec({ ttlSecondsAfterFinished: 0 }) });
    const [pod] = await eventually(() => pods("job-ttl"), (p) => p.length === 1);
    await exit("job-ttl", pod, 0);
    const gone = await eventually(() => get(`/apis/batch/v1/namespaces/job-ttl/jobs/brief`), (r) => r.status === 404);
    expect(gone.status).toBe(404);
    expect(await pods("job-ttl")).toHaveLength(0);
  });

  it("lets the pods of a running Job deleted in the background or the foreground go", async () => {
    await namespace("job-del");
    for (const policy of ["Background", "Foreground"]) {
      await post("/apis/batch/v1/namespaces/job-del/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "gone" }, spec: jobSpec({ parallelism: 2, completions: 2 }) });
      await eventually(() => pods("job-del"), (p) => p.length === 2);
      await del("/apis/batch/v1/namespaces/job-del/jobs/gone", { propagationPolicy: policy });
      expect(await eventually(() => pods("job-del"), (p) => p.length === 0)).toHaveLength(0);
      expect((await eventually(() => get("/apis/batch/v1/namespaces/job-del/jobs/gone"), (r) => r.status === 404)).status).toBe(404);
    }
  });

  it("finds Jobs past their active deadline or TTL for the cron, and no others", async () => {
    await namespace("job-due");
    await post("/apis/batch/v1/namespaces/job-due/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "slow" }, spec: jobSpec({ activeDeadlineSeconds: 300 }) });
    await post("/apis/batch/v1/namespaces/job-due/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "kept" }, spec: jobSpec({ ttlSecondsAfterFinished: 3600 }) });
    const slow = await eventually(() => getJob("job-due", "slow"), (j) => Boolean(j.status?.startTime));
    const [keptPod] = (await eventually(() => pods("job-due"), (p) => p.length === 2)).filter((p) => p.metadata.name.startsWith("kept-"));
    await exit("job-due", keptPod, 0);
    const kept = await eventually(() => getJob("job-due", "kept"), (j) => Boolean(j.status?.completionTime));
    const store = new Store(env.DB);
    const due = async (at: number) => (await store.jobsPastDeadline(at, 10)).filter((k) => k.namespace === "job-due").map((k) => k.name);
    const started = Date.parse(slow.status?.startTime ?? "");
    const finished = Date.parse(kept.status?.completionTime ?? "");
    expect(await due(started + 299_000)).toEqual([]);
    expect(await due(started + 300_000)).toEqual(["slow"]);
    expect((await due(finished + 3_600_000)).sort()).toEqual(["kept", "slow"]);
  });
});

describe("CronJob controller on the cron trigger", () => {
  // A time far from the test's own clock, so that only the constructed triggers schedule anything.
  const T0 = Date.UTC(2100, 0, 1, 0, 0, 0);
  const MIN = 60_000;
  const nameAt = (t: number) => `every5-${t / MIN}`;

  it("creates each scheduled Job once, however often or late the trigger fires", async () => {
    await namespace("cron-once");
    const cronJob = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "every5" },
      spec: { schedule: "*/5 * * * *", startingDeadlineSeconds: 600, suspend: true, jobTemplate: { spec: jobSpec() } },
    };
    expect((await post("/apis/batch/v1/namespaces/cron-once/cronjobs", cronJob)).status).toBe(201);
    await patch("/apis/batch/v1/namespaces/cron-once/cronjobs/every5/status", { status: { lastScheduleTime: iso(T0) } }, "application/merge-patch+json");
    await patch("/apis/batch/v1/namespaces/cron-once/cronjobs/every5", { spec: { suspend: false } }, "application/merge-patch+json");
    const names = async () => (await jobs("cron-once")).map((j) => j.metadata.name).sort();

    await tick(T0 + 5 * MIN + 20_000);
    expect(await names()).toEqual([nameAt(T0 + 5 * MIN)]);
    await tick(T0 + 5 * MIN + 20_000);
    await tick(T0 + 6 * MIN);
    expect(await names()).toEqual([nameAt(T0 + 5 * MIN)]);

    await Promise.all([tick(T0 + 10 * MIN + 1000), tick(T0 + 10 * MIN + 1000)]);
    expect(await names()).toEqual([nameAt(T0 + 5 * MIN), nameAt(T0 + 10 * MIN)]);

    // Four minutes late, within startingDeadlineSeconds: the 15-minute Job still starts.
    await tick(T0 + 19 * MIN);
    expect(await names()).toContain(nameAt(T0 + 15 * MIN));

    // Past the deadline for 20 and 25: only the most recent time runs.
    await tick(T0 + 31 * MIN);
    const after = await names();
    expect(after).toContain(nameAt(T0 + 30 * MIN));
    expect(after).not.toContain(nameAt(T0 + 20 * MIN));
    expect(after).toHaveLength(4);

    const cj = (await get<CronJob>("/apis/batch/v1/namespaces/cron-once/cronjobs/every5")).body;
    expect(cj.status?.lastScheduleTime).toBe(iso(T0 + 30 * MIN));
    expect((cj.status?.active ?? []).map((r) => r.name).sort()).toEqual(after);
    const job = await getJob("cron-once", nameAt(T0 + 30 * MIN));
    expect(job.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(iso(T0 + 30 * MIN));
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: "CronJob", name: "every5" });
  });

  it("runs a Job created from the CronJob by hand like any other", async () => {
    await namespace("cron-manual");
    const cronJob = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly" }, spec: { schedule: "0 0 * * *", jobTemplate: { spec: jobSpec() } } };
    const created = await post<{ metadata: { uid: string } }>("/apis/batch/v1/namespaces/cron-manual/cronjobs", cronJob);
    const manual = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: "nightly-manual",
        annotations: { "cronjob.kubernetes.io/instantiate": "manual" },
        ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "nightly", uid: created.body.metadata.uid, controller: true }],
      },
      spec: jobSpec(),
    };
    expect((await post("/apis/batch/v1/namespaces/cron-manual/jobs", manual)).status).toBe(201);
    expect(await eventually(() => pods("cron-manual"), (p) => p.length === 1)).toHaveLength(1);
  });
});
