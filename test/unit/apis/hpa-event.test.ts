import { describe, expect, it } from "vitest";
import { scaleGroupVersionKind, scaleSchema } from "../../../src/apis/autoscaling/v1/scale";
import { hpaKind } from "../../../src/apis/autoscaling/v2/hpa";
import { eventKind } from "../../../src/apis/events/v1/event";
import { admit, ago, obj, problems, row } from "./kindtesting";

const meta = { name: "web", namespace: "default", creationTimestamp: ago(600) };

function hpa(spec: Record<string, unknown>, status?: Record<string, unknown>) {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta,
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 10, ...spec },
    ...(status ? { status } : {}),
  };
}

const cpu = (utilization: number) => ({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: utilization } } });

describe("HorizontalPodAutoscaler defaults", () => {
  it("scales on 80% CPU from one replica", () => {
    const h = admit(hpaKind, hpa({}));
    expect(h.spec).toMatchObject({ minReplicas: 1, metrics: [cpu(80)] });
    expect(h.spec).not.toHaveProperty("behavior");
    expect(problems(hpaKind, h)).toEqual([]);
  });

  it("completes a behavior field by field", () => {
    const h = admit(hpaKind, hpa({ metrics: [cpu(50)], behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }));
    expect((h.spec as { behavior: object }).behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [
          { type: "Pods", value: 4, periodSeconds: 15 },
          { type: "Percent", value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
    });
  });
});

describe("HorizontalPodAutoscaler validation", () => {
  it("checks the replica bounds and the target", () => {
    const h = admit(hpaKind, hpa({ minReplicas: 5, maxReplicas: 2, scaleTargetRef: { kind: "Deployment", name: "a/b" } }));
    expect(problems(hpaKind, h)).toEqual([
      "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
      'spec.scaleTargetRef.name: Invalid value: "a/b": may not contain \'/\'',
    ]);
    const zero = admit(hpaKind, hpa({ minReplicas: 0, maxReplicas: 0, scaleTargetRef: {} }));
    expect(problems(hpaKind, zero)).toEqual([
      "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
      "spec.maxReplicas: Invalid value: 0: must be greater than 0",
      "spec.scaleTargetRef.kind: Required value",
      "spec.scaleTargetRef.name: Required value",
      "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
    ]);
  });

  it("checks metric sources", () => {
    const metrics = [
      { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "0", averageUtilization: 50 } } },
      { type: "Pods", resource: cpu(0).resource },
      { type: "External", external: { metric: { name: "queue" }, target: { type: "Value" } } },
      { type: "Magic" },
    ];
    expect(problems(hpaKind, admit(hpaKind, hpa({ metrics })))).toEqual([
      'spec.metrics[0].resource.target.averageValue: Invalid value: "0": must be positive',
      "spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization",
      "spec.metrics[1].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
      "spec.metrics[1].pods: Required value: must populate information for the given metric source",
      "spec.metrics[2].external.target.averageValue: Required value: must set either a target value for metric or a per-pod target",
      'spec.metrics[3].type: Unsupported value: "Magic": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    ]);
  });

  it("checks scaling behavior", () => {
    const behavior = { scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: "Random", policies: [{ type: "Nodes", value: 0, periodSeconds: 2000 }] }, scaleDown: { policies: [] } };
    expect(problems(hpaKind, admit(hpaKind, hpa({ behavior })))).toEqual([
      "spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600",
      'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Random": supported values: "Disabled", "Max", "Min"',
      'spec.behavior.scaleUp.policies[0].type: Unsupported value: "Nodes": supported values: "Percent", "Pods"',
      "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
      "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800",
      "spec.behavior.scaleDown.policies: Required value: must specify at least one Policy",
    ]);
  });
});

