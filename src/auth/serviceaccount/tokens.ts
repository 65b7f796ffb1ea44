// Service account tokens (pkg/serviceaccount/claims.go, jwt.go): JWTs naming the service account
// and, for bound tokens, the pod, secret or node they live and die with. A token is valid while
// it has not expired, is meant for the API, and the objects it names still exist with the same
// uids (a deleted pod's token stops working with it).
import type { KubeObject } from "../../apis/types";
import { serviceAccountGroups, serviceAccountUsername, type UserInfo } from "../user";
import { signJwt, verifyJwt } from "./jwt";
import type { SigningKey } from "./keys";

export interface ObjectRef {
  name: string;
  uid: string;
}

/** What a token is bound to besides its service account. */
export interface Binding {
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

export interface IssueOptions {
  key: SigningKey;
  issuer: string;
  audiences: string[];
  namespace: string;
  serviceAccount: ObjectRef;
  binding?: Binding;
  expirationSeconds: number;
  now: number;
}

interface PrivateClaims {
  namespace?: string;
  serviceaccount?: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

export async function issueServiceAccountToken(o: IssueOptions): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(o.now / 1000);
  const exp = iat + o.expirationSeconds;
  const claims = {
    aud: o.audiences,
    exp,
    iat,
    iss: o.issuer,
    jti: crypto.randomUUID(),
    "kubernetes.io": { namespace: o.namespace, ...o.binding, serviceaccount: o.serviceAccount },
    nbf: iat,
    sub: serviceAccountUsername(o.namespace, o.serviceAccount.name),
  };
  return { token: await signJwt(o.key, claims), expiresAt: exp * 1000 };
}

/** How validation finds the objects a token names. */
export interface TokenObjects {
  get(resource: "serviceaccounts" | "pods" | "secrets" | "nodes", namespace: string, name: string): Promise<KubeObject | undefined>;
}

export interface ValidateOptions {
  keys: readonly SigningKey[];
  issuer: string;
  /** The token must be for one of these. */
  audiences: readonly string[];
  now: number;
  objects: TokenObjects;
}

export type Validated = { ok: true; user: UserInfo; audiences: string[]; expiresAt: number } | { ok: false; reason: string };

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

async function stillThere(objects: TokenObjects, resource: "serviceaccounts" | "pods" | "secrets" | "nodes", namespace: string, ref: ObjectRef, now: number): Promise<string | undefined> {
  const obj = await objects.get(resource, namespace, ref.name);
  if (!obj) return `${resource} ${ref.name} has been deleted`;
  if (obj.metadata.uid !== ref.uid) return `${resource} ${ref.name} uid (${obj.metadata.uid}) does not match the token's (${ref.uid})`;
  const deleting = obj.metadata.deletionTimestamp ? Date.parse(obj.metadata.deletionTimestamp) : undefined;
  if (deleting !== undefined && deleting < now) return `${resource} ${ref.name} is being deleted`;
  return undefined;
}

export async function validateServiceAccountToken(token: string, o: ValidateOptions): Promise<Validated> {
  const claims = await verifyJwt(token, o.keys);
  if (!claims) return { ok: false, reason: "invalid signature" };
  if (claims.iss !== o.issuer) return { ok: false, reason: "wrong issuer" };
  const nowSeconds = Math.floor(o.now / 1000);
  const exp = typeof claims.exp === "number" ? claims.exp : 0;
  if (exp <= nowSeconds) return { ok: false, reason: "token has expired" };
  if (typeof claims.nbf === "number" && claims.nbf > nowSeconds + 60) return { ok: false, reason: "token is not valid yet" };
  const aud = Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === "string") : [str(claims.aud) ?? ""];
  const audiences = aud.filter((a) => o.audiences.includes(a));
  if (audiences.length === 0) return { ok: false, reason: "token audiences are invalid" };
  const k8s = (claims["kubernetes.io"] ?? {}) as PrivateClaims;
  const namespace = k8s.namespace ?? "";
  const sa = k8s.serviceaccount;
  if (!namespace || !sa?.name || !sa.uid || claims.sub !== serviceAccountUsername(namespace, sa.name)) return { ok: false, reason: "malformed claims" };
  const checks: [typeof k8s.pod, "serviceaccounts" | "pods" | "secrets" | "nodes", string][] = [
    [sa, "serviceaccounts", namespace],
    [k8s.pod, "pods", namespace],
    [k8s.secret, "secrets", namespace],
    [k8s.node, "nodes", ""],
  ];
  for (const [ref, resource, ns] of checks) {
    if (!ref) continue;
    const gone = await stillThere(o.objects, resource, ns, ref, o.now);
    if (gone) return { ok: false, reason: gone };
  }
  const extra: Record<string, string[]> = {};
  if (k8s.pod) Object.assign(extra, { "authentication.kubernetes.io/pod-name": [k8s.pod.name], "authentication.kubernetes.io/pod-uid": [k8s.pod.uid] });
  if (k8s.node) Object.assign(extra, { "authentication.kubernetes.io/node-name": [k8s.node.name], "authentication.kubernetes.io/node-uid": [k8s.node.uid] });
  if (str(claims.jti)) extra["authentication.kubernetes.io/credential-id"] = [`JTI=${str(claims.jti)}`];
  const user: UserInfo = { name: serviceAccountUsername(namespace, sa.name), uid: sa.uid, groups: serviceAccountGroups(namespace), extra };
  return { ok: true, user, audiences, expiresAt: exp * 1000 };
}
