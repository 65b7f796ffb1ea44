import { describe, expect, it } from "vitest";
import { firstPendingIndexes, formatIntervals, mergeIntervals, parseIndexes, totalIndexes, withIndexes } from "../../../../src/controllers/job/indexes";
import { COMPLETION_INDEX, INDEX_FAILURE_COUNT } from "../../../../src/controllers/job/types";
import type { Pod } from "../../../../src/controllers/podutil";
import { job, JobCluster } from "./jobsim";

const indexOf = (p: Pod) => p.metadata.annotations?.[COMPLETION_INDEX];
const byIndex = (c: JobCluster, ix: number) => c.active().find((p) => indexOf(p) === String(ix));

describe("index intervals", () => {
  it("parse leniently, format as Kubernetes does", () => {
    expect(parseIndexes("0,2-4,x,6-9", 8)).toEqual([
      { first: 0, last: 0 },
      { first: 2, last: 4 },
      { first: 6, last: 7 },
    ]);
    expect(parseIndexes("1,2,3", 10)).toEqual([{ first: 1, last: 3 }]);
    expect(formatIntervals([{ first: 0, last: 0 }, { first: 2, last: 3 }, { first: 5, last: 9 }])).toBe("0,2,3,5-9");
  });

  it("merge and count", () => {
    const merged = mergeIntervals([{ first: 0, last: 2 }], [{ first: 3, last: 4 }, { first: 7, last: 7 }]);
    expect(formatIntervals(merged)).toBe("0-4,7");
    expect(totalIndexes(merged)).toBe(6);
    expect(formatIntervals(withIndexes(merged, [9, 5, 6]))).toBe("0-7,9");
  });

  it("pick the first pending indexes", () => {
    expect(firstPendingIndexes([{ first: 1, last: 2 }, { first: 4, last: 4 }], 3, 10)).toEqual([0, 3, 5]);
    expect(firstPendingIndexes([{ first: 0, last: 3 }], 5, 5)).toEqual([4]);
  });
});

describe("an Indexed Job", () => {
  it("gives each pod its index: annotation, label, hostname, name and JOB_COMPLETION_INDEX", () => {
    const c = new JobCluster(job({ completionMode: "Indexed", completions: 3, parallelism: 3 }));
    c.settle();
    const pods = c.active().sort((a, b) => Number(indexOf(a)) - Number(indexOf(b)));
    expect(pods.map(indexOf)).toEqual(["0", "1", "2"]);
    const [p1] = pods.slice(1);
    expect(p1.metadata.labels?.[COMPLETION_INDEX]).toBe("1");
    expect(p1.metadata.name).toMatch(/^work-1-/);
    expect(p1.spec?.hostname).toBe("work-1");
    expect((p1.spec?.containers as { env?: unknown[] }[])[0].env).toEqual([
      { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } } },
    ]);
  });

  it("records completed indexes and replaces a failed index", () => {
    const c = new JobCluster(job({ completionMode: "Indexed", completions: 3, parallelism: 2 }));
    c.settle();
    c.exit(byIndex(c, 1)!, 0);
    c.exit(byIndex(c, 0)!, 1);
    const d = c.settle();
    expect(c.job.status).toMatchObject({ completedIndexes: "1", succeeded: 1, failed: 1 });
    c.now += d.requeueAfterMs ?? 0;
    c.settle();
    expect(c.active().map(indexOf).sort()).toEqual(["0", "2"]);
    for (const ix of [0, 2]) c.exit(byIndex(c, ix)!, 0);
    c.settle();
    expect(c.job.status).toMatchObject({ completedIndexes: "0-2", succeeded: 3, failed: 1 });
    expect(c.conditionTypes()).toEqual(["SuccessCriteriaMet=True/CompletionsReached", "Complete=True/CompletionsReached"]);
  });

  it("removes a second pod with the same index", () => {
    const c = new JobCluster(job({ completionMode: "Indexed", completions: 2, parallelism: 2 }));
    c.settle();
    const copy = structuredClone(byIndex(c, 0)!);
    copy.metadata.name = "dup";
    copy.metadata.uid = "uid-dup";
    c.pods.set("dup", copy);
    c.settle();
    expect(c.active().map(indexOf).sort()).toEqual(["0", "1"]);
  });

  it("fails an index after backoffLimitPerIndex, carrying the failure count to replacements", () => {
    const c = new JobCluster(job({ completionMode: "Indexed", completions: 2, parallelism: 2, backoffLimitPerIndex: 1, backoffLimit: 2147483647 }));
    c.settle();
    c.exit(byIndex(c, 0)!, 1);
    c.now += c.settle().requeueAfterMs ?? 0;
    c.settle();
    const replacement = byIndex(c, 0)!;
    expect(replacement.metadata.annotations?.[INDEX_FAILURE_COUNT]).toBe("1");
    c.exit(replacement, 1);
    c.settle();
    expect(c.job.status?.failedIndexes).toBe("0");
    expect(byIndex(c, 0)).toBeUndefined();
    c.exit(byIndex(c, 1)!, 0);
    c.settle();
    expect(c.job.status).toMatchObject({ completedIndexes: "1", failedIndexes: "0", failed: 2 });
    expect(c.conditionTypes()).toEqual(["FailureTarget=True/FailedIndexes", "Failed=True/FailedIndexes"]);
  });

  it("fails an index at once on a FailIndex rule", () => {
    const podFailurePolicy = { rules: [{ action: "FailIndex", onExitCodes: { operator: "In", values: [5] } }] };
    const c = new JobCluster(job({ completionMode: "Indexed", completions: 2, parallelism: 2, backoffLimitPerIndex: 3, backoffLimit: 2147483647, podFailurePolicy, podReplacementPolicy: "Failed" }));
    c.settle();
    c.exit(byIndex(c, 1)!, 5);
    c.settle();
    expect(c.job.status?.failedIndexes).toBe("1");
    expect(byIndex(c, 1)).toBeUndefined();
    expect(c.active().map(indexOf)).toEqual(["0"]);
  });

  it("fails the Job once more indexes fail than maxFailedIndexes", () => {
    const c = new JobCluster(job({ completionMode: "Indexed", completions: 4, parallelism: 4, backoffLimitPerIndex: 0, maxFailedIndexes: 1, backoffLimit: 2147483647 }));
    c.settle();
    c.exit(byIndex(c, 0)!, 1);
    c.exit(byIndex(c, 1)!, 1);
    c.settle();
    expect(c.conditionTypes()).toEqual(["FailureTarget=True/MaxFailedIndexesExceeded", "Failed=True/MaxFailedIndexesExceeded"]);
    expect(c.active()).toHaveLength(0);
  });

  it("succeeds when the successPolicy is met, stopping the other pods", () => {
    const c = new JobCluster(job({ completionMode: "Indexed", completions: 3, parallelism: 3, successPolicy: { rules: [{ succeededIndexes: "0" }] } }));
    c.settle();
    c.exit(byIndex(c, 0)!, 0);
    c.settle();
    expect(c.conditionTypes()).toEqual(["SuccessCriteriaMet=True/SuccessPolicy", "Complete=True/SuccessPolicy"]);
    expect(c.job.status?.conditions?.[1].message).toBe("Matched rules at index 0");
    expect(c.active()).toHaveLength(0);
    expect(c.job.status).toMatchObject({ completedIndexes: "0", succeeded: 1 });
  });
});
