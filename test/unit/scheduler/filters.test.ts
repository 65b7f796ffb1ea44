import { describe, expect, it } from "vitest";
import { nodeAffinity, nodePorts, nodeReady, nodeResourcesFit, nodeUnschedulable, runFilters, taintToleration } from "../../../src/scheduler/filters";
import { preparePod } from "../../../src/scheduler/podinfo";
import { cacheWith, makeNode, makePod, type NodeOptions, type PodOptions } from "./fixtures";

function onNode(nodeOpts: NodeOptions, podOpts: PodOptions, existing: PodOptions[] = []) {
  const cache = cacheWith([makeNode("n1", nodeOpts)], existing.map((o, i) => makePod(`old-${i}`, { ...o, nodeName: "n1" })));
  return { pod: preparePod(makePod("new", podOpts)), node: cache.node("n1")! };
}

describe("NodeUnschedulable", () => {
  it("filters a cordoned node unless the pod tolerates node.kubernetes.io/unschedulable", () => {
    const { pod, node } = onNode({ unschedulable: true }, {});
    expect(nodeUnschedulable(pod, node)).toEqual(["node(s) were unschedulable"]);
    const tolerant = onNode({ unschedulable: true }, { spec: { tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }] } });
    expect(nodeUnschedulable(tolerant.pod, tolerant.node)).toBeNull();
  });
});

describe("TaintToleration and node readiness", () => {
  it("reports the first NoSchedule or NoExecute taint the pod does not tolerate", () => {
    const taints = [
      { key: "soft", effect: "PreferNoSchedule" },
      { key: "dedicated", value: "db", effect: "NoSchedule" },
    ];
    const { pod, node } = onNode({ taints }, {});
    expect(taintToleration(pod, node)).toEqual(["node(s) had untolerated taint {dedicated: db}"]);
    const ok = onNode({ taints }, { spec: { tolerations: [{ key: "dedicated", operator: "Equal", value: "db" }] } });
    expect(taintToleration(ok.pod, ok.node)).toBeNull();
  });

  it("writes an empty value as Kubernetes does", () => {
    const { pod, node } = onNode({ taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] }, {});
    expect(taintToleration(pod, node)).toEqual(["node(s) had untolerated taint {node.kubernetes.io/unreachable: }"]);
  });

  it("filters a node that is not Ready as the not-ready or unreachable taint would", () => {
    const down = onNode({ ready: "False" }, {});
    expect(nodeReady(down.pod, down.node)).toEqual(["node(s) had untolerated taint {node.kubernetes.io/not-ready: }"]);
    const gone = onNode({ ready: "Unknown" }, {});
    expect(nodeReady(gone.pod, gone.node)).toEqual(["node(s) had untolerated taint {node.kubernetes.io/unreachable: }"]);
    const tolerant = onNode({ ready: "Unknown" }, { spec: { tolerations: [{ operator: "Exists" }] } });
    expect(nodeReady(tolerant.pod, tolerant.node)).toBeNull();
    // The default NoExecute tolerations do not let a pod onto a node that is not ready.
    const defaults = onNode({ ready: "False" }, { spec: { tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }] } });
    expect(nodeReady(defaults.pod, defaults.node)).not.toBeNull();
  });
});

describe("NodeAffinity", () => {
  it("uses Kubernetes' reason", () => {
    const { pod, node } = onNode({ labels: { disk: "hdd" } }, { spec: { nodeSelector: { disk: "ssd" } } });
    expect(nodeAffinity(pod, node)).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });
});

describe("NodePorts", () => {
  const port = (hostPort: number, protocol?: string, hostIP?: string) => ({ containers: [{ ports: [{ containerPort: 80, hostPort, protocol, hostIP }] }] });
  it.each<[string, PodOptions, PodOptions, boolean]>([
    ["same port, both on all addresses", port(8080), port(8080), true],
    ["another port", port(8080), port(8081), false],
    ["same port, another protocol", port(53, "UDP"), port(53, "TCP"), false],
    ["same port, different addresses", port(80, "TCP", "10.0.0.1"), port(80, "TCP", "10.0.0.2"), false],
    ["same port, same address", port(80, "TCP", "10.0.0.1"), port(80, "TCP", "10.0.0.1"), true],
    ["0.0.0.0 in use clashes with any address", port(80), port(80, "TCP", "10.0.0.1"), true],
    ["any address wanted clashes with one in use", port(80, "TCP", "10.0.0.1"), port(80), true],
  ])("%s", (_name, used, wanted, conflict) => {
    const { pod, node } = onNode({}, wanted, [used]);
    expect(nodePorts(pod, node)).toEqual(conflict ? ["node(s) didn't have free ports for the requested pod ports"] : null);
  });
});

describe("NodeResourcesFit", () => {
  it("reports each shortage", () => {
    const { pod, node } = onNode({ cpu: "2", memory: "1Gi" }, { cpu: "1", memory: "600Mi" }, [{ cpu: "1500m", memory: "500Mi" }]);
    expect(nodeResourcesFit(pod, node)).toEqual(["Insufficient cpu", "Insufficient memory"]);
  });

  it("fits exactly what is left", () => {
    const { pod, node } = onNode({ cpu: "2" }, { cpu: "500m" }, [{ cpu: "1500m" }]);
    expect(nodeResourcesFit(pod, node)).toBeNull();
  });

  it("counts pods against allocatable pods", () => {
    const { pod, node } = onNode({ pods: 1 }, {}, [{}]);
    expect(nodeResourcesFit(pod, node)).toEqual(["Too many pods"]);
  });

  it("checks ephemeral storage and extended resources", () => {
    const { pod, node } = onNode({ extra: { "example.com/gpu": "1" } }, { requests: { "example.com/gpu": "2", "ephemeral-storage": "200Gi" } });
    expect(nodeResourcesFit(pod, node)).toEqual(["Insufficient ephemeral-storage", "Insufficient example.com/gpu"]);
  });

  it("lets a pod without requests onto a full node", () => {
    const { pod, node } = onNode({ cpu: "1" }, {}, [{ cpu: "1" }]);
    expect(nodeResourcesFit(pod, node)).toBeNull();
  });
});

describe("filter order", () => {
  it("stops at the first failing filter, as the framework does", () => {
    const { pod, node } = onNode({ unschedulable: true, cpu: "1" }, { cpu: "2" });
    expect(runFilters(pod, node)).toEqual(["node(s) were unschedulable"]);
  });
});
