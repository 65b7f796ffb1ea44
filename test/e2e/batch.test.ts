// Jobs and CronJobs end to end: kubectl against a control plane with one agent running pods as
// processes. CronJob schedules are driven through wrangler's scheduled-event endpoint at
// constructed times (far from the clock, so the harness's own minute trigger schedules nothing).
import { beforeAll, describe, expect, it } from "vitest";
import { useAgents } from "./agent-harness";
import { useCluster } from "./harness";
import { parseTable } from "./table";
import { eventually } from "./wait";

const cluster = useCluster();
const agents = useAgents(cluster);

beforeAll(async () => {
  await agents.start({ name: "batch-1" }).waitForLine(/ready: node batch-1/);
}, 120_000);

const jsonpath = (what: string, path: string): Promise<string> => cluster.kubectlOk(["get", ...what.split(" "), "-o", `jsonpath=${path}`]);

/** `kubectl create -f -` with a JSON manifest. */
const create = (manifest: Record<string, unknown>): Promise<string> => cluster.kubectlOk(["create", "-f", "-"], { input: JSON.stringify(manifest) });

function job(name: string, spec: Record<string, unknown>, command: string): Record<string, unknown> {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: { ...spec, template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox", command: ["sh", "-c", command] }] } } },
  };
}

/** Fires the Worker's cron trigger as Cloudflare would, for the given time. */
async function trigger(time: number): Promise<void> {
  const res = await cluster.api("GET", `/cdn-cgi/local/scheduled?${new URLSearchParams({ cron: "* * * * *", time: String(time), format: "json" })}`);
  if (res.status !== 200) throw new Error(`scheduled: ${res.status} ${res.text}`);
}

