// Which requests are audited: every request that changes something and every denied one, as
// kube-apiserver's Metadata-level policy records them, less the high-volume heartbeats Kubernetes'
// shipped policies leave out. Pure, so the policy is tested without a database.
import type { Attributes } from "./attributes";
import { NODES } from "./user";

const MUTATING = new Set(["create", "update", "patch", "delete", "deletecollection", "post", "put"]);
/** Creates that change nothing: asking what someone may do or who they are. */
const REVIEWS = new Set(["selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews", "localsubjectaccessreviews", "tokenreviews", "selfsubjectreviews"]);

/**
 * A node renewing its heartbeat Lease: every node every 10 s, and nothing an auditor asks about.
 * Left out as the audit policies shipped with Kubernetes clusters leave out such high-volume,
 * low-risk requests (level None); anyone else writing a node's Lease is still recorded.
 */
function nodeLeaseRenewal(attrs: Attributes): boolean {
  return (
    (attrs.verb === "update" || attrs.verb === "patch") &&
    attrs.apiGroup === "coordination.k8s.io" &&
    attrs.resource === "leases" &&
    attrs.subresource === "" &&
    attrs.namespace === "kube-node-lease" &&
    attrs.user.groups.includes(NODES)
  );
}

/** Whether a request with these attributes and response code is audited. */
export function audited(attrs: Attributes, code: number): boolean {
  if (code === 401 || code === 403) return true;
  return MUTATING.has(attrs.verb) && !REVIEWS.has(attrs.resource) && !nodeLeaseRenewal(attrs);
}
