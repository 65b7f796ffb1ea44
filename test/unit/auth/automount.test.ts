// The ServiceAccount admission's token mount and the root CA publisher's decision, as Kubernetes
// makes them (plugin/pkg/admission/serviceaccount, rootcacertpublisher).
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/apis/types";
import { decideRootCA } from "../../../src/controllers/rootcacert/publisher";
import { admitServiceAccount, mountServiceAccountToken, shouldAutomount, SERVICE_ACCOUNT_MOUNT_PATH, tokenVolumeSource } from "../../../src/auth/serviceaccount/automount";
import { reconcileTargets } from "../../../src/controllers/targets";
import type { Commit } from "../../../src/store/store";

type Spec = Parameters<typeof mountServiceAccountToken>[0];
const tokenMount = (name: string) => ({ name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH });

describe("shouldAutomount", () => {
  it.each<[boolean | undefined, boolean | undefined, boolean]>([
    [undefined, undefined, true],
    [undefined, false, false],
    [undefined, true, true],
    [true, false, true],
    [false, true, false],
    [false, undefined, false],
  ])("pod %s, service account %s: %s", (pod, sa, expected) => {
    expect(shouldAutomount({ automountServiceAccountToken: pod }, { automountServiceAccountToken: sa })).toBe(expected);
  });
});

describe("mountServiceAccountToken", () => {
  it("adds the projected volume and a read-only mount to every init and regular container", () => {
    const spec: Spec = { initContainers: [{}], containers: [{ volumeMounts: [{ name: "data", mountPath: "/data" }] }, {}] };
    mountServiceAccountToken(spec, "abcde");
    expect(spec.volumes).toEqual([{ name: "kube-api-access-abcde", projected: tokenVolumeSource() }]);
    expect(spec.initContainers?.[0].volumeMounts).toEqual([tokenMount("kube-api-access-abcde")]);
    expect(spec.containers?.[0].volumeMounts).toEqual([{ name: "data", mountPath: "/data" }, tokenMount("kube-api-access-abcde")]);
    expect(spec.containers?.[1].volumeMounts).toEqual([tokenMount("kube-api-access-abcde")]);
    expect(tokenVolumeSource()).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { path: "token", expirationSeconds: 3607 } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
      ],
    });
  });

  it("leaves a container that mounts something at the path alone, and adds no volume when none needs it", () => {
    const own = { name: "mine", mountPath: SERVICE_ACCOUNT_MOUNT_PATH };
    const spec: Spec = { volumes: [{ name: "mine" }], containers: [{ volumeMounts: [own] }] };
    mountServiceAccountToken(spec, "abcde");
    expect(spec).toEqual({ volumes: [{ name: "mine" }], containers: [{ volumeMounts: [own] }] });
  });

  it("reuses a kube-api-access volume the pod already has", () => {
    const spec: Spec = { volumes: [{ name: "kube-api-access-zzzzz", projected: {} }], containers: [{}] };
    mountServiceAccountToken(spec, "abcde");
    expect(spec.volumes).toEqual([{ name: "kube-api-access-zzzzz", projected: {} }]);
    expect(spec.containers?.[0].volumeMounts).toEqual([tokenMount("kube-api-access-zzzzz")]);
  });
});

