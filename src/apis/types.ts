// The contract every kind in the registry fulfils. Adding a kind is adding one KindDef:
// routes, store, watch, discovery, OpenAPI and Table output are all driven from it.
import type { z } from "zod";

/** A Kubernetes object as stored and served: plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: "Apply" | "Update";
  apiVersion?: string;
  time?: string;
  fieldsType?: "FieldsV1";
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  selfLink?: string;
}

/** One invalid field, as it appears in Status.details.causes. */
export interface FieldCause {
  /** Kubernetes cause reasons: FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, FieldValueDuplicate, FieldValueForbidden, FieldValueTooLong... */
  reason: string;
  /** Path in Kubernetes notation, e.g. `spec.template.spec.containers[0].image`. */
  field: string;
  message: string;
}

/** A column of `kubectl get` output (meta.k8s.io/v1 TableColumnDefinition) and how to fill it. */
export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority?: 0 | 1;
  description: string;
  /** The cell for one object; `now` is injected so output is testable. */
  cell(obj: KubeObject, now: Date): string | number | boolean | null;
}

export interface ScaleDef {
  /** Dotted paths inside the object. */
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath: string;
}

export interface KindDef {
  group: string; // "" for the core group
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[]; // e.g. ["all"]
  namespaced: boolean;
  /**
   * The whole object (apiVersion, kind, metadata, spec, status...) built from z.strictObject so
   * that unknown fields surface as `unrecognized_keys` issues. Lists that Kubernetes merges by key
   * carry `.meta(patchMeta(...))` (see meta.ts) so strategic merge patch and OpenAPI read them.
   */
  schema: z.ZodType;
  /** Which top-level fields the `status` subresource owns; absent when the kind has no status subresource. */
  statusField?: "status";
  /** Status given on create is kept rather than reset (a Node registers with its status, as in Kubernetes). */
  statusOnCreate?: boolean;
  /** Kind-specific subresources besides status and scale (e.g. Pod: binding, log, eviction). */
  subresources?: string[];
  scale?: ScaleDef;
  /** Fills in defaults in place, after decoding and before validation (as Kubernetes' defaulters do). */
  defaults?(obj: KubeObject): void;
  /** Runs once the server has set uid and creationTimestamp on create (e.g. a Job's generated selector). */
  onCreate?(obj: KubeObject): void;
  /** Runs when deletion of an object starts (deletionTimestamp set), e.g. a Namespace goes Terminating. */
  beginDelete?(obj: KubeObject): void;
  /** Kind-specific finalization still pending besides metadata.finalizers (a Namespace's spec.finalizers). */
  blocksDeletion?(obj: KubeObject): boolean;
  /** Semantic checks zod cannot express. `old` is set on update, for immutable fields. */
  validate?(obj: KubeObject, old?: KubeObject): FieldCause[];
  /** Columns for Table output, in kubectl's order (NAME is added first by the server for every kind). */
  columns: PrinterColumn[];
  /** Field selectors beyond metadata.name and metadata.namespace, e.g. `spec.nodeName`. */
  selectableFields?: Record<string, (obj: KubeObject) => string>;
  /** False for kinds whose generation Kubernetes does not track (ConfigMap, Secret, Event...). */
  tracksGeneration?: boolean;
  /** Verbs the kind supports; defaults to all. */
  verbs?: string[];
  /** The metadata.name rule when it is not a DNS-1123 subdomain (RBAC names are path segments: "system:node"). */
  validateName?(name: string, prefix: boolean): string[];
  /**
   * Never stored: a create is answered by a handler and nothing is kept (SelfSubjectAccessReview,
   * TokenReview...). Such kinds serve only `create`.
   */
  virtual?: boolean;
}

export const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] as const;
