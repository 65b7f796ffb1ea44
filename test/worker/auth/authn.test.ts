// Authentication end to end through the Worker: anonymous access, admin tokens, service account
// tokens from TokenRequest (expiry, binding to a pod), bootstrap tokens traded for a node
// credential, `kubectl auth whoami`'s SelfSubjectReview, and TokenReview.
import { describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { del, get, post } from "../client";
import { signingKeys } from "../../../src/auth/serviceaccount/keys";
import { issueServiceAccountToken } from "../../../src/auth/serviceaccount/tokens";
import { DEFAULT_ISSUER } from "../../../src/auth/config";
import { as, namespaceOnce, ok, pod, serviceAccountToken, type Obj } from "./helpers";

const whoami = (token: string | undefined) => as(token).post<{ status: { userInfo: Record<string, unknown> } }>("/apis/authentication.k8s.io/v1/selfsubjectreviews", { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });

describe("anonymous requests", () => {
  it("reach health, version and discovery, and nothing else", async () => {
    const anon = as(undefined);
    for (const path of ["/version", "/api", "/apis", "/api/v1", "/apis/apps/v1"]) expect((await anon.get(path)).status, path).toBe(200);
    expect((await exports.default.fetch(new Request("http://edgeplane.test/healthz"))).status).toBe(200);
    const pods = await anon.get("/api/v1/namespaces/default/pods");
    expect(pods.status).toBe(403);
    expect(pods.body).toMatchObject({ reason: "Forbidden", message: 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"' });
    const metrics = await anon.get("/metrics");
    expect(metrics.body).toMatchObject({ code: 403, message: 'forbidden: User "system:anonymous" cannot get path "/metrics"' });
    expect((await whoami(undefined)).status).toBe(403);
  });
});

describe("whoami", () => {
  it("names the admin and a service account as Kubernetes does", async () => {
    const admin = await ok(whoami("test-admin-token"));
    expect(admin.status.userInfo).toEqual({ username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] });
    await namespaceOnce("authn");
    const token = await serviceAccountToken("authn", "builder");
    const sa = await ok(whoami(token));
    expect(sa.status.userInfo).toMatchObject({ username: "system:serviceaccount:authn:builder", groups: ["system:serviceaccounts", "system:serviceaccounts:authn", "system:authenticated"] });
    expect((sa.status.userInfo.extra as Record<string, string[]>)["authentication.kubernetes.io/credential-id"][0]).toMatch(/^JTI=/);
  });
});

describe("service account tokens", () => {
  it("are refused once expired, for other audiences, or when the account is gone", async () => {
    await namespaceOnce("authn");
    const token = await serviceAccountToken("authn", "short");
    expect((await whoami(token)).status).toBe(201);
    const sa = await get<Obj>("/api/v1/namespaces/authn/serviceaccounts/short");
    const [key] = await signingKeys(env.SERVICE_ACCOUNT_KEYS);
    const mint = (now: number, audiences = [DEFAULT_ISSUER]) =>
      issueServiceAccountToken({ key, issuer: DEFAULT_ISSUER, audiences, namespace: "authn", serviceAccount: { name: "short", uid: String(sa.body.metadata.uid) }, expirationSeconds: 600, now });
    const expired = await mint(Date.now() - 3600_000);
    const reply = await whoami(expired.token);
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401, message: "Unauthorized" });
    expect((await whoami((await mint(Date.now(), ["vault"])).token)).status).toBe(401);
    expect((await whoami((await mint(Date.now())).token)).status).toBe(201);
    await del("/api/v1/namespaces/authn/serviceaccounts/short");
    expect((await whoami(token)).status).toBe(401);
  });

  it("validates TokenRequests as Kubernetes does and binds tokens to pods", async () => {
    await namespaceOnce("authn");
    await serviceAccountToken("authn", "runner");
    const short = await post("/api/v1/namespaces/authn/serviceaccounts/runner/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 60 } });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({ message: 'TokenRequest.authentication.k8s.io "runner" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes' });
    expect((await post("/api/v1/namespaces/authn/serviceaccounts/nobody/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} })).status).toBe(404);
    const p = await ok(post<Obj>("/api/v1/namespaces/authn/pods", pod("worker", { serviceAccountName: "runner" })));
    const bound = await ok(post<{ status: { token: string; expirationTimestamp: string }; spec: Record<string, unknown> }>("/api/v1/namespaces/authn/serviceaccounts/runner/token", {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "worker", uid: p.metadata.uid } },
    }));
    expect(bound.spec).toMatchObject({ audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 });
    const me = await ok(whoami(bound.status.token));
    expect((me.status.userInfo.extra as Record<string, string[]>)["authentication.kubernetes.io/pod-name"]).toEqual(["worker"]);
    // A pod-bound token dies with its pod.
    await del("/api/v1/namespaces/authn/pods/worker");
    expect((await whoami(bound.status.token)).status).toBe(401);
    const wrongUid = await post("/api/v1/namespaces/authn/serviceaccounts/runner/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { boundObjectRef: { kind: "ConfigMap", apiVersion: "v1", name: "x" } } });
    expect(wrongUid.status).toBe(400);
  });

  it("answer TokenReviews for those allowed to ask", async () => {
    await namespaceOnce("authn");
    const token = await serviceAccountToken("authn", "reviewed");
    const review = await ok(post<{ status: Record<string, unknown>; spec: Record<string, unknown> }>("/apis/authentication.k8s.io/v1/tokenreviews", { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } }));
    expect(review.status).toMatchObject({ authenticated: true, user: { username: "system:serviceaccount:authn:reviewed" } });
    expect(review.spec.token).toBe("");
    const bad = await ok(post<{ status: Record<string, unknown> }>("/apis/authentication.k8s.io/v1/tokenreviews", { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: "abcdef.0123456789abcdef" } }));
    expect(bad.status.authenticated).toBeUndefined();
    expect((await as(token).post("/apis/authentication.k8s.io/v1/tokenreviews", { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } })).status).toBe(403);
  });
});

