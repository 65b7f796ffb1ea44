import { describe, expect, it } from "vitest";
import { configMapKind } from "../../../src/apis/core/v1/configmap";
import { endpointsKind } from "../../../src/apis/core/v1/endpoints";
import { coreEventKind } from "../../../src/apis/core/v1/event";
import { coreV1Kinds } from "../../../src/apis/core/v1/index";
import { namespaceKind } from "../../../src/apis/core/v1/namespace";
import { nodeKind } from "../../../src/apis/core/v1/node";
import { secretKind } from "../../../src/apis/core/v1/secret";
import { serviceAccountKind } from "../../../src/apis/core/v1/serviceaccount";
import type { KindDef, KubeObject } from "../../../src/apis/types";

const NOW = new Date("2024-05-01T12:00:00Z");

function obj(kind: string, fields: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind, metadata: { name: "x", creationTimestamp: "2024-05-01T11:59:00Z", ...meta }, ...fields };
}

const row = (kind: KindDef, o: KubeObject) => Object.fromEntries(kind.columns.map((c) => [c.name, c.cell(o, NOW)]));
const causes = (kind: KindDef, o: KubeObject, old?: KubeObject) => (kind.validate?.(o, old) ?? []).map((c) => `${c.reason} ${c.field}: ${c.message}`);

describe("core/v1 registry entries", () => {
  it("names, short names and categories match Kubernetes", () => {
    const summary = coreV1Kinds.map((k) => [k.plural, k.shortNames.join(","), k.categories.join(","), k.namespaced]);
    expect(summary).toEqual([
      ["namespaces", "ns", "", false],
      ["pods", "po", "all", true],
      ["services", "svc", "all", true],
      ["endpoints", "ep", "", true],
      ["configmaps", "cm", "", true],
      ["secrets", "", "", true],
      ["nodes", "no", "", false],
      ["events", "ev", "", true],
      ["serviceaccounts", "sa", "", true],
    ]);
  });
});

