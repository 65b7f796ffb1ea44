// Pods and container runs for the agent's decision tests.
import type { Container } from "../../../src/apis/core/v1/container";
import type { Pod } from "../../../src/apis/core/v1/pod";
import type { ContainerRun } from "../../../src/agent/pods/model";

export const T0 = Date.parse("2026-01-01T00:00:00Z");

export function pod(spec: Partial<NonNullable<Pod["spec"]>> = {}, meta: Partial<Pod["metadata"]> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns", uid: "uid-1", resourceVersion: "5", ...meta },
    spec: { nodeName: "n1", restartPolicy: "Always", containers: [container("app")], ...spec },
    status: { phase: "Pending", qosClass: "BestEffort" },
  };
}

export function container(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: "busybox", command: ["sh", "-c", "sleep 1000"], ...extra };
}

export function running(name: string, attempt = 0, startedAt = T0): ContainerRun {
  return { id: `${name}-${attempt}`, name, attempt, state: { state: "running", startedAt: new Date(startedAt).toISOString() } };
}

export function exited(name: string, exitCode: number, attempt = 0, finishedAt = T0 + 1000): ContainerRun {
  return {
    id: `${name}-${attempt}`,
    name,
    attempt,
    state: { state: "exited", exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt: new Date(finishedAt - 1000).toISOString(), finishedAt: new Date(finishedAt).toISOString() },
  };
}