describe("kubectl and Jobs", () => {
  it("creates a Job, waits for it to complete and reads its output", async () => {
    expect((await cluster.kubectlOk(["create", "job", "hello", "--image=busybox", "--", "sh", "-c", "echo hello from a job"])).trim()).toBe("job.batch/hello created");
    expect((await cluster.kubectlOk(["wait", "--for=condition=complete", "job/hello", "--timeout=90s"])).trim()).toBe("job.batch/hello condition met");
    const [row] = parseTable(await cluster.kubectlOk(["get", "job", "hello"]));
    expect(row).toMatchObject({ NAME: "hello", STATUS: "Complete", COMPLETIONS: "1/1" });
    expect(await cluster.kubectlOk(["logs", "job/hello"])).toBe("hello from a job\n");
    expect(await jsonpath("job hello", "{.status.succeeded} {.status.conditions[*].type}")).toBe("1 SuccessCriteriaMet Complete");
  });

  it("completes 5 with parallelism 2: exactly 5 pods succeed, never more than 2 at a time", async () => {
    const watch = await cluster.kubectlStart(["get", "pods", "-l", "job-name=five", "-w", "-o", 'jsonpath={.metadata.name} {.status.phase} {.metadata.deletionTimestamp}{"\\n"}']);
    try {
      await create(job("five", { completions: 5, parallelism: 2 }, "sleep 1"));
      await cluster.kubectlOk(["wait", "--for=condition=complete", "job/five", "--timeout=100s"]);
    } finally {
      watch.stop();
    }
    // Replay the watch: the pods that were neither finished nor deleting at each event.
    const phase = new Map<string, string>();
    let most = 0;
    for (const line of watch.lines) {
      const [name, podPhase = "", deleting = ""] = line.split(" ");
      phase.set(name, deleting ? "Deleting" : podPhase);
      most = Math.max(most, [...phase.values()].filter((p) => p === "Pending" || p === "Running" || p === "").length);
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
    expect((await jsonpath("pods -l job-name=five", "{.items[*].status.phase}")).split(" ")).toEqual(Array(5).fill("Succeeded"));
    expect(await jsonpath("job five", "{.status.succeeded}")).toBe("5");
  }, 120_000);

  it("stops a failing Job at backoffLimit with BackoffLimitExceeded", async () => {
    await create(job("failing", { backoffLimit: 1 }, "exit 3"));
    expect((await cluster.kubectlOk(["wait", "--for=condition=failed", "job/failing", "--timeout=100s"])).trim()).toBe("job.batch/failing condition met");
    expect(await jsonpath("job failing", '{.status.failed} {.status.conditions[?(@.type=="Failed")].reason}')).toBe("2 BackoffLimitExceeded");
    expect((await jsonpath("pods -l job-name=failing", "{.items[*].status.phase}")).split(" ")).toEqual(["Failed", "Failed"]);
    const [row] = parseTable(await cluster.kubectlOk(["get", "job", "failing"]));
    expect(row).toMatchObject({ STATUS: "Failed", COMPLETIONS: "0/1" });
  }, 120_000);

  it("lets an Indexed Job's pods see their index", async () => {
    await create(job("indexed", { completions: 3, parallelism: 3, completionMode: "Indexed" }, 'echo "index $JOB_COMPLETION_INDEX"'));
    await cluster.kubectlOk(["wait", "--for=condition=complete", "job/indexed", "--timeout=90s"]);
    const pods = (await jsonpath("pods -l job-name=indexed", '{range .items[*]}{.metadata.name} {.metadata.annotations.batch\\.kubernetes\\.io/job-completion-index}{"\\n"}{end}'))
      .trim()
      .split("\n")
      .map((line) => line.split(" "));
    expect(pods.map(([, ix]) => ix).sort()).toEqual(["0", "1", "2"]);
    for (const [pod, ix] of pods) {
      expect(pod).toMatch(new RegExp(`^indexed-${ix}-`));
      expect(await cluster.kubectlOk(["logs", pod])).toBe(`index ${ix}\n`);
    }
    expect(await jsonpath("job indexed", "{.status.completedIndexes}")).toBe("0-2");
  }, 120_000);
});

describe("kubectl and CronJobs on the cron trigger", () => {
  const T0 = Date.UTC(2100, 0, 1, 0, 0, 0);
  const MIN = 60_000;
  const nameAt = (cronJob: string, t: number) => `${cronJob}-${t / MIN}`;
  const jobNames = async (cronJob: string) => {
    const items = JSON.parse(await cluster.kubectlOk(["get", "jobs", "-o", "json"])).items as { metadata: { name: string; ownerReferences?: { name: string }[] } }[];
    return items.filter((j) => j.metadata.ownerReferences?.[0]?.name === cronJob).map((j) => j.metadata.name).sort();
  };

  /** A CronJob whose last schedule time is T0, so only triggers after T0 schedule it. */
  async function cronJob(name: string, policy: string, command: string): Promise<void> {
    await cluster.kubectlOk(["create", "cronjob", name, "--image=busybox", "--schedule=*/1 * * * *", "--", "sh", "-c", command]);
    await cluster.kubectlOk(["patch", "cronjob", name, "--type=merge", "-p", JSON.stringify({ spec: { suspend: true, concurrencyPolicy: policy } })]);
    await cluster.kubectlOk(["patch", "cronjob", name, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: { lastScheduleTime: new Date(T0).toISOString().replace(".000Z", "Z") } })]);
    await cluster.kubectlOk(["patch", "cronjob", name, "--type=merge", "-p", '{"spec":{"suspend":false}}']);
  }

  it("creates a Job on each trigger, once per schedule time", async () => {
    await cronJob("tick", "Allow", "echo tick");
    await trigger(T0 + MIN);
    await trigger(T0 + MIN);
    await trigger(T0 + 2 * MIN + 5000);
    expect(await jobNames("tick")).toEqual([nameAt("tick", T0 + MIN), nameAt("tick", T0 + 2 * MIN)]);
    const [row] = parseTable(await cluster.kubectlOk(["get", "cronjob", "tick"]));
    expect(row).toMatchObject({ NAME: "tick", SCHEDULE: "*/1 * * * *", SUSPEND: "False" });
    await cluster.kubectlOk(["wait", "--for=condition=complete", `job/${nameAt("tick", T0 + 2 * MIN)}`, "--timeout=60s"]);
  });

  it("skips a schedule time under Forbid while a Job runs", async () => {
    await cronJob("forbid", "Forbid", "sleep 300");
    await trigger(T0 + MIN);
    await eventually(async () => ((await jsonpath("cronjob forbid", "{.status.active[*].name}")) !== "" ? true : undefined), "the first Job active");
    await trigger(T0 + 2 * MIN);
    expect(await jobNames("forbid")).toEqual([nameAt("forbid", T0 + MIN)]);
    const events = await cluster.kubectlOk(["get", "events", "--field-selector", "involvedObject.name=forbid", "-o", "jsonpath={.items[*].reason}"]);
    expect(events.split(" ")).toContain("JobAlreadyActive");
  });

  it("replaces a running Job under Replace", async () => {
    await cronJob("replace", "Replace", "sleep 300");
    await trigger(T0 + MIN);
    await eventually(async () => ((await jsonpath("cronjob replace", "{.status.active[*].name}")) === nameAt("replace", T0 + MIN) ? true : undefined), "the first Job active");
    await trigger(T0 + 2 * MIN);
    await eventually(async () => ((await jobNames("replace")).join() === nameAt("replace", T0 + 2 * MIN) ? true : undefined), "the first Job replaced");
    expect(await jsonpath("cronjob replace", "{.status.active[*].name}")).toBe(nameAt("replace", T0 + 2 * MIN));
  });

  it("creates a Job from a CronJob by hand", async () => {
    expect((await cluster.kubectlOk(["create", "job", "by-hand", "--from=cronjob/tick"])).trim()).toBe("job.batch/by-hand created");
    expect(await jsonpath("job by-hand", "{.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}")).toBe(
      "manual CronJob/tick",
    );
    expect((await cluster.kubectlOk(["wait", "--for=condition=complete", "job/by-hand", "--timeout=60s"])).trim()).toBe("job.batch/by-hand condition met");
  });
});
