import { describe, expect, it } from "vitest";
import { podKind } from "../../../src/apis/core/v1/pod";
import type { KubeObject } from "../../../src/apis/types";

const NOW = new Date("2024-05-01T12:00:00Z");
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

function pod(spec: Record<string, unknown>, status: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", creationTimestamp: ago(3600), ...meta }, spec, status };
}

/** The row kubectl would print (server-side table, wide columns included). */
function row(obj: KubeObject): Record<string, unknown> {
  return Object.fromEntries(podKind.columns.map((c) => [c.name, c.cell(obj, NOW)]));
}

const container = (name: string) => ({ name, image: "app:1" });
const running = (name: string, extra: Record<string, unknown> = {}) => ({ name, ready: true, restartCount: 0, image: "app:1", imageID: "", state: { running: { startedAt: ago(60) } }, ...extra });

describe("pod columns", () => {
  it("shows a running pod with its wide columns", () => {
    const p = pod({ containers: [container("a"), container("b")], nodeName: "n1" }, { phase: "Running", podIPs: [{ ip: "10.0.0.5" }], podIP: "10.0.0.5", containerStatuses: [running("a"), running("b", { ready: false })] });
    expect(row(p)).toEqual({
      Ready: "1/2",
      Status: "Running",
      Restarts: "0",
      Age: "60m",
      IP: "10.0.0.5",
      Node: "n1",
      "Nominated Node": "<none>",
      "Readiness Gates": "<none>",
    });
  });

  it("shows CrashLoopBackOff with restarts and when the last one was", () => {
    const crashing = {
      name: "a",
      ready: false,
      restartCount: 5,
      image: "app:1",
      imageID: "",
      state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s" } },
      lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(300) } },
    };
    const r = row(pod({ containers: [container("a")] }, { phase: "Running", containerStatuses: [crashing] }));
    expect(r).toMatchObject({ Ready: "0/1", Status: "CrashLoopBackOff", Restarts: "5 (5m ago)" });
  });

  it("shows init progress, init failures and sidecars", () => {
    const spec = { initContainers: [container("i1"), container("i2")], containers: [container("a")] };
    const done = { name: "i1", ready: false, restartCount: 0, image: "", imageID: "", state: { terminated: { exitCode: 0, reason: "Completed" } } };
    const waiting = { name: "i2", ready: false, restartCount: 0, image: "", imageID: "", state: { waiting: { reason: "PodInitializing" } } };
    expect(row(pod(spec, { phase: "Pending", initContainerStatuses: [done, waiting] })).Status).toBe("Init:1/2");
    const failed = { ...waiting, state: { terminated: { exitCode: 2 } } };
    expect(row(pod(spec, { phase: "Pending", initContainerStatuses: [done, failed] })).Status).toBe("Init:ExitCode:2");
    const pulling = { ...waiting, state: { waiting: { reason: "ErrImagePull" } } };
    expect(row(pod(spec, { phase: "Pending", initContainerStatuses: [done, pulling] })).Status).toBe("Init:ErrImagePull");

    const sidecarSpec = { initContainers: [{ ...container("side"), restartPolicy: "Always" }], containers: [container("a")] };
    const sidecar = running("side", { started: true });
    const r = row(pod(sidecarSpec, { phase: "Running", initContainerStatuses: [sidecar], containerStatuses: [running("a")], conditions: [{ type: "Initialized", status: "True" }] }));
    expect(r).toMatchObject({ Ready: "2/2", Status: "Running" });
  });

  it("shows Completed, Terminating and a pending pod", () => {
    const completed = { name: "a", ready: false, restartCount: 0, image: "", imageID: "", state: { terminated: { exitCode: 0, reason: "Completed" } } };
    expect(row(pod({ containers: [container("a")] }, { phase: "Succeeded", containerStatuses: [completed] })).Status).toBe("Completed");
    const deleting = pod({ containers: [container("a")] }, { phase: "Running", containerStatuses: [running("a")] }, { deletionTimestamp: ago(1) });
    expect(row(deleting).Status).toBe("Terminating");
    expect(row(pod({ containers: [container("a")] }, { phase: "Pending" }))).toMatchObject({ Ready: "0/1", Status: "Pending", IP: "<none>", Node: "<none>" });
    const gated = pod({ containers: [container("a")] }, { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] });
    expect(row(gated).Status).toBe("SchedulingGated");
  });

  it("counts readiness gates that are true", () => {
    const p = pod({ containers: [container("a")], readinessGates: [{ conditionType: "x/one" }, { conditionType: "x/two" }] }, { conditions: [{ type: "x/one", status: "True" }] });
    expect(row(p)["Readiness Gates"]).toBe("1/2");
  });
});

