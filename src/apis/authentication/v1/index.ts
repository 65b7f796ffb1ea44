// authentication.k8s.io/v1: who a credential belongs to. TokenReview asks about a bearer token,
// SelfSubjectReview about the caller (`kubectl auth whoami`); neither is stored. TokenRequest is
// the body of the serviceaccounts/token subresource (`kubectl create token`), not a resource.
import { z } from "zod";
import { atomicList, kindSchema } from "../../meta";
import type { KindDef, KubeObject } from "../../types";

export const userInfoSchema = z.strictObject({
  username: z.string().optional(),
  uid: z.string().optional(),
  groups: atomicList(z.string()),
  extra: z.record(z.string(), z.array(z.string())).optional(),
});

const GROUP = "authentication.k8s.io";

function reviewKind(kind: string, plural: string, spec: z.ZodType | undefined, status: z.ZodType): KindDef {
  return {
    group: GROUP,
    version: "v1",
    kind,
    listKind: `${kind}List`,
    plural,
    singular: plural.slice(0, -1),
    shortNames: [],
    categories: [],
    namespaced: false,
    schema: kindSchema({ apiVersion: `${GROUP}/v1`, kind, spec, status }),
    columns: [],
    verbs: ["create"],
    virtual: true,
  };
}

export const tokenReviewKind = reviewKind(
  "TokenReview",
  "tokenreviews",
  z.strictObject({ token: z.string().optional(), audiences: atomicList(z.string()) }),
  z.strictObject({ authenticated: z.boolean().optional(), user: userInfoSchema.optional(), audiences: atomicList(z.string()), error: z.string().optional() }),
);

export const selfSubjectReviewKind = reviewKind("SelfSubjectReview", "selfsubjectreviews", undefined, z.strictObject({ userInfo: userInfoSchema.optional() }));

export const authenticationV1Kinds: readonly KindDef[] = [selfSubjectReviewKind, tokenReviewKind];

/** authentication.k8s.io/v1 TokenRequest, the body POSTed to serviceaccounts/{name}/token. */
export const tokenRequestSchema = kindSchema({
  apiVersion: `${GROUP}/v1`,
  kind: "TokenRequest",
  spec: z.strictObject({
    audiences: atomicList(z.string()),
    expirationSeconds: z.int().optional(),
    boundObjectRef: z
      .strictObject({ kind: z.string().optional(), apiVersion: z.string().optional(), name: z.string().optional(), uid: z.string().optional() })
      .optional(),
  }),
  status: z.strictObject({ token: z.string(), expirationTimestamp: z.string() }),
});

export interface TokenRequest extends KubeObject {
  spec?: {
    audiences?: string[];
    expirationSeconds?: number;
    boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
  };
  status?: { token: string; expirationTimestamp: string };
}
