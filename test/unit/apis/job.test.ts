import { describe, expect, it } from "vitest";
import { generateJobSelector, jobKind } from "../../../src/apis/batch/v1/job";
import type { KubeObject } from "../../../src/apis/types";
import { admit, ago, obj, problems, row, template } from "./kindtesting";

const UID = "5f1c7b5e-0000-4000-8000-000000000001";

function job(spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "pi", namespace: "default", uid: UID, creationTimestamp: ago(600) },
    spec: { template: { spec: { containers: [{ name: "pi", image: "perl" }], restartPolicy: "Never" } }, ...spec },
    ...extra,
  };
}

/** What the API does on create: schema, defaults, the onCreate hook (uid is set), then validation. */
function created(value: object): KubeObject {
  const o = admit(jobKind, value);
  jobKind.onCreate?.(o);
  return o;
}

describe("Job defaults", () => {
  it("defaults a non-parallel job", () => {
    const j = admit(jobKind, job());
    expect(j.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false, podReplacementPolicy: "TerminatingOrFailed" });
  });

  it("leaves completions unset for a work queue", () => {
    const j = admit(jobKind, job({ parallelism: 3 }));
    expect(j.spec).toMatchObject({ parallelism: 3 });
    expect(j.spec).not.toHaveProperty("completions");
  });

  it("follows backoffLimitPerIndex and podFailurePolicy", () => {
    const policy = { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] };
    const j = admit(jobKind, job({ completionMode: "Indexed", completions: 4, backoffLimitPerIndex: 1, podFailurePolicy: policy }));
    expect(j.spec).toMatchObject({ backoffLimit: 2147483647, podReplacementPolicy: "Failed", podFailurePolicy: { rules: [{ onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }] } });
  });
});

describe("Job selector generation", () => {
  it("labels the pods with the job's name and uid and selects them by uid", () => {
    const j = created(job());
    expect(j.spec).toMatchObject({
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": UID } },
      template: { metadata: { labels: { "controller-uid": UID, "batch.kubernetes.io/controller-uid": UID, "job-name": "pi", "batch.kubernetes.io/job-name": "pi" } } },
    });
    expect(j.metadata.labels).toEqual({ "controller-uid": UID, "batch.kubernetes.io/controller-uid": UID, "job-name": "pi", "batch.kubernetes.io/job-name": "pi" });
    expect(problems(jobKind, j)).toEqual([]);
  });

  it("keeps the job's own labels", () => {
    const j = created({ ...job(), metadata: { ...job().metadata, labels: { team: "a" } } });
    expect(j.metadata.labels).toEqual({ team: "a" });
  });

  it("leaves a manual selector alone", () => {
    const spec = { manualSelector: true, selector: { matchLabels: { app: "pi" } }, template: template({ app: "pi" }, { restartPolicy: "Never" }) };
    const j = created(job(spec));
    expect(j.spec).toMatchObject({ selector: { matchLabels: { app: "pi" } } });
    expect(problems(jobKind, j)).toEqual([]);
    expect(generateJobSelector).toBe(jobKind.onCreate);
  });

  it("rejects a selector that was not generated", () => {
    const j = created(job({ selector: { matchLabels: { app: "other" } } }));
    expect(problems(jobKind, j)).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"other","batch.kubernetes.io/controller-uid":"5f1c7b5e-0000-4000-8000-000000000001"}}: `selector` not auto-generated',
      `spec.template.metadata.labels: Invalid value: ${JSON.stringify({ "job-name": "pi", "batch.kubernetes.io/job-name": "pi", "controller-uid": UID, "batch.kubernetes.io/controller-uid": UID })}: \`selector\` does not match template \`labels\``,
    ]);
  });

  it("needs the uid", () => {
    const j = created({ ...job(), metadata: { name: "pi", namespace: "default" } });
    expect(problems(jobKind, j)).toContain("metadata.uid: Required value");
  });
});

