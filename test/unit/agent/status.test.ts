import { describe, expect, test } from "vitest";
import type { Pod } from "../../../src/apis/core/v1/pod";
import type { ContainerRun, ProbeView, Waiting } from "../../../src/agent/pods/model";
import { podStatus, type StatusInput } from "../../../src/agent/pods/status";
import { T0, container, exited, pod, running } from "./fixtures";

function status(p: Pod, runs: ContainerRun[], extra: Partial<StatusInput> = {}) {
  const probes = new Map<string, ProbeView>(runs.filter((r) => r.state.state === "running").map((r) => [r.id, { containerId: r.id, ready: true, started: true }]));
  return podStatus({ pod: p, runs, podIP: "10.0.0.5", hostIP: "192.168.1.2", probes, waiting: new Map(), runtime: "process", now: T0 + 5000, ...extra });
}

const cond = (s: ReturnType<typeof podStatus>, type: string) => {
  const c = (s.conditions ?? []).find((x) => x.type === type) as { status: string; reason?: string; message?: string } | undefined;
  return c && { status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
};

describe("pod status", () => {
  test("all containers running and ready: Running, every condition True, IPs, start time", () => {
    const s = status(pod(), [running("app")]);
    expect(s.phase).toBe("Running");
    for (const type of ["PodScheduled", "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"]) expect(cond(s, type)).toEqual({ status: "True" });
    expect(s).toMatchObject({ podIP: "10.0.0.5", podIPs: [{ ip: "10.0.0.5" }], hostIP: "192.168.1.2", startTime: "2026-01-01T00:00:05Z", qosClass: "BestEffort" });
    expect(s.containerStatuses?.[0]).toEqual({
      name: "app",
      image: "busybox",
      imageID: "",
      restartCount: 0,
      state: { running: { startedAt: "2026-01-01T00:00:00Z" } },
      lastState: {},
      ready: true,
      started: true,
      containerID: "process://app-0",
    });
    expect((s.conditions ?? []).map((c) => c.type)).toEqual(["PodScheduled", "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"]);
  });

  test("a container not started yet waits in ContainerCreating, or PodInitializing when there are init containers", () => {
    const s = status(pod(), [], { podIP: undefined });
    expect(s.phase).toBe("Pending");
    expect(s.containerStatuses?.[0].state).toEqual({ waiting: { reason: "ContainerCreating" } });
    expect(cond(s, "PodReadyToStartContainers")).toEqual({ status: "False" });
    expect(cond(s, "Ready")).toEqual({ status: "False", reason: "ContainersNotReady", message: "containers with unready status: [app]" });
    const withInit = status(pod({ initContainers: [container("init")] }), [running("init")]);
    expect(withInit.containerStatuses?.[0].state).toEqual({ waiting: { reason: "PodInitializing" } });
    expect(cond(withInit, "Initialized")).toEqual({ status: "False", reason: "ContainersNotInitialized", message: "containers with incomplete status: [init]" });
    expect(withInit.phase).toBe("Pending");
  });

  test("a completed init container is terminated, Completed and ready", () => {
    const s = status(pod({ initContainers: [container("init")] }), [exited("init", 0), running("app")]);
    expect(s.initContainerStatuses?.[0]).toMatchObject({ state: { terminated: { exitCode: 0, reason: "Completed", containerID: "process://init-0" } }, ready: true });
    expect(cond(s, "Initialized")).toEqual({ status: "True" });
  });

  test("CrashLoopBackOff: waiting with the back-off message, the crash as lastState, restartCount from the attempt; the pod stays Running", () => {
    const waiting = new Map<string, Waiting>([["app", { reason: "CrashLoopBackOff", message: "back-off 10s restarting failed container=app pod=p_ns(uid-1)" }]]);
    const s = status(pod(), [exited("app", 1, 0), exited("app", 2, 1, T0 + 3000)], { waiting });
    expect(s.phase).toBe("Running");
    expect(s.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      ready: false,
      state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s restarting failed container=app pod=p_ns(uid-1)" } },
      lastState: { terminated: { exitCode: 2, reason: "Error", finishedAt: "2026-01-01T00:00:03Z" } },
    });
  });

  test("restarted and running: the previous attempt is lastState", () => {
    const s = status(pod(), [exited("app", 1, 0), running("app", 1, T0 + 2000)]);
    expect(s.containerStatuses?.[0]).toMatchObject({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, containerID: "process://app-0" } } });
  });

  test.each([
    ["Never", [0], "Succeeded"],
    ["Never", [1], "Failed"],
    ["Never", [0, 1], "Failed"],
    ["OnFailure", [0], "Succeeded"],
    ["OnFailure", [1], "Running"],
    ["Always", [0], "Running"],
  ])("restartPolicy %s with exit codes %j: %s", (policy, codes, phase) => {
    const containers = codes.map((_, i) => container(`c${i}`));
    const runs = codes.map((code, i) => exited(`c${i}`, code));
    const s = status(pod({ restartPolicy: policy, containers }), runs);
    expect(s.phase).toBe(phase);
    if (phase === "Succeeded") expect(cond(s, "Ready")).toEqual({ status: "False", reason: "PodCompleted" });
    if (phase === "Failed") expect(cond(s, "ContainersReady")).toEqual({ status: "False", reason: "PodFailed" });
  });

  test("an init container failing under restartPolicy Never fails the pod", () => {
    expect(status(pod({ restartPolicy: "Never", initContainers: [container("init")] }), [exited("init", 3)]).phase).toBe("Failed");
  });

  test("a terminal pod (deleted and stopped) is Succeeded or Failed whatever the policy", () => {
    const s = status(pod(), [exited("app", 143)], { terminal: {} });
    expect(s.phase).toBe("Failed");
    expect(s.containerStatuses?.[0].state).toMatchObject({ terminated: { exitCode: 143 } });
    expect(status(pod(), [exited("app", 0)], { terminal: {} }).phase).toBe("Succeeded");
  });

  test("the terminal reason and message are reported (activeDeadlineSeconds)", () => {
    const s = status(pod(), [exited("app", 137)], { terminal: { reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" } });
    expect(s).toMatchObject({ phase: "Failed", reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" });
  });

  test("a phase once terminal stays terminal", () => {
    const p = pod();
    p.status = { phase: "Succeeded" };
    expect(status(p, [running("app")]).phase).toBe("Succeeded");
  });

  test("transition times move only when a condition's status does; other writers' conditions are kept", () => {
    const first = status(pod(), [running("app")], { now: T0 });
    const p: Pod = { ...pod(), status: { ...first, conditions: [...(first.conditions ?? []), { type: "DisruptionTarget", status: "True", lastTransitionTime: "2026-01-01T00:00:01Z" }] } };
    const again = status(p, [running("app")], { now: T0 + 60_000 });
    // Conditions the agent does not own come first, as the kubelet keeps them; times unchanged.
    expect((again.conditions ?? []).map((c) => [c.type, c.lastTransitionTime])).toEqual([
      ["PodScheduled", "2026-01-01T00:00:00Z"],
      ["DisruptionTarget", "2026-01-01T00:00:01Z"],
      ["PodReadyToStartContainers", "2026-01-01T00:00:00Z"],
      ["Initialized", "2026-01-01T00:00:00Z"],
      ["Ready", "2026-01-01T00:00:00Z"],
      ["ContainersReady", "2026-01-01T00:00:00Z"],
    ]);
    const unready = status(p, [running("app")], { now: T0 + 60_000, probes: new Map([["app-0", { containerId: "app-0", ready: false, started: true }]]) });
    expect((unready.conditions ?? []).find((c) => c.type === "Ready")).toMatchObject({ status: "False", lastTransitionTime: "2026-01-01T00:01:00Z" });
    expect((unready.conditions ?? []).find((c) => c.type === "Initialized")).toMatchObject({ lastTransitionTime: "2026-01-01T00:00:00Z" });
  });

  test("readiness gates hold Ready back until their conditions are True", () => {
    const p = pod({ readinessGates: [{ conditionType: "example.com/lb" }] });
    expect(cond(status(p, [running("app")]), "Ready")).toEqual({ status: "False", reason: "ReadinessGatesNotReady", message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.' });
    p.status = { conditions: [{ type: "example.com/lb", status: "True" }] };
    expect(cond(status(p, [running("app")]), "Ready")).toEqual({ status: "True" });
  });

  test("a container the runtime lost is ContainerStatusUnknown with exit code 137", () => {
    const lost: ContainerRun = { id: "app-0", name: "app", attempt: 0, state: { state: "unknown", message: "gone" } };
    expect(status(pod({ restartPolicy: "Never" }), [lost]).containerStatuses?.[0].state).toEqual({ terminated: { exitCode: 137, reason: "ContainerStatusUnknown", message: "gone", containerID: "process://app-0" } });
  });

  test("a finished container the runtime no longer has keeps the status the API shows", () => {
    const p = pod({ restartPolicy: "Never" });
    const finished = status(p, [exited("app", 0)]);
    p.status = finished;
    const again = status(p, []);
    expect(again.phase).toBe("Succeeded");
    expect(again.containerStatuses).toEqual(finished.containerStatuses);
  });
});
