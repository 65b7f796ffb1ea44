import { describe, expect, it } from "vitest";
import { audited } from "../../../src/auth/auditpolicy";
import type { Attributes } from "../../../src/auth/attributes";
import { nodeUser } from "../../../src/auth/user";

const admin = { name: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };

function attrs(over: Partial<Attributes>): Attributes {
  return { user: admin, verb: "update", resourceRequest: true, path: "", apiGroup: "", apiVersion: "v1", resource: "pods", subresource: "", namespace: "default", name: "p", ...over };
}

const leaseRenewal = { user: nodeUser("n1"), apiGroup: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", name: "n1" };

describe("audited", () => {
  it("records changes and denials, not reads", () => {
    expect(audited(attrs({}), 200)).toBe(true);
    expect(audited(attrs({ verb: "get" }), 200)).toBe(false);
    expect(audited(attrs({ verb: "get" }), 403)).toBe(true);
  });

  it("records a node's Lease renewals too: every change is audited", () => {
    expect(audited(attrs({ ...leaseRenewal, verb: "update" }), 200)).toBe(true);
    expect(audited(attrs({ ...leaseRenewal, verb: "patch" }), 200)).toBe(true);
  });
});
