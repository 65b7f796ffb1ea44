// Kubernetes REST paths and the verbs the agent uses, on top of KubeClient.
import type { KubeObject } from "../../apis/types";
import type { KubeClient, Query } from "./client";

export interface ResourceType {
  /** "" for the core group. */
  group: string;
  version: string;
  /** Plural: "pods", "leases". */
  resource: string;
}

export const PODS: ResourceType = { group: "", version: "v1", resource: "pods" };
export const NODES: ResourceType = { group: "", version: "v1", resource: "nodes" };
export const CONFIGMAPS: ResourceType = { group: "", version: "v1", resource: "configmaps" };
export const SECRETS: ResourceType = { group: "", version: "v1", resource: "secrets" };
export const SERVICE_ACCOUNTS: ResourceType = { group: "", version: "v1", resource: "serviceaccounts" };
export const EVENTS: ResourceType = { group: "", version: "v1", resource: "events" };
export const LEASES: ResourceType = { group: "coordination.k8s.io", version: "v1", resource: "leases" };

export interface Target {
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function resourcePath(type: ResourceType, target: Target = {}): string {
  const parts = [type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`];
  if (target.namespace) parts.push("namespaces", encodeURIComponent(target.namespace));
  parts.push(type.resource);
  if (target.name) parts.push(encodeURIComponent(target.name));
  if (target.subresource) parts.push(target.subresource);
  return parts.join("/").replace(/^\/\//, "/");
}

export interface ObjectList<T> {
  items: T[];
  metadata: { resourceVersion?: string; continue?: string };
}

export function getObject<T extends KubeObject>(client: KubeClient, type: ResourceType, target: Target): Promise<T> {
  return client.request<T>(resourcePath(type, target));
}

/** Every page of a list (limit/continue), with the resourceVersion of the first page to watch from. */
export async function listAll<T extends KubeObject>(client: KubeClient, type: ResourceType, namespace: string | undefined, query: Query, signal?: AbortSignal): Promise<{ items: T[]; resourceVersion: string }> {
  const items: T[] = [];
  let resourceVersion = "";
  let cont: string | undefined;
  do {
    const page = await client.request<ObjectList<T>>(resourcePath(type, { namespace }), { query: { ...query, limit: 500, continue: cont }, signal });
    items.push(...page.items);
    resourceVersion ||= page.metadata.resourceVersion ?? "";
    cont = page.metadata.continue || undefined;
  } while (cont);
  return { items, resourceVersion };
}

export function createObject<T extends KubeObject>(client: KubeClient, type: ResourceType, obj: T): Promise<T> {
  return client.request<T>(resourcePath(type, { namespace: obj.metadata.namespace }), { method: "POST", body: obj });
}

export function updateObject<T extends KubeObject>(client: KubeClient, type: ResourceType, obj: T, subresource?: string): Promise<T> {
  const target = { namespace: obj.metadata.namespace, name: obj.metadata.name, subresource };
  return client.request<T>(resourcePath(type, target), { method: "PUT", body: obj });
}

/** A JSON merge patch, of the status subresource when asked. */
export function mergePatch<T extends KubeObject>(client: KubeClient, type: ResourceType, target: Target, patch: unknown): Promise<T> {
  return client.request<T>(resourcePath(type, target), { method: "PATCH", body: patch, contentType: "application/merge-patch+json" });
}

export function deleteObject(client: KubeClient, type: ResourceType, target: Target, options: { gracePeriodSeconds?: number; uid?: string } = {}): Promise<unknown> {
  const body = {
    kind: "DeleteOptions",
    apiVersion: "v1",
    ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
    ...(options.uid ? { preconditions: { uid: options.uid } } : {}),
  };
  return client.request(resourcePath(type, target), { method: "DELETE", body });
}
