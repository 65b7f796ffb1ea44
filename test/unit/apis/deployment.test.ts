import { describe, expect, it } from "vitest";
import { deploymentKind } from "../../../src/apis/apps/v1/deployment";
import { admit, ago, obj, problems, row, template } from "./kindtesting";

function deployment(spec: Record<string, unknown> = {}, status?: Record<string, unknown>) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", creationTimestamp: ago(3600) },
    spec: { selector: { matchLabels: { app: "web" } }, template: template({ app: "web" }), ...spec },
    ...(status ? { status } : {}),
  };
}

describe("Deployment defaults", () => {
  it("fills in what Kubernetes fills in", () => {
    const d = admit(deploymentKind, deployment());
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst", terminationGracePeriodSeconds: 30 } },
    });
  });

  it("keeps what the user set and gives Recreate no rollingUpdate", () => {
    const d = admit(deploymentKind, deployment({ replicas: 0, strategy: { type: "Recreate" }, revisionHistoryLimit: 0 }));
    expect(d.spec).toMatchObject({ replicas: 0, strategy: { type: "Recreate" }, revisionHistoryLimit: 0 });
    expect((d.spec as { strategy: object }).strategy).not.toHaveProperty("rollingUpdate");
  });

  it("rejects unknown fields through the schema", () => {
    const parsed = deploymentKind.schema.safeParse(deployment({ replica: 3 }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["replica"], path: ["spec"] });
  });
});

describe("Deployment validation", () => {
  it("accepts a well-formed deployment", () => {
    expect(problems(deploymentKind, admit(deploymentKind, deployment()))).toEqual([]);
  });

  it("requires a selector that matches the template's labels", () => {
    const mismatch = admit(deploymentKind, deployment({ selector: { matchLabels: { app: "api" } } }));
    expect(problems(deploymentKind, mismatch)).toEqual(['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']);
    const missing = admit(deploymentKind, deployment({ selector: undefined }));
    expect(problems(deploymentKind, missing)).toEqual([
      "spec.selector: Required value",
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]);
    const empty = admit(deploymentKind, deployment({ selector: {} }));
    expect(problems(deploymentKind, empty)).toEqual(["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]);
  });

  it("matches selectors with expressions", () => {
    const sel = { matchExpressions: [{ key: "app", operator: "In", values: ["web", "www"] }, { key: "canary", operator: "DoesNotExist" }] };
    expect(problems(deploymentKind, admit(deploymentKind, deployment({ selector: sel })))).toEqual([]);
  });

  it("keeps the selector immutable", () => {
    const old = admit(deploymentKind, deployment());
    const changed = admit(deploymentKind, deployment({ selector: { matchLabels: { app: "web", tier: "fe" } }, template: template({ app: "web", tier: "fe" }) }));
    expect(problems(deploymentKind, changed, old)).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable']);
    const scaled = admit(deploymentKind, deployment({ replicas: 5 }));
    expect(problems(deploymentKind, scaled, old)).toEqual([]);
  });

  it("checks replicas, the rolling update bounds and the deadline", () => {
    const d = admit(
      deploymentKind,
      deployment({ replicas: -1, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "0%" } }, minReadySeconds: 600, progressDeadlineSeconds: 600 }),
    );
    expect(problems(deploymentKind, d)).toEqual([
      "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
      "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds",
    ]);
    const bad = admit(deploymentKind, deployment({ strategy: { rollingUpdate: { maxSurge: "five", maxUnavailable: "150%" } } }));
    expect(problems(deploymentKind, bad)).toEqual([
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"five\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    ]);
  });

  it("rejects rollingUpdate with Recreate and unknown strategies", () => {
    const recreate = admit(deploymentKind, deployment({ strategy: { type: "Recreate", rollingUpdate: { maxSurge: 1 } } }));
    expect(problems(deploymentKind, recreate)).toEqual(["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
    const unknown = admit(deploymentKind, deployment({ strategy: { type: "BlueGreen" } }));
    expect(problems(deploymentKind, unknown)).toEqual(['spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"']);
  });

  it("runs pods that restart Always and have no deadline", () => {
    const d = admit(deploymentKind, deployment({ template: template({ app: "web" }, { restartPolicy: "Never", activeDeadlineSeconds: 60 }) }));
    expect(problems(deploymentKind, d)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
    ]);
  });

  it("validates the pod template", () => {
    const d = admit(deploymentKind, deployment({ template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web" }] } } }));
    expect(problems(deploymentKind, d)).toContain("spec.template.spec.containers[0].image: Required value");
  });
});

describe("Deployment columns", () => {
  it("shows READY UP-TO-DATE AVAILABLE AGE and the wide columns", () => {
    const spec = {
      replicas: 3,
      selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }] },
      template: { metadata: { labels: { app: "web", tier: "a" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }, { name: "log", image: "fluent-bit:3" }] } },
    };
    const d = obj(deployment(spec, { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 }));
    expect(row(deploymentKind, d)).toEqual({
      Ready: "2/3",
      "Up-to-date": 3,
      Available: 2,
      Age: "60m",
      Containers: "web,log",
      Images: "nginx:1.27,fluent-bit:3",
      Selector: "app=web,tier in (a,b)",
    });
    expect(deploymentKind.columns.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(["Containers", "Images", "Selector"]);
  });

  it("counts a fresh deployment as 0 ready", () => {
    expect(row(deploymentKind, obj(deployment({ replicas: 1 })))).toMatchObject({ Ready: "0/1", "Up-to-date": 0, Available: 0 });
  });
});

describe("Deployment definition", () => {
  it("is served as Kubernetes serves it", () => {
    expect(deploymentKind).toMatchObject({ group: "apps", version: "v1", plural: "deployments", shortNames: ["deploy"], categories: ["all"], statusField: "status" });
    expect(deploymentKind.scale).toEqual({ specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas", labelSelectorPath: "spec.selector" });
  });
});