describe("Job validation", () => {
  it("wants pods that run to completion", () => {
    const j = created(job({ template: { spec: { containers: [{ name: "pi", image: "perl" }] } } }));
    expect(problems(jobKind, j)).toEqual(['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
    const withPolicy = created(job({ podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [1] } }] }, template: template({}, { restartPolicy: "OnFailure" }) }));
    expect(problems(jobKind, withPolicy)).toEqual(['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified']);
  });

  it("checks counts, completion modes and pod failure rules", () => {
    const rules = [
      { action: "Restart", onExitCodes: { operator: "In", values: [3, 0, 3], containerName: "nope" } },
      { action: "Ignore" },
    ];
    const j = created(job({ parallelism: -1, completionMode: "Indexed", completions: undefined, backoffLimitPerIndex: undefined, podFailurePolicy: { rules } }));
    expect(problems(jobKind, j)).toEqual([
      "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
      "spec.completions: Required value: when completion mode is Indexed",
      'spec.podFailurePolicy.rules[0].action: Unsupported value: "Restart": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
      'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "nope": must be one of the container or initContainer names in the pod template',
      "spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator",
      "spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3",
      "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0,3]: must be ordered",
      "spec.podFailurePolicy.rules[1]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
    ]);
  });

  it("names indexed pods with valid hostnames", () => {
    const j = created({ ...job({ completionMode: "Indexed", completions: 10 }), metadata: { name: "a".repeat(62), namespace: "default", uid: UID } });
    expect(problems(jobKind, j)).toContain(`metadata.name: Invalid value: "${"a".repeat(62)}": will not able to create pod with invalid DNS label: ${"a".repeat(62)}-9`);
  });

  it("checks success policies of indexed jobs", () => {
    const nonIndexed = created(job({ successPolicy: { rules: [{ succeededCount: 1 }] } }));
    expect(problems(jobKind, nonIndexed)).toEqual(['spec.successPolicy: Invalid value: {"rules":[{"succeededCount":1}]}: requires indexed completion mode']);
    const indexed = created(job({ completionMode: "Indexed", completions: 5, successPolicy: { rules: [{ succeededIndexes: "0-2,2", succeededCount: 7 }] } }));
    expect(problems(jobKind, indexed)).toEqual([
      'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-2,2": error parsing succeededIndexes: non-increasing order, previous: 2, current: 2',
      "spec.successPolicy.rules[0].succeededCount: Invalid value: 7: must be less than or equal to 5 (the number of specified completions)",
      "spec.successPolicy.rules[0].succeededCount: Invalid value: 7: must be less than or equal to 0 (the number of indexes in the specified succeededIndexes field)",
    ]);
  });
});

describe("Job updates", () => {
  it("keeps the template immutable while the job runs", () => {
    const old = created(job());
    const next = structuredClone(old) as KubeObject & { spec: { template: { spec: { containers: { image: string }[] } } } };
    next.spec.template.spec.containers[0].image = "perl:5.40";
    const found = problems(jobKind, next, old);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^spec\.template: Invalid value: .*: field is immutable$/);
  });

  it("lets a suspended job that never started move its pods, but not change them", () => {
    const old = created(job({ suspend: true }));
    const moved = structuredClone(old) as KubeObject & { spec: { suspend: boolean; template: { spec: Record<string, unknown> } } };
    moved.spec.template.spec.nodeSelector = { zone: "b" };
    moved.spec.suspend = false;
    expect(problems(jobKind, moved, old)).toEqual([]);
    const started = { ...old, status: { startTime: ago(5) } } as KubeObject;
    expect(problems(jobKind, moved, started)).toHaveLength(1);
  });

  it("keeps completions and the selector", () => {
    const old = created(job());
    const next = structuredClone(old) as KubeObject & { spec: { completions: number } };
    next.spec.completions = 2;
    expect(problems(jobKind, next, old)).toEqual(["spec.completions: Invalid value: 2: field is immutable"]);
  });

  it("scales indexed jobs only with parallelism", () => {
    const old = created(job({ completionMode: "Indexed", completions: 3, parallelism: 3 }));
    const next = structuredClone(old) as KubeObject & { spec: { completions: number; parallelism: number } };
    next.spec.completions = 5;
    expect(problems(jobKind, next, old)).toEqual(["spec.completions: Invalid value: 5: can only be modified in tandem with spec.parallelism"]);
    next.spec.parallelism = 5;
    expect(problems(jobKind, next, old)).toEqual([]);
  });
});

describe("Job columns", () => {
  const conditions = (type: string) => ({ conditions: [{ type, status: "True" }] });

  it("shows STATUS COMPLETIONS DURATION AGE", () => {
    const running = obj(job({ completions: 3, parallelism: 1 }, { status: { startTime: ago(125), succeeded: 1 } }));
    expect(row(jobKind, running)).toMatchObject({ Status: "Running", Completions: "1/3", Duration: "2m5s", Age: "10m" });
    const done = obj(job({ completions: 1 }, { status: { startTime: ago(300), completionTime: ago(240), succeeded: 1, ...conditions("Complete") } }));
    expect(row(jobKind, done)).toMatchObject({ Status: "Complete", Completions: "1/1", Duration: "60s" });
    expect(row(jobKind, obj(job({ parallelism: 4 })))).toMatchObject({ Status: "Running", Completions: "0/1 of 4", Duration: "" });
  });

  it("reports failure, suspension and deletion", () => {
    expect(row(jobKind, obj(job({}, { status: conditions("Failed") }))).Status).toBe("Failed");
    expect(row(jobKind, obj(job({}, { status: conditions("Suspended") }))).Status).toBe("Suspended");
    expect(row(jobKind, obj(job({}, { status: conditions("FailureTarget") }))).Status).toBe("FailureTarget");
    const deleting = obj(job());
    deleting.metadata.deletionTimestamp = ago(1);
    expect(row(jobKind, deleting).Status).toBe("Terminating");
  });

  it("shows the pods and the generated selector with -o wide", () => {
    const j = created(job());
    expect(row(jobKind, j)).toMatchObject({ Containers: "pi", Images: "perl", Selector: `batch.kubernetes.io/controller-uid=${UID}` });
  });
});
