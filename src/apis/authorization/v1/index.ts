// authorization.k8s.io/v1: questions about what someone may do. None of these kinds is stored:
// each create is answered by the authorizer (`kubectl auth can-i`, webhooks asking on behalf of
// a user) and the object comes back with its status filled in.
import { z } from "zod";
import { atomicList, kindSchema } from "../../meta";
import type { KindDef } from "../../types";

export const resourceAttributesSchema = z.strictObject({
  namespace: z.string().optional(),
  verb: z.string().optional(),
  group: z.string().optional(),
  version: z.string().optional(),
  resource: z.string().optional(),
  subresource: z.string().optional(),
  name: z.string().optional(),
  fieldSelector: z.strictObject({ rawSelector: z.string().optional(), requirements: z.array(z.unknown()).optional() }).optional(),
  labelSelector: z.strictObject({ rawSelector: z.string().optional(), requirements: z.array(z.unknown()).optional() }).optional(),
});

export const nonResourceAttributesSchema = z.strictObject({
  path: z.string().optional(),
  verb: z.string().optional(),
});

const accessStatusSchema = z.strictObject({
  allowed: z.boolean(),
  denied: z.boolean().optional(),
  reason: z.string().optional(),
  evaluationError: z.string().optional(),
});

const subjectFields = {
  user: z.string().optional(),
  groups: atomicList(z.string()),
  extra: z.record(z.string(), z.array(z.string())).optional(),
  uid: z.string().optional(),
};

const selfSpec = z.strictObject({
  resourceAttributes: resourceAttributesSchema.optional(),
  nonResourceAttributes: nonResourceAttributesSchema.optional(),
});

const subjectSpec = z.strictObject({
  resourceAttributes: resourceAttributesSchema.optional(),
  nonResourceAttributes: nonResourceAttributesSchema.optional(),
  ...subjectFields,
});

const ruleStatusSchema = z.strictObject({
  resourceRules: z.array(
    z.strictObject({
      verbs: z.array(z.string()),
      apiGroups: atomicList(z.string()),
      resources: atomicList(z.string()),
      resourceNames: atomicList(z.string()),
    }),
  ),
  nonResourceRules: z.array(z.strictObject({ verbs: z.array(z.string()), nonResourceURLs: atomicList(z.string()) })),
  incomplete: z.boolean(),
  evaluationError: z.string().optional(),
});

export type ResourceAttributes = z.infer<typeof resourceAttributesSchema>;
export type NonResourceAttributes = z.infer<typeof nonResourceAttributesSchema>;

const GROUP = "authorization.k8s.io";

function reviewKind(kind: string, plural: string, namespaced: boolean, spec: z.ZodType, status: z.ZodType): KindDef {
  return {
    group: GROUP,
    version: "v1",
    kind,
    listKind: `${kind}List`,
    plural,
    singular: plural.slice(0, -1),
    shortNames: [],
    categories: [],
    namespaced,
    schema: kindSchema({ apiVersion: `${GROUP}/v1`, kind, spec, status }),
    columns: [],
    verbs: ["create"],
    virtual: true,
  };
}

export const selfSubjectAccessReviewKind = reviewKind("SelfSubjectAccessReview", "selfsubjectaccessreviews", false, selfSpec, accessStatusSchema);
export const subjectAccessReviewKind = reviewKind("SubjectAccessReview", "subjectaccessreviews", false, subjectSpec, accessStatusSchema);
export const localSubjectAccessReviewKind = reviewKind("LocalSubjectAccessReview", "localsubjectaccessreviews", true, subjectSpec, accessStatusSchema);
export const selfSubjectRulesReviewKind = reviewKind("SelfSubjectRulesReview", "selfsubjectrulesreviews", false, z.strictObject({ namespace: z.string().optional() }), ruleStatusSchema);

export const authorizationV1Kinds: readonly KindDef[] = [localSubjectAccessReviewKind, selfSubjectAccessReviewKind, selfSubjectRulesReviewKind, subjectAccessReviewKind];
