// The agent's service account tokens (the kubelet's token manager) against a stand-in API that
// answers TokenRequests, the token volume files, and the reference counts behind the per-object
// ConfigMap/Secret watches.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClient } from "../../../src/agent/kube/client";
import { References } from "../../../src/agent/pods/objects";
import { refreshTime, ServiceAccountTokens, tokenProjections } from "../../../src/agent/pods/tokens";
import { volumeContent } from "../../../src/agent/pods/volumes";
import type { EnvContext } from "../../../src/agent/pods/env";
import { pod, T0 } from "./fixtures";

const HOUR = 3600_000;

describe("refreshTime", () => {
  it("is at 80% of the lifetime, or a day after issue for longer tokens", () => {
    expect(refreshTime({ token: "t", expiresAt: T0 + HOUR, expirationSeconds: 3600 })).toBe(T0 + 0.8 * HOUR);
    expect(refreshTime({ token: "t", expiresAt: T0 + 48 * HOUR, expirationSeconds: 48 * 3600 })).toBe(T0 + 24 * HOUR);
  });
});

describe("ServiceAccountTokens", () => {
  let server: Server;
  const requests: { url: string; body: { spec: Record<string, unknown> } }[] = [];
  let failing = false;
  let issued = 0;
  const clock = { now: () => T0 };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString()));
      req.on("end", () => {
        const body = JSON.parse(text) as { spec: { expirationSeconds: number } };
        requests.push({ url: req.url ?? "", body });
        if (failing) {
          res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ kind: "Status", code: 500, message: "down" }));
          return;
        }
        const expires = new Date(clock.now() + body.spec.expirationSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ spec: body.spec, status: { token: `token-${++issued}`, expirationTimestamp: expires } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("asks for a token bound to the pod, reuses it until 80% of its lifetime, then renews it", async () => {
    const client = new KubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, insecureSkipTlsVerify: false, namespace: "default" });
    const tokens = new ServiceAccountTokens(client, clock);
    const p = pod({ serviceAccountName: "builder" });
    const wanted = { audience: "", expirationSeconds: 3607 };

    expect(await tokens.get(p, wanted)).toEqual({ token: "token-1", refreshAt: T0 + 3607 * 800 });
    expect(requests[0]).toEqual({
      url: "/api/v1/namespaces/ns/serviceaccounts/builder/token",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { audiences: [], expirationSeconds: 3607, boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "p", uid: "uid-1" } } },
    });
    clock.now = () => T0 + 0.7 * HOUR;
    expect((await tokens.get(p, wanted)).token).toBe("token-1");
    expect(requests).toHaveLength(1);
    expect((await tokens.get(p, { audience: "vault", expirationSeconds: 3607 })).token).toBe("token-2");
    expect(requests[1].body.spec.audiences).toEqual(["vault"]);

    // Past 80%: renewed. A failed renewal keeps the valid token and tries again in 10 s.
    clock.now = () => T0 + 0.81 * HOUR;
    failing = true;
    expect(await tokens.get(p, wanted)).toEqual({ token: "token-1", refreshAt: T0 + 0.81 * HOUR + 10_000 });
    failing = false;
    expect((await tokens.get(p, wanted)).token).toBe("token-3");

    // A pod that is gone starts over; with the API down and no token, the mount fails.
    tokens.release("uid-1");
    failing = true;
    await expect(tokens.get(p, wanted)).rejects.toThrow("down");
    failing = false;
    client.close();
  });
});

describe("token volumes", () => {
  const volume = { name: "kube-api-access-abcde", projected: { defaultMode: 0o644, sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3607 } }, { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } }] } };
  const ctx: EnvContext = { pod: pod(), objects: { configMap: () => undefined, secret: () => undefined }, addresses: { podIPs: [], hostIPs: [] }, allocatable: {} };
  const paths = (tokens?: Map<string, string>) => {
    const result = volumeContent(volume, ctx, tokens);
    if (!result.ok || result.content.kind !== "files") throw new Error(result.ok ? result.content.kind : result.message);
    return Object.fromEntries(result.content.files.map((f) => [f.path, f.data.toString()]));
  };

  it("holds the fetched token, no token without a token source (simulated nodes), and fails without it", () => {
    expect(tokenProjections(volume)).toEqual([{ audience: "", expirationSeconds: 3607 }]);
    expect(paths(new Map([["3607:", "jwt"]]))).toEqual({ token: "jwt", namespace: "ns" });
    expect(paths()).toEqual({ namespace: "ns" });
    expect(volumeContent(volume, ctx, new Map())).toEqual({ ok: false, message: 'MountVolume.SetUp failed for volume "kube-api-access-abcde" : failed to fetch token' });
  });
});

describe("References", () => {
  it("starts a watch for an object's first user and stops it when the last goes", () => {
    const refs = new References();
    expect(refs.set("pod-a", new Set(["ns/secret:db", "ns/configmap:kube-root-ca.crt"]))).toEqual({ started: ["ns/secret:db", "ns/configmap:kube-root-ca.crt"], stopped: [] });
    expect(refs.set("pod-b", new Set(["ns/configmap:kube-root-ca.crt"]))).toEqual({ started: [], stopped: [] });
    expect(refs.set("pod-a", new Set(["ns/secret:db", "ns/configmap:kube-root-ca.crt"]))).toEqual({ started: [], stopped: [] });
    expect(refs.set("pod-a", new Set())).toEqual({ started: [], stopped: ["ns/secret:db"] });
    expect(refs.set("pod-b", new Set())).toEqual({ started: [], stopped: ["ns/configmap:kube-root-ca.crt"] });
  });
});