describe("HorizontalPodAutoscaler columns", () => {
  it("shows REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE", () => {
    const h = obj(hpa({ minReplicas: 2, metrics: [cpu(80)] }, { currentReplicas: 3, desiredReplicas: 3, currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 42 } } }] }));
    expect(row(hpaKind, h)).toEqual({ Reference: "Deployment/web", Targets: "cpu: 42%/80%", MinPods: "2", MaxPods: 10, Replicas: 3, Age: "10m" });
  });

  it("writes targets as kubectl does before and after the first measurement", () => {
    const metrics = [
      cpu(80),
      { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "512Mi" } } },
      { type: "Pods", pods: { metric: { name: "rps" }, target: { type: "AverageValue", averageValue: "100" } } },
    ];
    expect(row(hpaKind, obj(hpa({ metrics }))).Targets).toBe("cpu: <unknown>/80%, memory: <unknown>/512Mi + 1 more...");
    const external = [{ type: "External", external: { metric: { name: "queue" }, target: { type: "AverageValue", averageValue: "30" } } }];
    const status = { currentMetrics: [{ type: "External", external: { metric: { name: "queue" }, current: { averageValue: "12" } } }] };
    expect(row(hpaKind, obj(hpa({ metrics: external }, status))).Targets).toBe("12/30 (avg)");
    expect(row(hpaKind, obj(hpa({})))).toMatchObject({ Targets: "<none>", MinPods: "<unset>", Replicas: 0 });
  });
});

describe("events.k8s.io Event", () => {
  function event(fields: Record<string, unknown> = {}) {
    return {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "web.1", namespace: "default", creationTimestamp: ago(90) },
      eventTime: ago(90),
      reportingController: "edgeplane.dev/deployment-controller",
      reportingInstance: "controller-1",
      action: "Scale",
      reason: "ScalingReplicaSet",
      regarding: { kind: "Deployment", namespace: "default", name: "web", apiVersion: "apps/v1" },
      note: "Scaled up replica set web-7d9 to 3 ",
      type: "Normal",
      ...fields,
    };
  }

  it("accepts a new-style event and shows it as kubectl does", () => {
    const e = admit(eventKind, event());
    expect(problems(eventKind, e)).toEqual([]);
    expect(row(eventKind, e)).toEqual({
      "Last Seen": "90s",
      Type: "Normal",
      Reason: "ScalingReplicaSet",
      Object: "deployment/web",
      Subobject: "",
      Source: "edgeplane.dev/deployment-controller, controller-1",
      Message: "Scaled up replica set web-7d9 to 3",
      "First Seen": "90s",
      Count: 1,
    });
    const repeated = obj(event({ series: { count: 4, lastObservedTime: ago(5) } }));
    expect(row(eventKind, repeated)).toMatchObject({ "Last Seen": "5s", Count: 4 });
  });

  it("validates creation as the events.k8s.io API does", () => {
    const e = admit(eventKind, event({ eventTime: null, type: "Info", reportingInstance: "", action: "", deprecatedCount: 3, series: { count: 1 } }));
    expect(problems(eventKind, e)).toEqual([
      "series.count: Invalid value: \"\": should be at least 2",
      "series.lastObservedTime: Required value",
      "eventTime: Required value",
      'type: Invalid value: "": has invalid value: Info',
      'deprecatedCount: Invalid value: "": needs to be unset',
    ]);
    const elsewhere = admit(eventKind, event({ regarding: { kind: "Node", name: "n1" }, metadata: { name: "n1.1", namespace: "team-a" } }));
    expect(problems(eventKind, elsewhere)).toEqual(['involvedObject.namespace: Invalid value: "": does not match event.namespace']);
  });

  it("keeps what happened immutable", () => {
    const old = admit(eventKind, event());
    const next = admit(eventKind, event({ note: "something else", series: { count: 2, lastObservedTime: ago(1) } }));
    expect(problems(eventKind, next, old)).toEqual(['message: Invalid value: "something else": field is immutable']);
  });

  it("is served as a resource of its own group", () => {
    expect(eventKind).toMatchObject({ group: "events.k8s.io", version: "v1", plural: "events", shortNames: ["ev"] });
  });
});

describe("autoscaling/v1 Scale", () => {
  it("is the body of scale subresources", () => {
    expect(scaleGroupVersionKind).toEqual({ group: "autoscaling", version: "v1", kind: "Scale" });
    const scale = { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web", namespace: "default" }, spec: { replicas: 3 }, status: { replicas: 2, selector: "app=web" } };
    expect(scaleSchema.safeParse(scale).success).toBe(true);
    expect(scaleSchema.safeParse({ ...scale, spec: { replicas: 3, extra: 1 } }).success).toBe(false);
  });
});