describe("Namespace", () => {
  it("labels itself with its name, starts Active, gets the kubernetes finalizer on create", () => {
    const ns = obj("Namespace", {}, { name: "team-a" });
    namespaceKind.onCreate?.(ns);
    namespaceKind.defaults?.(ns);
    expect(ns.metadata.labels).toEqual({ "kubernetes.io/metadata.name": "team-a" });
    expect(ns).toMatchObject({ spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
    expect(row(namespaceKind, ns)).toEqual({ Status: "Active", Age: "60s" });
    namespaceKind.beginDelete?.(ns);
    expect(row(namespaceKind, ns).Status).toBe("Terminating");
    expect(namespaceKind.blocksDeletion?.(ns)).toBe(true);
  });

  it("requires DNS labels for names and known or qualified finalizers", () => {
    const ns = obj("Namespace", { spec: { finalizers: ["custom"] } }, { name: "a.b" });
    expect(causes(namespaceKind, ns)).toEqual([
      'FieldValueInvalid metadata.name: Invalid value: "a.b": must not contain dots',
      'FieldValueInvalid spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
});

describe("ConfigMap and Secret", () => {
  it("counts data and validates keys", () => {
    const cm = obj("ConfigMap", { data: { "app.conf": "x", "bad key": "y" }, binaryData: { "app.conf": "eA==" } });
    expect(row(configMapKind, cm)).toEqual({ Data: 3, Age: "60s" });
    expect(causes(configMapKind, cm)).toEqual([
      expect.stringMatching(/^FieldValueInvalid data\[bad key\]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters/),
      'FieldValueInvalid data[app.conf]: Invalid value: "app.conf": duplicate of key present in binaryData',
    ]);
  });

  it("freezes immutable data", () => {
    const old = obj("ConfigMap", { immutable: true, data: { a: "1" } });
    const next = obj("ConfigMap", { immutable: false, data: { a: "2" } });
    expect(causes(configMapKind, next, old)).toEqual([
      "FieldValueForbidden immutable: Forbidden: field is immutable when `immutable` is set",
      "FieldValueForbidden data: Forbidden: field is immutable when `immutable` is set",
    ]);
  });

  it("merges stringData into data and defaults the type", () => {
    const s = obj("Secret", { data: { a: "b2xk" }, stringData: { a: "new", pw: "hé" } });
    secretKind.defaults?.(s);
    expect(s).toMatchObject({ type: "Opaque", data: { a: "bmV3", pw: "aMOp" } });
    expect(s).not.toHaveProperty("stringData");
    expect(row(secretKind, s)).toEqual({ Type: "Opaque", Data: 2, Age: "60s" });
  });

  it("checks base64, required keys per type and the immutable type", () => {
    expect(causes(secretKind, obj("Secret", { type: "Opaque", data: { a: "not base64!" } }))).toEqual([
      'FieldValueInvalid data[a]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3',
    ]);
    expect(causes(secretKind, obj("Secret", { type: "kubernetes.io/tls", data: { "tls.crt": "eA==" } }))).toEqual(["FieldValueRequired data[tls.key]: Required value"]);
    const old = obj("Secret", { type: "Opaque" });
    expect(causes(secretKind, obj("Secret", { type: "kubernetes.io/basic-auth", data: { username: "dQ==" } }), old)).toEqual([
      'FieldValueInvalid type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    ]);
    expect(secretKind.selectableFields?.type(old)).toBe("Opaque");
  });
});

describe("Node", () => {
  const node = obj(
    "Node",
    {
      spec: { unschedulable: true, taints: [{ key: "k", effect: "NoSchedule" }] },
      status: {
        capacity: { cpu: "4", memory: "8Gi", pods: "110" },
        conditions: [{ type: "Ready", status: "True" }],
        addresses: [{ type: "InternalIP", address: "10.0.0.4" }],
        nodeInfo: { kubeletVersion: "v1.32.0-edgeplane", osImage: "Debian GNU/Linux 12", kernelVersion: "6.1.0", containerRuntimeVersion: "podman://4.3.1" },
      },
    },
    { name: "n1", labels: { "node-role.kubernetes.io/worker": "", "kubernetes.io/role": "edge" } },
  );

  it("prints status, roles and system info", () => {
    expect(row(nodeKind, node)).toEqual({
      Status: "Ready,SchedulingDisabled",
      Roles: "edge,worker",
      Age: "60s",
      Version: "v1.32.0-edgeplane",
      "Internal-IP": "10.0.0.4",
      "External-IP": "<none>",
      "OS-Image": "Debian GNU/Linux 12",
      "Kernel-Version": "6.1.0",
      "Container-Runtime": "podman://4.3.1",
    });
    expect(row(nodeKind, obj("Node", {})).Status).toBe("Unknown");
  });

  it("defaults allocatable to capacity and checks taints", () => {
    const n = structuredClone(node);
    nodeKind.defaults?.(n);
    expect((n.status as { allocatable: unknown }).allocatable).toEqual({ cpu: "4", memory: "8Gi", pods: "110" });
    (n.spec as { taints: unknown[] }).taints.push({ key: "k", effect: "NoSchedule" }, { key: "j", effect: "Sometimes" });
    expect(causes(nodeKind, n)).toEqual([
      'FieldValueDuplicate spec.taints[1]: Duplicate value: {"key":"k","effect":"NoSchedule"}: taints must be unique by key and effect pair',
      'FieldValueNotSupported spec.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]);
    expect(nodeKind.selectableFields?.["spec.unschedulable"](node)).toBe("true");
  });
});

describe("Event", () => {
  const event = obj(
    "Event",
    {
      involvedObject: { kind: "Pod", name: "web-1", namespace: "default", fieldPath: "spec.containers{web}" },
      reason: "BackOff",
      message: "Back-off restarting failed container ",
      type: "Warning",
      source: { component: "kubelet", host: "n1" },
      firstTimestamp: "2024-05-01T11:50:00Z",
      lastTimestamp: "2024-05-01T11:59:30Z",
      count: 7,
    },
    { name: "web-1.17a", namespace: "default" },
  );

  it("prints LAST SEEN, TYPE, REASON, OBJECT, MESSAGE and the wide columns", () => {
    expect(row(coreEventKind, event)).toEqual({
      "Last Seen": "30s",
      Type: "Warning",
      Reason: "BackOff",
      Object: "pod/web-1",
      Subobject: "spec.containers{web}",
      Source: "kubelet, n1",
      Message: "Back-off restarting failed container",
      "First Seen": "10m",
      Count: 7,
    });
  });

  it("requires the involved object's namespace to match and selects by involvedObject fields", () => {
    const elsewhere = structuredClone(event);
    (elsewhere.involvedObject as { namespace: string }).namespace = "other";
    expect(causes(coreEventKind, elsewhere)).toEqual(['FieldValueInvalid involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
    const fields = coreEventKind.selectableFields ?? {};
    expect([fields["involvedObject.name"](event), fields["source"](event), fields["type"](event)]).toEqual(["web-1", "kubelet", "Warning"]);
  });

  it("requires the reporting fields of new-style events", () => {
    const modern = obj("Event", { involvedObject: { kind: "Pod", name: "p", namespace: "default" }, eventTime: "2024-05-01T11:59:00.000000Z", reason: "Scheduled" }, { namespace: "default" });
    expect(causes(coreEventKind, modern)).toEqual([
      "FieldValueRequired reportingComponent: Required value",
      // Kubernetes also runs the qualified-name check on the empty value, which fails twice.
      'FieldValueInvalid reportingComponent: Invalid value: "": name part must be non-empty',
      expect.stringMatching(/^FieldValueInvalid reportingComponent: Invalid value: "": name part must consist of/),
      "FieldValueRequired reportingInstance: Required value",
      "FieldValueRequired action: Required value",
    ]);
  });
});

describe("Endpoints and ServiceAccount", () => {
  it("prints up to three endpoints", () => {
    const subsets = [{ addresses: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"].map((ip) => ({ ip })), ports: [{ port: 8080 }] }];
    expect(row(endpointsKind, obj("Endpoints", { subsets }))).toEqual({ Endpoints: "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...", Age: "60s" });
    expect(row(endpointsKind, obj("Endpoints", {})).Endpoints).toBe("<none>");
  });

  it("defaults port protocols and checks addresses", () => {
    const ep = obj("Endpoints", { subsets: [{ addresses: [{ ip: "nope" }], ports: [{ port: 80 }, { port: 81 }] }] });
    endpointsKind.defaults?.(ep);
    expect(ep.subsets).toMatchObject([{ ports: [{ protocol: "TCP" }, { protocol: "TCP" }] }]);
    expect(causes(endpointsKind, ep)).toEqual([
      'FieldValueInvalid subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address',
      "FieldValueRequired subsets[0].ports[0].name: Required value",
      "FieldValueRequired subsets[0].ports[1].name: Required value",
    ]);
  });

  it("counts a service account's secrets", () => {
    expect(row(serviceAccountKind, obj("ServiceAccount", { secrets: [{ name: "t" }] }))).toEqual({ Secrets: 1, Age: "60s" });
  });
});
