import { describe, expect, test } from "vitest";
import type { MachineFacts } from "../../../src/agent/node/machine";
import { allocatable, capacity, nodeConditions, nodeLabels, nodeStatus, pressure, statusChanged } from "../../../src/agent/node/nodestatus";
import { renewedLease } from "../../../src/agent/node/leases";

const GiB = 2 ** 30;
const facts: MachineFacts = {
  hostname: "box",
  cpus: 4,
  memoryBytes: 8 * GiB,
  memoryAvailableBytes: 4 * GiB,
  diskBytes: 100 * GiB,
  diskAvailableBytes: 50 * GiB,
  os: "linux",
  arch: "amd64",
  kernelVersion: "6.1.0",
  osImage: "Debian GNU/Linux 12 (bookworm)",
  machineID: "m",
  systemUUID: "u",
  bootID: "b",
  pids: { used: 300, max: 4_194_304 },
};
const T0 = Date.parse("2026-01-01T00:00:00Z");

describe("node status", () => {
  test("labels, capacity and allocatable (less the kubelet's hard eviction thresholds)", () => {
    expect(nodeLabels("n1", facts)).toEqual({
      "kubernetes.io/hostname": "n1",
      "kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "beta.kubernetes.io/os": "linux",
      "beta.kubernetes.io/arch": "amd64",
    });
    expect(capacity(facts)).toEqual({ cpu: "4", memory: "8388608Ki", "ephemeral-storage": "104857600Ki", pods: "110" });
    expect(allocatable(facts)).toEqual({ cpu: "4", memory: "8286208Ki", "ephemeral-storage": String(Math.floor(100 * GiB * 0.9)), pods: "110" });
  });

  test("pressure from available memory, disk and pids", () => {
    expect(pressure(facts)).toEqual({ memory: false, disk: false, pid: false });
    expect(pressure({ ...facts, memoryAvailableBytes: 50 * 2 ** 20, diskAvailableBytes: 5 * GiB })).toEqual({ memory: true, disk: true, pid: false });
  });

  test("conditions: heartbeat always fresh, transition time kept while the status holds", () => {
    const first = nodeConditions(pressure(facts), { ready: true }, undefined, T0);
    expect(first.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["MemoryPressure", "False", "KubeletHasSufficientMemory"],
      ["DiskPressure", "False", "KubeletHasNoDiskPressure"],
      ["PIDPressure", "False", "KubeletHasSufficientPID"],
      ["Ready", "True", "KubeletReady"],
    ]);
    const later = nodeConditions(pressure(facts), { ready: false, message: "container runtime is down" }, first, T0 + 60_000);
    const ready = later.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "False", reason: "KubeletNotReady", message: "container runtime is down", lastHeartbeatTime: "2026-01-01T00:01:00Z", lastTransitionTime: "2026-01-01T00:01:00Z" });
    expect(later.find((c) => c.type === "DiskPressure")).toMatchObject({ lastHeartbeatTime: "2026-01-01T00:01:00Z", lastTransitionTime: "2026-01-01T00:00:00Z" });
  });

  test("a status that differs only in heartbeats is not a change", () => {
    const input = { facts, internalIP: "10.0.0.1", runtimeVersion: "process://v22", ready: { ready: true } };
    const a = nodeStatus({ ...input, now: T0 });
    const b = nodeStatus({ ...input, previous: a, now: T0 + 10_000 });
    expect(statusChanged(a, b)).toBe(false);
    expect(statusChanged(a, nodeStatus({ ...input, internalIP: "10.0.0.2", previous: a, now: T0 + 10_000 }))).toBe(true);
    expect(a.nodeInfo).toMatchObject({ kubeletVersion: "v1.32.0-edgeplane", containerRuntimeVersion: "process://v22", osImage: "Debian GNU/Linux 12 (bookworm)", architecture: "amd64", operatingSystem: "linux" });
    expect(a.addresses).toEqual([{ type: "InternalIP", address: "10.0.0.1" }, { type: "Hostname", address: "box" }]);
  });

  test("a lease names its holder, lasts 40 s, carries a microsecond renew time and the Node as owner", () => {
    expect(renewedLease({ name: "n1", uid: "node-uid" }, T0 + 1234, undefined)).toEqual({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "n1", namespace: "kube-node-lease", ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "n1", uid: "node-uid" }] },
      spec: { holderIdentity: "n1", leaseDurationSeconds: 40, renewTime: "2026-01-01T00:00:01.234000Z" },
    });
  });
});
