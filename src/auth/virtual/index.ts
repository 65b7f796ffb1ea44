// The API layer's entry into the kinds src/auth answers instead of storing (KindDef.virtual)
// and the serviceaccounts/token subresource: decode and type-check the body as any create
// does, hand it to the kind's handler, and send the answer as 201 Created.
import { kindByKind } from "../../apis/registry";
import { tokenRequestSchema, type TokenRequest } from "../../apis/authentication/v1";
import type { KindDef, KubeObject } from "../../apis/types";
import { checkObject } from "../../api/admission";
import type { Ctx } from "../../api/context";
import type { RequestQuery, Verb } from "../../api/decode";
import type { Target } from "../../api/paths";
import { readBody } from "../../api/request";
import { sendError, sendObject } from "../../api/respond";
import { methodNotAllowed, type Result } from "../../api/status";
import { storeAuthorizer } from "../authorizer";
import { authConfig } from "../config";
import type { VirtualContext } from "./context";
import { requestNodeCredential } from "./nodecredential";
import { localSubjectAccessReview, selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, subjectAccessReview, tokenReview } from "./reviews";
import { requestToken } from "./tokenrequest";

type Handler = (obj: KubeObject, ctx: VirtualContext) => Promise<Result<KubeObject>>;

const HANDLERS: Record<string, Handler> = {
  SelfSubjectAccessReview: selfSubjectAccessReview,
  SubjectAccessReview: subjectAccessReview,
  LocalSubjectAccessReview: localSubjectAccessReview,
  SelfSubjectRulesReview: selfSubjectRulesReview,
  SelfSubjectReview: selfSubjectReview,
  TokenReview: tokenReview,
  NodeCredentialRequest: requestNodeCredential,
};

/** TokenRequest is not a served kind, only the body of a subresource: a KindDef for decoding it. */
const tokenRequestKind: KindDef = {
  ...kindByKind("authentication.k8s.io", "v1", "TokenReview")!,
  kind: "TokenRequest",
  listKind: "TokenRequestList",
  plural: "tokenrequests",
  singular: "tokenrequest",
  namespaced: true,
  schema: tokenRequestSchema,
};

function contextOf(c: Ctx, t: Target): VirtualContext {
  const store = c.get("store");
  return { user: c.get("user"), store, env: c.env, config: authConfig(c.env), authorizer: storeAuthorizer(store), namespace: t.namespace, now: c.get("now")() };
}

async function decoded(c: Ctx, kind: KindDef, q: RequestQuery): Promise<Result<KubeObject>> {
  const body = await readBody(c, kind);
  if (!body.ok) return body;
  const checked = checkObject(kind, body.value, q.fieldValidation);
  if (!checked.ok) return checked;
  c.get("warnings").push(...checked.value.warnings);
  return { ok: true, value: checked.value.object };
}

/** A create of a virtual kind; any other verb is 405. */
export async function answerVirtual(c: Ctx, t: Target, verb: Verb, q: RequestQuery): Promise<Response> {
  const handler = HANDLERS[t.kind.kind];
  if (verb !== "create" || t.name || !handler) return sendError(c, methodNotAllowed(t.kind.plural, t.kind.group, c.req.method));
  const obj = await decoded(c, t.kind, q);
  if (!obj.ok) return sendError(c, obj.error);
  const answer = await handler(obj.value, contextOf(c, t));
  return answer.ok ? sendObject(c, t.kind, answer.value, 201) : sendError(c, answer.error);
}

/** POST serviceaccounts/{name}/token. */
export async function answerTokenRequest(c: Ctx, t: Target, q: RequestQuery): Promise<Response> {
  const obj = await decoded(c, tokenRequestKind, q);
  if (!obj.ok) return sendError(c, obj.error);
  const answer = await requestToken(obj.value as TokenRequest, t.name ?? "", contextOf(c, t));
  return answer.ok ? sendObject(c, tokenRequestKind, answer.value, 201) : sendError(c, answer.error);
}
