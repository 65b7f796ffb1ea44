import { describe, expect, test } from "vitest";
import { computePodActions, type ActionInput } from "../../../src/agent/pods/actions";
import type { ProbeView } from "../../../src/agent/pods/model";
import { T0, container, exited, pod, running } from "./fixtures";

function decide(input: Partial<ActionInput> & Pick<ActionInput, "pod">) {
  const a = computePodActions({ runs: [], hasSandbox: true, probes: new Map(), backoff: new Map(), now: T0 + 1000, ...input });
  return { ...a, start: a.start.map((s) => s.container.name), kill: a.kill.map((k) => k.id) };
}

describe("pod actions", () => {
  test("a new pod gets a sandbox and all its containers", () => {
    const p = pod({ containers: [container("a"), container("b")] });
    expect(decide({ pod: p, hasSandbox: false })).toMatchObject({ createSandbox: true, start: ["a", "b"], kill: [] });
  });

  test("init containers run one at a time, in order, before the containers", () => {
    const p = pod({ initContainers: [container("i1"), container("i2")], containers: [container("a")] });
    expect(decide({ pod: p }).start).toEqual(["i1"]);
    expect(decide({ pod: p, runs: [running("i1")] }).start).toEqual([]);
    expect(decide({ pod: p, runs: [exited("i1", 0)] }).start).toEqual(["i2"]);
    expect(decide({ pod: p, runs: [exited("i1", 0), exited("i2", 0)] }).start).toEqual(["a"]);
  });

  test("a failed init container is restarted, or fails the pod under restartPolicy Never", () => {
    const spec = { initContainers: [container("i1")], containers: [container("a")] };
    expect(decide({ pod: pod(spec), runs: [exited("i1", 1)] }).start).toEqual(["i1"]);
    expect(decide({ pod: pod({ ...spec, restartPolicy: "OnFailure" }), runs: [exited("i1", 1)] }).start).toEqual(["i1"]);
    expect(decide({ pod: pod({ ...spec, restartPolicy: "Never" }), runs: [exited("i1", 1)] })).toMatchObject({ podFailed: true, start: [] });
  });

  test.each([
    ["Always", 0, true],
    ["Always", 1, true],
    ["OnFailure", 0, false],
    ["OnFailure", 1, true],
    ["Never", 0, false],
    ["Never", 1, false],
  ])("restartPolicy %s, exit %i: restarted %s", (policy, code, restarted) => {
    expect(decide({ pod: pod({ restartPolicy: policy }), runs: [exited("app", code)] }).start).toEqual(restarted ? ["app"] : []);
  });

  test("CrashLoopBackOff: immediate first restart, then waits counted from when the container finished", () => {
    const p = pod();
    const first = decide({ pod: p, runs: [exited("app", 1, 0, T0)], now: T0 });
    expect(first.start).toEqual(["app"]);
    expect(first.backoff.get("app")).toEqual({ backoffMs: 10_000, lastUpdate: T0 });

    const second = decide({ pod: p, runs: [exited("app", 1, 1, T0 + 2000)], backoff: first.backoff, now: T0 + 3000 });
    expect(second.start).toEqual([]);
    expect(second.waiting.get("app")).toEqual({ reason: "CrashLoopBackOff", message: "back-off 10s restarting failed container=app pod=p_ns(uid-1)" });
    expect(second.wakeAt).toBe(T0 + 12_000);

    const third = decide({ pod: p, runs: [exited("app", 1, 1, T0 + 2000)], backoff: first.backoff, now: T0 + 12_000 });
    expect(third.start).toEqual(["app"]);
    expect(third.backoff.get("app")?.backoffMs).toBe(20_000);
  });

  test("a container failing its liveness probe is killed; restart comes with the next sync", () => {
    const run = running("app");
    const probes = new Map<string, ProbeView>([[run.id, { containerId: run.id, ready: false, started: true, failed: { probe: "liveness", message: "Container app failed liveness probe, will be restarted" } }]]);
    expect(decide({ pod: pod(), runs: [run], probes })).toMatchObject({ kill: ["app-0"], start: [] });
  });

  test("sidecars start in init order, do not block once started, and are always restarted", () => {
    const p = pod({ restartPolicy: "Never", initContainers: [container("side", { restartPolicy: "Always" }), container("i1")], containers: [container("a")] });
    expect(decide({ pod: p }).start).toEqual(["side"]);
    expect(decide({ pod: p, runs: [running("side")] }).start).toEqual(["i1"]);
    expect(decide({ pod: p, runs: [running("side"), exited("i1", 0)] }).start).toEqual(["a"]);
    expect(decide({ pod: p, runs: [exited("side", 1), exited("i1", 0), running("a")] }).start).toEqual(["side"]);
  });

  test("a sidecar is stopped once the regular containers have finished for good", () => {
    const p = pod({ restartPolicy: "Never", initContainers: [container("side", { restartPolicy: "Always" })], containers: [container("a")] });
    expect(decide({ pod: p, runs: [running("side"), exited("a", 0)] })).toMatchObject({ kill: ["side-0"], start: [] });
  });

  test("running containers are left alone", () => {
    expect(decide({ pod: pod(), runs: [running("app")] })).toMatchObject({ createSandbox: false, start: [], kill: [] });
  });
});
