// The authorization.k8s.io and authentication.k8s.io reviews: `kubectl auth can-i` (access and
// rules reviews), `kubectl auth whoami`, and the SubjectAccessReview and TokenReview webhooks
// ask. Each gets the object back with its status, as kube-apiserver answers them.
import type { KubeObject } from "../../apis/types";
import type { NonResourceAttributes, ResourceAttributes } from "../../apis/authorization/v1";
import { badRequest, invalid, type Result } from "../../api/status";
import { fieldError } from "../../api/status";
import type { Attributes } from "../attributes";
import { authenticateToken } from "../authn";
import type { UserInfo } from "../user";
import { nodeIdentity } from "../user";
import type { VirtualContext } from "./context";

interface AccessSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid?: string;
}

function accessAttributes(user: UserInfo, spec: AccessSpec): Attributes {
  const r = spec.resourceAttributes;
  if (r) {
    return { user, verb: r.verb ?? "", resourceRequest: true, path: "", apiGroup: r.group ?? "", apiVersion: r.version ?? "", resource: r.resource ?? "", subresource: r.subresource ?? "", namespace: r.namespace ?? "", name: r.name ?? "" };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? "", resourceRequest: false, path: n.path ?? "", apiGroup: "", apiVersion: "", resource: "", subresource: "", namespace: "", name: "" };
}

function checkSpec(obj: KubeObject, spec: AccessSpec, subject: boolean): Result<AccessSpec> {
  const kind = obj.kind;
  if (Boolean(spec.resourceAttributes) === Boolean(spec.nonResourceAttributes)) {
    const cause = fieldError.invalid("spec.resourceAttributes", "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified");
    return { ok: false, error: invalid(kind, "authorization.k8s.io", obj.metadata.name ?? "", [cause]) };
  }
  if (subject && !spec.user && !(spec.groups ?? []).length) {
    return { ok: false, error: invalid(kind, "authorization.k8s.io", obj.metadata.name ?? "", [fieldError.invalid("spec.user", "", "at least one of user or group must be specified")]) };
  }
  return { ok: true, value: spec };
}

async function answerAccess(obj: KubeObject, user: UserInfo, spec: AccessSpec, ctx: VirtualContext): Promise<Result<KubeObject>> {
  const decision = await ctx.authorizer.authorize(accessAttributes(user, spec));
  const status = decision.allowed ? { allowed: true } : { allowed: false, ...(decision.reason ? { reason: decision.reason } : {}) };
  return { ok: true, value: { ...obj, status } };
}

export function selfSubjectAccessReview(obj: KubeObject, ctx: VirtualContext): Promise<Result<KubeObject>> {
  const spec = checkSpec(obj, (obj.spec ?? {}) as AccessSpec, false);
  return spec.ok ? answerAccess(obj, ctx.user, spec.value, ctx) : Promise.resolve(spec);
}

function subjectOf(spec: AccessSpec): UserInfo {
  return { name: spec.user ?? "", uid: spec.uid, groups: spec.groups ?? [], extra: spec.extra };
}

export function subjectAccessReview(obj: KubeObject, ctx: VirtualContext): Promise<Result<KubeObject>> {
  const spec = checkSpec(obj, (obj.spec ?? {}) as AccessSpec, true);
  return spec.ok ? answerAccess(obj, subjectOf(spec.value), spec.value, ctx) : Promise.resolve(spec);
}

export function localSubjectAccessReview(obj: KubeObject, ctx: VirtualContext): Promise<Result<KubeObject>> {
  const spec = checkSpec(obj, (obj.spec ?? {}) as AccessSpec, true);
  if (!spec.ok) return Promise.resolve(spec);
  const ns = spec.value.resourceAttributes?.namespace;
  if (spec.value.nonResourceAttributes || ns !== ctx.namespace) {
    const field = spec.value.nonResourceAttributes ? "spec.nonResourceAttributes" : "spec.resourceAttributes.namespace";
    const cause = fieldError.invalid(field, ns ?? "", spec.value.nonResourceAttributes ? "disallowed on this kind of request" : "must match metadata.namespace");
    return Promise.resolve({ ok: false, error: invalid(obj.kind, "authorization.k8s.io", obj.metadata.name ?? "", [cause]) });
  }
  return answerAccess(obj, subjectOf(spec.value), spec.value, ctx);
}

export async function selfSubjectRulesReview(obj: KubeObject, ctx: VirtualContext): Promise<Result<KubeObject>> {
  const namespace = (obj.spec as { namespace?: string } | undefined)?.namespace ?? "";
  if (!namespace) return { ok: false, error: badRequest("no namespace on request") };
  const { rules, errors } = (await ctx.authorizer.rbac()).rulesFor(ctx.user, namespace);
  const resourceRules = rules
    .filter((r) => !(r.nonResourceURLs ?? []).length)
    .map((r) => ({ verbs: r.verbs ?? [], apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames }));
  const nonResourceRules = rules.filter((r) => (r.nonResourceURLs ?? []).length).map((r) => ({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs }));
  // A node's permissions come from the Node authorizer, which cannot list them.
  const node = nodeIdentity(ctx.user).isNode ? ["node authorizer does not support user rule resolution"] : [];
  const problems = [...node, ...errors];
  const status = { resourceRules, nonResourceRules, incomplete: problems.length > 0, ...(problems.length ? { evaluationError: problems.join(", ") } : {}) };
  return { ok: true, value: { ...obj, status } };
}

function userInfoOf(user: UserInfo) {
  return { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}) };
}

export async function selfSubjectReview(obj: KubeObject, ctx: VirtualContext): Promise<Result<KubeObject>> {
  return { ok: true, value: { ...obj, status: { userInfo: userInfoOf(ctx.user) } } };
}

export async function tokenReview(obj: KubeObject, ctx: VirtualContext): Promise<Result<KubeObject>> {
  const spec = (obj.spec ?? {}) as { token?: string; audiences?: string[] };
  if (!spec.token) return { ok: false, error: badRequest("token is required for TokenReview in authentication") };
  const audiences = spec.audiences?.length ? spec.audiences : ctx.config.apiAudiences;
  const found = await authenticateToken(spec.token, { config: ctx.config, store: ctx.store, d1: ctx.env.DB, serviceAccountKeys: ctx.env.SERVICE_ACCOUNT_KEYS, now: ctx.now }, audiences);
  // The token itself is never echoed back.
  const answered = { ...obj, spec: { ...spec, token: "" } };
  if ("reason" in found) return { ok: true, value: { ...answered, status: { user: {}, error: "[invalid bearer token, token lookup failed]" } } };
  return { ok: true, value: { ...answered, status: { authenticated: true, user: userInfoOf(found.user), audiences } } };
}
