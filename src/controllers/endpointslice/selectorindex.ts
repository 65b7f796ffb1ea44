// Which Services a pod change concerns: the Services of the pod's namespace whose selector
// matches its labels now or matched them before the change (a relabelled pod leaves one Service
// and joins another). Services are indexed per namespace and by one of their selector's labels,
// so a pod is compared only with the Services that could select it. A pod change that leaves
// everything the endpoints are made of alone (a container restart count) wakes nobody.
import type { KubeObject } from "../../apis/types";
import { podIPv4, podReady, selectorMatches } from "./podendpoint";
import type { Pod, Service } from "./types";

interface Indexed {
  name: string;
  selector: Record<string, string>;
}

/** What a pod contributes to endpoints: a change in anything else does not need the Services told. */
export function podFingerprint(pod: Pod): string {
  const spec = pod.spec;
  const ports = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((c) => c.ports ?? []);
  return JSON.stringify([
    pod.metadata.labels ?? {},
    pod.metadata.uid,
    podIPv4(pod) ?? "",
    podReady(pod),
    Boolean(pod.metadata.deletionTimestamp),
    pod.status?.phase ?? "",
    spec?.nodeName ?? "",
    spec?.hostname ?? "",
    spec?.subdomain ?? "",
    ports,
  ]);
}

export interface PodChange {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
  /** The labels before the change, when the change log recorded them. */
  prevLabels?: Record<string, string>;
}

export class SelectorIndex {
  /** namespace → the first selector key (sorted) → Services whose selector has that key. */
  private readonly byNamespace = new Map<string, Map<string, Map<string, Indexed>>>();
  /** namespace/name → the key it is filed under, to move or drop it. */
  private readonly filed = new Map<string, string>();
  private readonly fingerprints = new Map<string, string>();

  get size(): number {
    return this.filed.size;
  }

  /** Whether the Service is filed: it has a selector. */
  has(namespace: string, name: string): boolean {
    return this.filed.has(`${namespace}/${name}`);
  }

  upsert(svc: Service): void {
    const namespace = svc.metadata.namespace ?? "";
    const name = svc.metadata.name ?? "";
    this.remove(namespace, name);
    const selector = svc.spec?.type === "ExternalName" ? {} : (svc.spec?.selector ?? {});
    const keys = Object.keys(selector).sort();
    if (keys.length === 0) return;
    let byKey = this.byNamespace.get(namespace);
    if (!byKey) this.byNamespace.set(namespace, (byKey = new Map()));
    let services = byKey.get(keys[0]);
    if (!services) byKey.set(keys[0], (services = new Map()));
    services.set(name, { name, selector });
    this.filed.set(`${namespace}/${name}`, keys[0]);
  }

  remove(namespace: string, name: string): void {
    const key = this.filed.get(`${namespace}/${name}`);
    if (key === undefined) return;
    this.filed.delete(`${namespace}/${name}`);
    const byKey = this.byNamespace.get(namespace);
    const services = byKey?.get(key);
    services?.delete(name);
    if (services && services.size === 0) byKey?.delete(key);
    if (byKey && byKey.size === 0) this.byNamespace.delete(namespace);
  }

  /** The names of the Services in `namespace` whose selector matches `labels`. */
  matching(namespace: string, labels: Record<string, string> | undefined): string[] {
    const byKey = this.byNamespace.get(namespace);
    if (!byKey || !labels) return [];
    const out: string[] = [];
    for (const key of Object.keys(labels)) {
      for (const svc of byKey.get(key)?.values() ?? []) if (selectorMatches(svc.selector, labels)) out.push(svc.name);
    }
    return out;
  }

  /** The Services to wake for a pod change (none when nothing endpoints are made of changed). */
  servicesFor(change: PodChange): string[] {
    const pod = change.object as Pod;
    const namespace = pod.metadata.namespace ?? "";
    const key = `${namespace}/${pod.metadata.name ?? ""}`;
    if (change.type === "DELETED") {
      this.fingerprints.delete(key);
    } else {
      const fingerprint = podFingerprint(pod);
      if (this.fingerprints.get(key) === fingerprint) return [];
      this.fingerprints.set(key, fingerprint);
    }
    const names = new Set([...this.matching(namespace, pod.metadata.labels), ...this.matching(namespace, change.prevLabels)]);
    return [...names].sort();
  }
}
