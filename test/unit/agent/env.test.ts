import { describe, expect, test } from "vitest";
import type { ConfigMap } from "../../../src/apis/core/v1/configmap";
import type { Secret } from "../../../src/apis/core/v1/secret";
import { containerEnv, expandCommand, type EnvContext } from "../../../src/agent/pods/env";
import { container, pod } from "./fixtures";

const b64 = (s: string) => Buffer.from(s).toString("base64");

const configMaps: Record<string, ConfigMap> = {
  settings: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "ns" }, data: { MODE: "fast", "bad key": "x", LEVEL: "3" } },
};
const secrets: Record<string, Secret> = {
  creds: { apiVersion: "v1", kind: "Secret", metadata: { name: "creds", namespace: "ns" }, data: { PASSWORD: b64("s3cret"), USER: b64("admin") } },
};

function ctx(p = pod()): EnvContext {
  return {
    pod: p,
    objects: { configMap: (ns, name) => (ns === "ns" ? configMaps[name] : undefined), secret: (ns, name) => (ns === "ns" ? secrets[name] : undefined) },
    addresses: { podIPs: ["10.0.0.5"], hostIPs: ["192.168.1.2"] },
    allocatable: { cpu: "4", memory: "8Gi" },
  };
}

describe("container env", () => {
  test("envFrom first (prefix, invalid names skipped), then env overriding, with $(VAR) from earlier entries", () => {
    const c = container("app", {
      envFrom: [{ configMapRef: { name: "settings" } }, { prefix: "DB_", secretRef: { name: "creds" } }],
      env: [
        { name: "MODE", value: "slow" },
        { name: "URL", value: "postgres://$(DB_USER):$(DB_PASSWORD)@db/$(MISSING)" },
      ],
    });
    const result = containerEnv(c, ctx());
    expect(result).toEqual({
      ok: true,
      env: [
        { name: "LEVEL", value: "3" },
        { name: "DB_PASSWORD", value: "s3cret" },
        { name: "DB_USER", value: "admin" },
        { name: "MODE", value: "slow" },
        { name: "URL", value: "postgres://admin:s3cret@db/$(MISSING)" },
      ],
    });
  });

  test("valueFrom: fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef", () => {
    const p = pod({}, { labels: { app: "web" } });
    const c = container("app", {
      resources: { limits: { memory: "64Mi" }, requests: { cpu: "250m" } },
      env: [
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: "MEM_MI", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
        { name: "CPU_LIMIT", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
        { name: "CPU_REQ_M", valueFrom: { resourceFieldRef: { resource: "requests.cpu", divisor: "1m" } } },
        { name: "CPU_REQ", valueFrom: { resourceFieldRef: { resource: "requests.cpu" } } },
        { name: "MODE", valueFrom: { configMapKeyRef: { name: "settings", key: "MODE" } } },
        { name: "PW", valueFrom: { secretKeyRef: { name: "creds", key: "PASSWORD" } } },
      ],
    });
    const result = containerEnv(c, ctx(p));
    expect(result.ok && Object.fromEntries(result.env.map((e) => [e.name, e.value]))).toEqual({
      POD_NAME: "p",
      POD_IP: "10.0.0.5",
      HOST_IP: "192.168.1.2",
      NODE: "n1",
      APP: "web",
      MEM_MI: "64",
      // No cpu limit: the node's allocatable (4 cores).
      CPU_LIMIT: "4",
      CPU_REQ_M: "250",
      // 250m in whole cores rounds up.
      CPU_REQ: "1",
      MODE: "fast",
      PW: "s3cret",
    });
  });

  test.each([
    [{ name: "X", valueFrom: { configMapKeyRef: { name: "nope", key: "k" } } }, 'configmap "nope" not found'],
    [{ name: "X", valueFrom: { secretKeyRef: { name: "nope", key: "k" } } }, 'secret "nope" not found'],
    [{ name: "X", valueFrom: { configMapKeyRef: { name: "settings", key: "k" } } }, "couldn't find key k in ConfigMap ns/settings"],
    [{ name: "X", valueFrom: { secretKeyRef: { name: "creds", key: "k" } } }, "couldn't find key k in Secret ns/creds"],
  ])("a missing reference fails the start: %j", (entry, message) => {
    expect(containerEnv(container("app", { env: [entry] }), ctx())).toEqual({ ok: false, message });
  });

  test("optional references that are missing leave the variable out", () => {
    const c = container("app", {
      envFrom: [{ configMapRef: { name: "nope", optional: true } }],
      env: [
        { name: "A", valueFrom: { configMapKeyRef: { name: "nope", key: "k", optional: true } } },
        { name: "B", valueFrom: { secretKeyRef: { name: "creds", key: "k", optional: true } } },
        { name: "C", value: "c" },
      ],
    });
    expect(containerEnv(c, ctx())).toEqual({ ok: true, env: [{ name: "C", value: "c" }] });
  });

  test("a missing envFrom source fails unless optional", () => {
    expect(containerEnv(container("app", { envFrom: [{ secretRef: { name: "nope" } }] }), ctx())).toEqual({ ok: false, message: 'secret "nope" not found' });
  });

  test("command and args expand against the final env", () => {
    const c = container("app", { command: ["echo", "$(GREETING)"], args: ["$(NAME)", "$$(NAME)", "$(UNSET)"] });
    expect(expandCommand(c, [{ name: "GREETING", value: "hello" }, { name: "NAME", value: "world" }])).toEqual({
      command: ["echo", "hello"],
      args: ["world", "$(NAME)", "$(UNSET)"],
    });
  });
});
