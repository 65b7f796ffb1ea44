// How controllers read and write: straight to the store, but every write through the API's own
// write paths (defaults, validation, conditional on resourceVersion), so that a controller's
// change is versioned, watched and validated like anyone's.
import type { KindDef, KubeObject } from "../apis/types";
import { allKinds } from "../apis/registry";
import { resourceKey } from "../api/paths";
import { timestamp } from "../api/objectmeta";
import type { Result } from "../api/status";
import { writeCreate, writeDelete, writeUpdate, type WriteContext } from "../api/writes";
import type { Store } from "../store/store";
import type { Action } from "./types";
import { authorizeAction } from "../auth/controllers";
import { clone } from "../util/json";

const kindsByResource = new Map(allKinds.map((k) => [resourceKey(k), k]));

export function kindOf(resource: string): KindDef {
  const kind = kindsByResource.get(resource);
  if (!kind) throw new Error(`no kind is stored as ${resource}`);
  return kind;
}

export class Client {
  constructor(
    readonly store: Store,
    private readonly now: () => number,
    /** The controller's name: its field manager and the source of its Events. */
    readonly identity: string,
    /** Told of every action before it is carried out. */
    private readonly onAction?: (action: Action) => void,
  ) {}

  private context(resource: string, subresource?: string): WriteContext {
    return { store: this.store, kind: kindOf(resource), resource, now: this.now(), dryRun: false, fieldManager: this.identity, subresource };
  }

  get(resource: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.store.get({ resource, namespace, name });
  }

  /** Every object of a resource in a namespace (undefined: all namespaces), optionally by controller uid (null: no controller). */
  list(resource: string, namespace?: string, by: { controllerUid?: string | null } = {}): Promise<KubeObject[]> {
    return this.store.listAll({ resource, namespace, controllerUid: by.controllerUid });
  }

  /** Carry out one action; a lost race is a failed Result, so the pass ends and is retried. */
  async apply(action: Action): Promise<Result<KubeObject | undefined>> {
    // Least privilege: the identity's role must allow the action (src/auth/controllers.ts).
    const denied = authorizeAction(this.identity, action);
    if (denied) return { ok: false, error: denied };
    this.onAction?.(action);
    switch (action.type) {
      case "create":
        return writeCreate(this.context(action.resource), clone(action.object));
      case "update":
      case "updateStatus": {
        const m = action.object.metadata;
        const current = (action.type === "updateStatus" ? action.current : undefined) ?? (await this.get(action.resource, m.namespace ?? "", m.name ?? ""));
        if (!current) return { ok: true, value: undefined };
        const w = this.context(action.resource, action.type === "updateStatus" ? "status" : undefined);
        return writeUpdate(w, current, clone(action.object), { expectedRv: m.resourceVersion ? Number(m.resourceVersion) : undefined });
      }
      case "delete": {
        const current = await this.get(action.resource, action.namespace, action.name);
        if (!current || (action.uid && current.metadata.uid !== action.uid)) return { ok: true, value: undefined };
        return writeDelete(this.context(action.resource), current, {
          propagationPolicy: action.propagationPolicy ?? "Background",
          gracePeriodSeconds: action.gracePeriodSeconds,
          preconditions: action.uid ? { uid: action.uid } : undefined,
        });
      }
      case "event":
        return this.recordEvent(action);
    }
  }

  /**
   * Events are aggregated as Kubernetes' correlator does: the same reason and message bump a
   * count; a combined Event (similar messages) is one object whose count and message follow.
   */
  private async recordEvent(action: Extract<Action, { type: "event" }>): Promise<Result<KubeObject | undefined>> {
    const about = action.about;
    const m = about.metadata;
    const namespace = m.namespace || "default";
    const story = action.combined ? "combined" : `/${action.message}`;
    const name = `${m.name}.${eventSuffix(`${m.uid}/${action.eventType}/${action.reason}${story}`)}`;
    const occurrences = action.count ?? 1;
    const now = timestamp(this.now());
    const event: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
      reason: action.reason,
      message: action.message,
      type: action.eventType,
      source: { component: this.identity },
      reportingComponent: this.identity,
      reportingInstance: this.identity,
      firstTimestamp: now,
      lastTimestamp: now,
      count: occurrences,
    };
    // Most stories are told once: try the create first (no read), and bump the count when it exists.
    const created = await this.apply({ type: "create", resource: "events", object: event });
    if (created.ok || created.error.reason !== "AlreadyExists") return created;
    const existing = await this.get("events", namespace, name);
    if (!existing) return created;
    const count = ((existing.count as number | undefined) ?? 1) + occurrences;
    return this.apply({ type: "update", resource: "events", object: { ...existing, count, message: action.message, lastTimestamp: now } });
  }
}

/** A short stable hex suffix (FNV-1a 32) so one story keeps one Event object. */
function eventSuffix(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
