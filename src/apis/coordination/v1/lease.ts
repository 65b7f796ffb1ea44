// coordination.k8s.io/v1 Lease: node heartbeats and leader election. Schema, validation
// (coordination/validation ValidateLeaseSpec) and `kubectl get` columns.
import { z } from "zod";
import { forbidden, invalid, notSupported } from "../../fielderrors";
import { kindSchema, timeSchema } from "../../meta";
import { ageColumn } from "../../printers";
import type { FieldCause, KindDef, KubeObject } from "../../types";
import { validateNonNegative, validateQualifiedName } from "../../validation";

export const leaseSpecSchema = z.strictObject({
  holderIdentity: z.string().optional(),
  leaseDurationSeconds: z.int32().optional(),
  acquireTime: timeSchema.optional(),
  renewTime: timeSchema.optional(),
  leaseTransitions: z.int32().optional(),
  strategy: z.string().optional(),
  preferredHolder: z.string().optional(),
});

export const leaseSchema = kindSchema({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", spec: leaseSpecSchema });

export type LeaseSpec = z.infer<typeof leaseSpecSchema>;

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

const asLease = (obj: KubeObject) => obj as Lease;

const STRATEGIES = ["OldestEmulationVersion"];

function validateLease(obj: KubeObject): FieldCause[] {
  const spec = asLease(obj).spec ?? {};
  const causes: FieldCause[] = [];
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    causes.push(invalid("spec.leaseDurationSeconds", spec.leaseDurationSeconds, "must be greater than 0"));
  }
  causes.push(...validateNonNegative(spec.leaseTransitions, "spec.leaseTransitions"));
  // Besides Kubernetes' own strategies, a domain-prefixed name ("example.com/mine") is anyone's.
  if (spec.strategy?.includes("/")) causes.push(...validateQualifiedName(spec.strategy, "spec.strategy"));
  else if (spec.strategy !== undefined && !STRATEGIES.includes(spec.strategy)) causes.push(notSupported("spec.strategy", spec.strategy, STRATEGIES));
  if (spec.preferredHolder && !spec.strategy) causes.push(forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"));
  return causes;
}

export const leaseKind: KindDef = {
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  listKind: "LeaseList",
  plural: "leases",
  singular: "lease",
  shortNames: [],
  categories: [],
  namespaced: true,
  schema: leaseSchema,
  validate: validateLease,
  columns: [
    { name: "Holder", type: "string", description: "holderIdentity contains the identity of the holder of a current lease.", cell: (obj) => asLease(obj).spec?.holderIdentity ?? "" },
    ageColumn(),
  ],
};