describe("pod kind", () => {
  it("defaults a new pod: template defaults, admission, Pending and its QoS class", () => {
    const p = pod({ containers: [{ name: "a", image: "app:1", resources: { limits: { cpu: "1", memory: "1Gi" } } }] }, {});
    podKind.defaults?.(p);
    expect(p.spec).toMatchObject({ serviceAccountName: "default", enableServiceLinks: true, containers: [{ resources: { requests: { cpu: "1", memory: "1Gi" } } }] });
    expect(p.status).toEqual({ phase: "Pending", qosClass: "Guaranteed" });
    const burstable = pod({ containers: [{ name: "a", image: "app:1", resources: { requests: { cpu: "100m" } } }] }, {});
    podKind.defaults?.(burstable);
    expect(burstable.status).toMatchObject({ qosClass: "Burstable" });
    const bestEffort = pod({ containers: [container("a")] }, {});
    podKind.defaults?.(bestEffort);
    expect(bestEffort.status).toMatchObject({ qosClass: "BestEffort" });
  });

  it("forbids ephemeral containers on create", () => {
    const p = pod({ containers: [container("a")], ephemeralContainers: [container("dbg")] });
    podKind.defaults?.(p);
    expect(podKind.validate?.(p).map((c) => c.field)).toContain("spec.ephemeralContainers");
  });

  it("lets an update change images, add tolerations and shorten activeDeadlineSeconds only", () => {
    const old = pod({ containers: [container("a")], activeDeadlineSeconds: 100 });
    podKind.defaults?.(old);
    const next = structuredClone(old);
    const spec = next.spec as { containers: { image: string }[]; activeDeadlineSeconds: number; tolerations: unknown[] };
    spec.containers[0].image = "app:2";
    spec.activeDeadlineSeconds = 50;
    spec.tolerations = [...spec.tolerations, { key: "k", operator: "Exists" }];
    expect(podKind.validate?.(next, old)).toEqual([]);

    spec.activeDeadlineSeconds = 200;
    expect(podKind.validate?.(next, old)).toEqual([
      { reason: "FieldValueInvalid", field: "spec.activeDeadlineSeconds", message: "Invalid value: 200: must be less than or equal to previous value" },
    ]);

    const renamed = structuredClone(old);
    (renamed.spec as { restartPolicy: string }).restartPolicy = "Never";
    const [cause] = podKind.validate?.(renamed, old) ?? [];
    expect(cause).toMatchObject({ reason: "FieldValueForbidden", field: "spec" });
    expect(cause.message).toContain("pod updates may not change fields other than `spec.containers[*].image`");
    expect(cause.message).toContain("spec.restartPolicy");
  });

  it("selects by the fields Kubernetes supports", () => {
    const p = pod({ nodeName: "n1", hostNetwork: true }, { phase: "Running", podIPs: [{ ip: "10.0.0.9" }] });
    const fields = podKind.selectableFields ?? {};
    expect(Object.keys(fields).sort()).toEqual([
      "spec.hostNetwork",
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "status.nominatedNodeName",
      "status.phase",
      "status.podIP",
    ]);
    expect([fields["spec.nodeName"](p), fields["spec.hostNetwork"](p), fields["status.podIP"](p), fields["status.phase"](p)]).toEqual(["n1", "true", "10.0.0.9", "Running"]);
  });
});
