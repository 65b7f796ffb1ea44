// Through the Worker: new pods get the kube-api-access volume unless they or their service
// account opt out (pods a controller makes too), and every namespace gets kube-root-ca.crt.
import { beforeAll, describe, expect, it } from "vitest";
import { get, post } from "../client";
import { namespaceOnce, ok, pod, type Obj } from "./helpers";

const NS = "automount";
type PodSpec = { volumes?: { name: string; projected?: unknown }[]; containers: { volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[] };
const specOf = (p: Obj) => p.spec as PodSpec;
const tokenVolumes = (p: Obj) => (specOf(p).volumes ?? []).filter((v) => v.name.startsWith("kube-api-access-"));

async function eventually<T>(read: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  await namespaceOnce(NS);
  await ok(post(`/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "quiet" }, automountServiceAccountToken: false }));
});

describe("service account token automount", () => {
  it("mounts the token volume in every container of a new pod", async () => {
    const created = await ok(post<Obj>(`/api/v1/namespaces/${NS}/pods`, pod("plain", { containers: [{ name: "a", image: "busybox" }, { name: "b", image: "busybox" }] })));
    const [volume] = tokenVolumes(created);
    expect(volume.projected).toMatchObject({ defaultMode: 420, sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3607 } }, { configMap: { name: "kube-root-ca.crt" } }, { downwardAPI: {} }] });
    for (const c of specOf(created).containers) expect(c.volumeMounts).toEqual([{ name: volume.name, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }]);
  });

  it("leaves it out when the pod or its service account opts out, the pod's word winning", async () => {
    expect(tokenVolumes(await ok(post<Obj>(`/api/v1/namespaces/${NS}/pods`, pod("quiet-sa", { serviceAccountName: "quiet" }))))).toEqual([]);
    expect(tokenVolumes(await ok(post<Obj>(`/api/v1/namespaces/${NS}/pods`, pod("pod-says-no", { automountServiceAccountToken: false }))))).toEqual([]);
    expect(tokenVolumes(await ok(post<Obj>(`/api/v1/namespaces/${NS}/pods`, pod("pod-says-yes", { serviceAccountName: "quiet", automountServiceAccountToken: true }))))).toHaveLength(1);
  });

  it("gives it to the pods a controller makes", async () => {
    const template = { metadata: { labels: { app: "rs" } }, spec: { containers: [{ name: "c", image: "busybox" }] } };
    await ok(post(`/apis/apps/v1/namespaces/${NS}/replicasets`, { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "rs" }, spec: { replicas: 1, selector: { matchLabels: { app: "rs" } }, template } }));
    const made = await eventually(async () => (await get<{ items: Obj[] }>(`/api/v1/namespaces/${NS}/pods?labelSelector=app%3Drs`)).body.items[0]);
    expect(tokenVolumes(made)).toHaveLength(1);
  });

  it("publishes kube-root-ca.crt in the namespace", async () => {
    const cm = await eventually(async () => {
      const r = await get<Obj>(`/api/v1/namespaces/${NS}/configmaps/kube-root-ca.crt`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(Object.keys(cm.data as Record<string, string>)).toEqual(["ca.crt"]);
  });
});
