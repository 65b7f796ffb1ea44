import { describe, expect, it } from "vitest";
import { daemonSetKind } from "../../../src/apis/apps/v1/daemonset";
import { replicaSetKind } from "../../../src/apis/apps/v1/replicaset";
import { formatLabelSelector, formatLabels, selectorString } from "../../../src/apis/apps/v1/labels";
import { admit, ago, obj, problems, row, template } from "./kindtesting";

const meta = { name: "x", namespace: "default", creationTimestamp: ago(90) };

function replicaSet(spec: Record<string, unknown> = {}, status?: Record<string, unknown>) {
  return { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: meta, spec: { selector: { matchLabels: { app: "web" } }, template: template({ app: "web" }), ...spec }, ...(status ? { status } : {}) };
}

function daemonSet(spec: Record<string, unknown> = {}, status?: Record<string, unknown>) {
  return { apiVersion: "apps/v1", kind: "DaemonSet", metadata: meta, spec: { selector: { matchLabels: { app: "agent" } }, template: template({ app: "agent" }), ...spec }, ...(status ? { status } : {}) };
}

describe("ReplicaSet", () => {
  it("defaults replicas to 1 and validates like a Deployment", () => {
    const rs = admit(replicaSetKind, replicaSet());
    expect(rs.spec).toMatchObject({ replicas: 1 });
    expect(problems(replicaSetKind, rs)).toEqual([]);
    const bad = admit(replicaSetKind, replicaSet({ replicas: -2, minReadySeconds: -1, selector: { matchLabels: { app: "other" } } }));
    expect(problems(replicaSetKind, bad)).toEqual([
      "spec.replicas: Invalid value: -2: must be greater than or equal to 0",
      "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it("keeps the selector immutable", () => {
    const old = admit(replicaSetKind, replicaSet());
    const next = admit(replicaSetKind, replicaSet({ selector: { matchExpressions: [{ key: "app", operator: "Exists" }] } }));
    expect(problems(replicaSetKind, next, old)).toEqual(['spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Exists"}]}: field is immutable']);
  });

  it("shows DESIRED CURRENT READY AGE and the wide columns", () => {
    const rs = obj(replicaSet({ replicas: 3 }, { replicas: 3, readyReplicas: 1 }));
    expect(row(replicaSetKind, rs)).toEqual({ Desired: 3, Current: 3, Ready: 1, Age: "90s", Containers: "web", Images: "nginx:1.27", Selector: "app=web" });
  });

  it("has the scale subresource", () => {
    expect(replicaSetKind).toMatchObject({ shortNames: ["rs"], categories: ["all"], scale: { specReplicasPath: "spec.replicas" } });
  });
});

describe("DaemonSet", () => {
  it("defaults a rolling update of one node at a time", () => {
    const ds = admit(daemonSetKind, daemonSet());
    expect(ds.spec).toMatchObject({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 });
    expect(problems(daemonSetKind, ds)).toEqual([]);
    const onDelete = admit(daemonSetKind, daemonSet({ updateStrategy: { type: "OnDelete" } }));
    expect(onDelete.spec).toMatchObject({ updateStrategy: { type: "OnDelete" } });
    expect(problems(daemonSetKind, onDelete)).toEqual([]);
  });

  it("wants exactly one of maxSurge and maxUnavailable", () => {
    const both = admit(daemonSetKind, daemonSet({ updateStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: "10%" } } }));
    expect(problems(daemonSetKind, both)).toEqual(['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "10%": may not be set when maxUnavailable is non-zero']);
    const neither = admit(daemonSetKind, daemonSet({ updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }));
    expect(problems(daemonSetKind, neither)).toEqual(["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"]);
  });

  it("checks the selector against the template, and keeps it immutable", () => {
    const noSelector = admit(daemonSetKind, daemonSet({ selector: undefined }));
    expect(problems(daemonSetKind, noSelector)).toEqual(['spec.template.metadata.labels: Invalid value: {"app":"agent"}: `selector` does not match template `labels`']);
    const empty = admit(daemonSetKind, daemonSet({ selector: {} }));
    expect(problems(daemonSetKind, empty)).toEqual(["spec.selector: Invalid value: {}: empty selector is invalid for daemonset"]);
    const old = admit(daemonSetKind, daemonSet());
    const next = admit(daemonSetKind, daemonSet({ selector: { matchLabels: { app: "agent", v: "2" } }, template: template({ app: "agent", v: "2" }) }));
    expect(problems(daemonSetKind, next, old)).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"agent","v":"2"}}: field is immutable']);
  });

  it("forbids deadlines and other restart policies", () => {
    const ds = admit(daemonSetKind, daemonSet({ template: template({ app: "agent" }, { restartPolicy: "OnFailure", activeDeadlineSeconds: 5 }) }));
    expect(problems(daemonSetKind, ds)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported",
    ]);
  });

  it("shows its node counts and node selector", () => {
    const status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
    const ds = obj(daemonSet({ template: template({ app: "agent" }, { nodeSelector: { "kubernetes.io/os": "linux", disk: "ssd" } }) }, status));
    expect(row(daemonSetKind, ds)).toEqual({
      Desired: 3,
      Current: 3,
      Ready: 2,
      "Up-to-date": 3,
      Available: 2,
      "Node Selector": "disk=ssd,kubernetes.io/os=linux",
      Age: "90s",
      Containers: "web",
      Images: "nginx:1.27",
      Selector: "app=agent",
    });
    expect(row(daemonSetKind, obj(daemonSet()))).toMatchObject({ Desired: 0, "Node Selector": "<none>" });
  });
});

describe("label formatting", () => {
  it("writes selectors as labels.Selector.String() does", () => {
    const sel = {
      matchLabels: { b: "2", a: "1" },
      matchExpressions: [
        { key: "z", operator: "NotIn", values: ["y", "x"] },
        { key: "c", operator: "Exists" },
        { key: "d", operator: "DoesNotExist" },
      ],
    };
    expect(selectorString(sel)).toBe("a=1,b=2,c,!d,z notin (x,y)");
    expect(formatLabelSelector(undefined)).toBe("<none>");
    expect(formatLabelSelector({})).toBe("<none>");
    expect(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Near" }] })).toBe("<error>");
    expect(formatLabels({})).toBe("<none>");
  });
});
