import { describe, expect, test } from "vitest";
import type { Volume } from "../../../src/apis/core/v1/volume";
import type { EnvContext } from "../../../src/agent/pods/env";
import { volumeContent, type ProjectedFile } from "../../../src/agent/pods/volumes";
import { container, pod } from "./fixtures";

const b64 = (s: string) => Buffer.from(s).toString("base64");

function ctx(): EnvContext {
  const p = pod({ containers: [container("app", { resources: { limits: { memory: "128Mi" } } })] }, { labels: { b: "2", a: "1" }, annotations: { note: 'say "hi"' } });
  return {
    pod: p,
    objects: {
      configMap: (_ns, name) => (name === "cfg" ? { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { "app.conf": "x=1\n", other: "o" }, binaryData: { "logo.bin": b64("\u0000\u0001") } } : undefined),
      secret: (_ns, name) => (name === "tls" ? { apiVersion: "v1", kind: "Secret", metadata: { name }, data: { "tls.key": b64("KEY"), "tls.crt": b64("CRT") } } : undefined),
    },
    addresses: { podIPs: [], hostIPs: ["192.168.1.2"] },
    allocatable: {},
  };
}

const files = (v: Volume) => {
  const result = volumeContent(v, ctx());
  if (!result.ok) throw new Error(result.message);
  if (result.content.kind !== "files") throw new Error(result.content.kind);
  return Object.fromEntries(result.content.files.map((f: ProjectedFile) => [f.path, { text: f.data.toString("utf8"), mode: f.mode.toString(8) }]));
};

describe("volume content", () => {
  test("configMap: every key (binaryData too) with the default mode 0644", () => {
    expect(files({ name: "v", configMap: { name: "cfg" } })).toEqual({
      "app.conf": { text: "x=1\n", mode: "644" },
      other: { text: "o", mode: "644" },
      "logo.bin": { text: "\u0000\u0001", mode: "644" },
    });
  });

  test("configMap items choose keys, paths and modes", () => {
    expect(files({ name: "v", configMap: { name: "cfg", defaultMode: 0o600, items: [{ key: "app.conf", path: "conf/app.conf" }, { key: "other", path: "o", mode: 0o400 }] } })).toEqual({
      "conf/app.conf": { text: "x=1\n", mode: "600" },
      o: { text: "o", mode: "400" },
    });
  });

  test("secret data is decoded", () => {
    expect(files({ name: "v", secret: { secretName: "tls", defaultMode: 0o400 } })).toEqual({ "tls.key": { text: "KEY", mode: "400" }, "tls.crt": { text: "CRT", mode: "400" } });
  });

  test("downwardAPI: labels and annotations as sorted key=\"value\" lines, fields, resources", () => {
    expect(
      files({
        name: "v",
        downwardAPI: {
          items: [
            { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
            { path: "annotations", fieldRef: { fieldPath: "metadata.annotations" } },
            { path: "name", fieldRef: { fieldPath: "metadata.name" } },
            { path: "mem", resourceFieldRef: { containerName: "app", resource: "limits.memory", divisor: "1Mi" } },
          ],
        },
      }),
    ).toEqual({
      labels: { text: 'a="1"\nb="2"', mode: "644" },
      annotations: { text: 'note="say \\"hi\\""', mode: "644" },
      name: { text: "p", mode: "644" },
      mem: { text: "128", mode: "644" },
    });
  });

  test("projected volumes combine their sources", () => {
    expect(
      Object.keys(files({ name: "v", projected: { sources: [{ configMap: { name: "cfg", items: [{ key: "other", path: "other" }] } }, { secret: { name: "tls" } }, { downwardAPI: { items: [{ path: "ns", fieldRef: { fieldPath: "metadata.namespace" } }] } }] } })),
    ).toEqual(["other", "tls.key", "tls.crt", "ns"]);
  });

  test.each<[Volume, string]>([
    [{ name: "v", configMap: { name: "nope" } }, 'MountVolume.SetUp failed for volume "v" : configmap "nope" not found'],
    [{ name: "v", secret: { secretName: "nope" } }, 'MountVolume.SetUp failed for volume "v" : secret "nope" not found'],
    [{ name: "v", configMap: { name: "cfg", items: [{ key: "missing", path: "m" }] } }, 'MountVolume.SetUp failed for volume "v" : configmap references non-existent config key: missing'],
    [{ name: "v", secret: { secretName: "tls", items: [{ key: "missing", path: "m" }] } }, 'MountVolume.SetUp failed for volume "v" : references non-existent secret key: missing'],
    [{ name: "v", persistentVolumeClaim: { claimName: "c" } }, 'MountVolume.SetUp failed for volume "v" : persistentVolumeClaim volumes are not supported by the edgeplane agent'],
  ])("failures are worded as the kubelet's FailedMount: %j", (volume, message) => {
    expect(volumeContent(volume, ctx())).toEqual({ ok: false, message });
  });

  test("optional sources that are missing give an empty volume, and missing optional items are skipped", () => {
    expect(files({ name: "v", configMap: { name: "nope", optional: true } })).toEqual({});
    expect(files({ name: "v", configMap: { name: "cfg", optional: true, items: [{ key: "missing", path: "m" }, { key: "other", path: "o" }] } })).toEqual({ o: { text: "o", mode: "644" } });
  });

  test("emptyDir and hostPath are directories, not files", () => {
    expect(volumeContent({ name: "v", emptyDir: {} }, ctx())).toEqual({ ok: true, content: { kind: "emptyDir" } });
    expect(volumeContent({ name: "v", hostPath: { path: "/srv" } }, ctx())).toEqual({ ok: true, content: { kind: "hostPath", path: "/srv" } });
  });
});