describe("bootstrap tokens and node credentials", () => {
  it("trade a bootstrap token for a credential bound to the node's name, and revoke", async () => {
    const created = await ok(post<{ token: string; id: string; expiresAt: number }>("/admin/tokens", { ttlSeconds: 3600, description: "join node-1" }));
    expect(created.token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const listed = await ok(get<{ items: { id: string; secretHash?: string }[] }>("/admin/tokens"), 200);
    expect(listed.items.map((t) => t.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(created.token.split(".")[1]);
    const joiner = as(created.token);
    expect((await ok(whoami(created.token))).status.userInfo).toMatchObject({ username: `system:bootstrap:${created.id}`, groups: ["system:bootstrappers", "system:authenticated"] });
    expect((await joiner.get("/api/v1/namespaces/default/pods")).status).toBe(403);
    const cred = await ok(joiner.post<{ status: { token: string; username: string } }>("/apis/edgeplane.dev/v1/nodecredentialrequests", { apiVersion: "edgeplane.dev/v1", kind: "NodeCredentialRequest", spec: { nodeName: "node-1" } }));
    expect(cred.status.username).toBe("system:node:node-1");
    expect((await ok(whoami(cred.status.token))).status.userInfo).toMatchObject({ username: "system:node:node-1", groups: ["system:nodes", "system:authenticated"] });
    // The node may renew its own credential only.
    const other = await as(cred.status.token).post("/apis/edgeplane.dev/v1/nodecredentialrequests", { apiVersion: "edgeplane.dev/v1", kind: "NodeCredentialRequest", spec: { nodeName: "node-2" } });
    expect(other.status).toBe(403);
    expect((await del(`/admin/tokens/${created.id}`)).status).toBe(200);
    expect((await whoami(created.token)).status).toBe(401);
    expect((await as(cred.status.token).get("/api/v1/nodes/node-1")).status).not.toBe(401);
  });

  it("are stored hashed: no token appears in the tokens table", async () => {
    const created = await ok(post<{ token: string }>("/admin/tokens", { ttlSeconds: 60 }));
    const rows = await env.DB.prepare("SELECT * FROM tokens").all();
    expect(JSON.stringify(rows.results)).not.toContain(created.token.split(".")[1]);
  });

  it("expire", async () => {
    const created = await ok(post<{ token: string }>("/admin/tokens", { ttlSeconds: 1 }));
    await new Promise((r) => setTimeout(r, 1100));
    expect((await whoami(created.token)).status).toBe(401);
  });
});

describe("the default service account", () => {
  it("appears in every new namespace, for `kubectl create token default`", async () => {
    await namespaceOnce("with-default");
    let found = 0;
    for (let i = 0; i < 50 && found !== 200; i++) {
      found = (await get("/api/v1/namespaces/with-default/serviceaccounts/default")).status;
      if (found !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toBe(200);
    const tr = await ok(post<{ status: { token: string } }>("/api/v1/namespaces/with-default/serviceaccounts/default/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} }));
    expect((await ok(whoami(tr.status.token))).status.userInfo.username).toBe("system:serviceaccount:with-default:default");
  });
});

describe("service account issuer discovery", () => {
  it("publishes the keys that verify service account tokens", async () => {
    await namespaceOnce("authn");
    const token = await serviceAccountToken("authn", "federated");
    const config = await ok(as(token).get<{ issuer: string; jwks_uri: string }>("/.well-known/openid-configuration"), 200);
    expect(config).toMatchObject({ issuer: DEFAULT_ISSUER, jwks_uri: "http://edgeplane.test/openid/v1/jwks" });
    const jwks = await ok(as(token).get<{ keys: (JsonWebKey & { kid: string })[] }>("/openid/v1/jwks"), 200);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty("d");
    const [header, payload, signature] = token.split(".");
    const key = await crypto.subtle.importKey("jwk", jwks.keys[0], { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const sig = Uint8Array.from(atob(signature.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, sig, new TextEncoder().encode(`${header}.${payload}`))).toBe(true);
    expect((await as(undefined).get("/openid/v1/jwks")).status).toBe(403);
  });
});
