// The contract between controllers' decision logic and the reconciler that carries it out.
// A controller is `decide(observed, now) → Decision`: plain data in, plain data out, no I/O.
import type { KubeObject } from "../apis/types";

/** Which collection an action writes: the registry's store key, e.g. "pods", "apps/replicasets". */
export type ResourceKey = string;

export type Action =
  /** Create; `object.metadata.generateName` is honoured. */
  | { type: "create"; resource: ResourceKey; object: KubeObject }
  /** Replace the whole object (spec and metadata); conditional on object.metadata.resourceVersion. */
  | { type: "update"; resource: ResourceKey; object: KubeObject }
  /** Replace status only (the status subresource); conditional on object.metadata.resourceVersion. */
  /** `current`: the stored object the caller holds, if any, which saves reading it (a stale one loses on its resourceVersion). */
  | { type: "updateStatus"; resource: ResourceKey; object: KubeObject; current?: KubeObject }
  /** Delete; `uid` makes it a precondition so a replaced object of the same name is never hit. */
  | {
      type: "delete";
      resource: ResourceKey;
      namespace: string;
      name: string;
      uid?: string;
      propagationPolicy?: "Orphan" | "Background" | "Foreground";
      gracePeriodSeconds?: number;
    }
  /**
   * Record an Event about `about` (type Normal/Warning, reason, message), aggregated like
   * Kubernetes': `count` occurrences at once (default 1); a `combined` Event stands for similar
   * ones with different messages and is one object per `about`, type and reason (run.ts).
   */
  | { type: "event"; about: KubeObject; eventType: "Normal" | "Warning"; reason: string; message: string; count?: number; combined?: boolean };

export interface Decision {
  actions: Action[];
  /** Reconcile again after this many ms even if nothing changes (deadlines, minReadySeconds, backoff). */
  requeueAfterMs?: number;
}

export const NOTHING: Decision = { actions: [] };

/**
 * Placeholder in an Event's message for the name of the object the preceding create made (pods
 * are created with generateName, so the name is known only once the create succeeded).
 */
export const CREATED_NAME = "$(CREATED_NAME)";
