// Which requests are audited: every request that changes something and every denied one, as
// kube-apiserver's Metadata-level policy records them (node heartbeats included: the issue asks
// for every change, where clusters' shipped policies often drop them). Pure, so the policy is
// tested without a database.
import type { Attributes } from "./attributes";

const MUTATING = new Set(["create", "update", "patch", "delete", "deletecollection", "post", "put"]);
/** Creates that change nothing: asking what someone may do or who they are. */
const REVIEWS = new Set(["selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews", "localsubjectaccessreviews", "tokenreviews", "selfsubjectreviews"]);

/** Whether a request with these attributes and response code is audited. */
export function audited(attrs: Attributes, code: number): boolean {
  if (code === 401 || code === 403) return true;
  return MUTATING.has(attrs.verb) && !REVIEWS.has(attrs.resource);
}