describe("admitServiceAccount", () => {
  const storeWith = (sa?: Record<string, unknown>) => {
    const reads: string[] = [];
    const store = { get: async (key: { namespace: string; name: string }) => (reads.push(`${key.namespace}/${key.name}`), sa ? ({ apiVersion: "v1", kind: "ServiceAccount", metadata: {}, ...sa } as KubeObject) : undefined) };
    return { store, reads };
  };
  const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns", annotations }, spec: { containers: [{ name: "c" }], ...spec } });
  const volumes = (p: KubeObject) => ((p.spec as { volumes?: { name: string }[] }).volumes ?? []).map((v) => v.name);

  it("mounts the token unless the service account or the pod says not to", async () => {
    const { store, reads } = storeWith({});
    const p = pod({ serviceAccountName: "builder" });
    await admitServiceAccount(store, p);
    expect(reads).toEqual(["ns/builder"]);
    expect(volumes(p)).toEqual([expect.stringMatching(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/)]);

    // The account's setting is remembered for a moment: a burst of creates reads it once.
    const again = storeWith({ automountServiceAccountToken: false });
    const soon = pod({ serviceAccountName: "builder" });
    await admitServiceAccount(again.store, soon);
    expect(again.reads).toEqual([]);
    expect(volumes(soon)).toHaveLength(1);

    const off = pod({ serviceAccountName: "builder" });
    await admitServiceAccount(again.store, off, Date.now() + 5_000);
    expect(again.reads).toEqual(["ns/builder"]);
    expect(volumes(off)).toEqual([]);

    const podSaysNo = storeWith({});
    const noMount = pod({ automountServiceAccountToken: false });
    await admitServiceAccount(podSaysNo.store, noMount);
    expect(volumes(noMount)).toEqual([]);
    expect(podSaysNo.reads).toEqual([]);
  });

  it("mounts for a service account that does not exist yet, and never for a mirror pod", async () => {
    const missing = pod({});
    await admitServiceAccount(storeWith().store, missing);
    expect(volumes(missing)).toHaveLength(1);
    const mirror = pod({}, { "kubernetes.io/config.mirror": "x" });
    await admitServiceAccount(storeWith({}).store, mirror);
    expect(volumes(mirror)).toEqual([]);
  });
});

describe("the root CA publisher", () => {
  const ns = (meta: Record<string, unknown> = {}, phase = "Active"): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team", ...meta }, status: { phase } });
  const description = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

  it("creates kube-root-ca.crt with the CA in an active namespace, and nothing in a terminating one", () => {
    expect(decideRootCA(ns(), undefined, "PEM\n").actions).toEqual([
      {
        type: "create",
        resource: "configmaps",
        object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace: "team", annotations: { "kubernetes.io/description": description } }, data: { "ca.crt": "PEM\n" } },
      },
    ]);
    expect(decideRootCA(ns({}, "Terminating"), undefined, "PEM\n").actions).toEqual([]);
    expect(decideRootCA(ns({ deletionTimestamp: "2026-01-01T00:00:00Z" }), undefined, "PEM\n").actions).toEqual([]);
  });

  it("leaves a current one alone and puts back an edited one", () => {
    const current: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace: "team", resourceVersion: "7", annotations: { "kubernetes.io/description": description } }, data: { "ca.crt": "PEM\n" } };
    expect(decideRootCA(ns(), current, "PEM\n").actions).toEqual([]);
    const edited = { ...current, metadata: { ...current.metadata, annotations: { keep: "me" } }, data: { "ca.crt": "OLD", extra: "x" } };
    expect(decideRootCA(ns(), edited, "PEM\n").actions).toEqual([
      { type: "update", resource: "configmaps", object: { ...current, metadata: { ...current.metadata, annotations: { keep: "me", "kubernetes.io/description": description } } } },
    ]);
  });

  it("is woken when its ConfigMap changes or goes", () => {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace: "team", uid: "u1" } };
    const wakes = (type: "MODIFIED" | "DELETED", obj: KubeObject) => reconcileTargets({ type, resource: "configmaps", object: obj, rv: 1 } satisfies Commit, (r) => r === "namespaces");
    expect(wakes("MODIFIED", cm)).toEqual([{ type: "object", resource: "namespaces", namespace: "", name: "team" }]);
    expect(wakes("DELETED", cm)).toContainEqual({ type: "object", resource: "namespaces", namespace: "", name: "team" });
    expect(wakes("MODIFIED", { ...cm, metadata: { ...cm.metadata, name: "other" } })).toEqual([]);
  });
});
