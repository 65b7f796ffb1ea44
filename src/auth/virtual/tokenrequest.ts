// POST serviceaccounts/{name}/token (TokenRequest, `kubectl create token`): a service account
// token for the API's audiences or the ones asked for, valid for expirationSeconds (an hour by
// default, at least ten minutes), optionally bound to a Pod, Secret or Node so it dies with it.
// A token bound to a pod also names the pod's node. Nodes may only ask for tokens bound to pods
// scheduled on them (NodeRestriction).
import type { TokenRequest } from "../../apis/authentication/v1";
import type { KubeObject } from "../../apis/types";
import { timestamp } from "../../api/objectmeta";
import { badRequest, conflict, fieldError, internalError, invalid, notFound, type Result } from "../../api/status";
import { admitNodeTokenRequest } from "../node/restriction";
import { signingKeys } from "../serviceaccount/keys";
import { issueServiceAccountToken, type Binding } from "../serviceaccount/tokens";
import { nodeIdentity } from "../user";
import type { VirtualContext } from "./context";

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

const BINDABLE: Record<string, "pods" | "secrets" | "nodes"> = { Pod: "pods", Secret: "secrets", Node: "nodes" };

function validExpiration(tr: TokenRequest, name: string): Result<number> {
  const seconds = tr.spec?.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const why = seconds < MIN_EXPIRATION_SECONDS ? "may not specify a duration less than 10 minutes" : seconds > MAX_EXPIRATION_SECONDS ? "may not specify a duration larger than 2^32 seconds" : undefined;
  if (!why) return { ok: true, value: seconds };
  return { ok: false, error: invalid("TokenRequest", "authentication.k8s.io", name, [fieldError.invalid("spec.expirationSeconds", seconds, why)]) };
}

/** The objects the token is bound to, checked to exist with the uid given. */
async function bindingOf(tr: TokenRequest, sa: KubeObject, ctx: VirtualContext): Promise<Result<{ binding: Binding; pod?: KubeObject }>> {
  const ref = tr.spec?.boundObjectRef;
  if (!ref) return { ok: true, value: { binding: {} } };
  const resource = BINDABLE[ref.kind ?? ""];
  const saName = sa.metadata.name ?? "";
  if (!resource || (ref.apiVersion ?? "v1") !== "v1") return { ok: false, error: badRequest(`cannot bind token for serviceaccount "${saName}" to object of kind "${ref.kind ?? ""}"`) };
  const namespace = resource === "nodes" ? "" : (sa.metadata.namespace ?? "");
  const obj = await ctx.store.get({ resource, namespace, name: ref.name ?? "" });
  if (!obj) return { ok: false, error: notFound(resource, "", ref.name ?? "") };
  if (ref.uid && ref.uid !== obj.metadata.uid) {
    return { ok: false, error: conflict(ref.kind ?? "", "", ref.name ?? "", `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`) };
  }
  const bound = { name: obj.metadata.name ?? "", uid: obj.metadata.uid ?? "" };
  if (resource === "secrets") return { ok: true, value: { binding: { secret: bound } } };
  if (resource === "nodes") return { ok: true, value: { binding: { node: bound } } };
  const spec = (obj.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
  if ((spec.serviceAccountName ?? "default") !== saName) return { ok: false, error: badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`) };
  const node = spec.nodeName ? await ctx.store.get({ resource: "nodes", namespace: "", name: spec.nodeName }) : undefined;
  const binding: Binding = { pod: bound, ...(node ? { node: { name: node.metadata.name ?? "", uid: node.metadata.uid ?? "" } } : {}) };
  return { ok: true, value: { binding, pod: obj } };
}

export async function requestToken(tr: TokenRequest, saName: string, ctx: VirtualContext): Promise<Result<KubeObject>> {
  const namespace = ctx.namespace ?? "";
  const sa = await ctx.store.get({ resource: "serviceaccounts", namespace, name: saName });
  if (!sa) return { ok: false, error: notFound("serviceaccounts", "", saName) };
  const expiration = validExpiration(tr, saName);
  if (!expiration.ok) return expiration;
  const bound = await bindingOf(tr, sa, ctx);
  if (!bound.ok) return bound;
  const node = nodeIdentity(ctx.user);
  if (node.isNode) {
    const refused = admitNodeTokenRequest(node.nodeName, tr.spec?.boundObjectRef, bound.value.pod, saName);
    if (refused) return { ok: false, error: refused };
  }
  const [key] = await signingKeys(ctx.env.SERVICE_ACCOUNT_KEYS);
  if (!key) return { ok: false, error: internalError("no service account signing key is configured (SERVICE_ACCOUNT_KEYS)") };
  const audiences = tr.spec?.audiences?.length ? tr.spec.audiences : ctx.config.apiAudiences;
  const issued = await issueServiceAccountToken({
    key,
    issuer: ctx.config.issuer,
    audiences,
    namespace,
    serviceAccount: { name: saName, uid: sa.metadata.uid ?? "" },
    binding: bound.value.binding,
    expirationSeconds: expiration.value,
    now: ctx.now,
  });
  const answer: TokenRequest = {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    metadata: { name: saName, namespace, creationTimestamp: timestamp(ctx.now) },
    spec: { audiences, expirationSeconds: expiration.value, ...(tr.spec?.boundObjectRef ? { boundObjectRef: tr.spec.boundObjectRef } : {}) },
    status: { token: issued.token, expirationTimestamp: timestamp(issued.expiresAt) },
  };
  return { ok: true, value: answer };
}
