// The ConfigMaps and Secrets pods refer to, each kept current by a watch of its own
// (fieldSelector=metadata.name=<name> in its namespace), as the kubelet's watch-based manager
// does: the first pod that references an object starts its watch, the last one to go stops it.
// A node credential may read only what its pods reference (the Node authorizer), so one watch
// across namespaces is not an option. Env and volumes read the objects from here, and a change
// re-syncs the pods that use it (that is how a configMap volume follows an edit).
import type { ConfigMap } from "../../apis/core/v1/configmap";
import type { Pod } from "../../apis/core/v1/pod";
import type { Secret } from "../../apis/core/v1/secret";
import type { KubeObject } from "../../apis/types";
import type { KubeClient } from "../kube/client";
import { Informer, abortableSleep, httpListWatch } from "../kube/informer";
import { CONFIGMAPS, SECRETS, type ResourceType } from "../kube/resources";
import { errorText, type Logger } from "../log";
import type { ObjectLookup } from "./env";

export type ObjectKind = "configmap" | "secret";

const TYPES: Record<ObjectKind, ResourceType> = { configmap: CONFIGMAPS, secret: SECRETS };

/** How long a pod's sync waits for a new watch's first list before it reads what is there. */
const FIRST_LIST_WAIT_MS = 10_000;

/** What the pod workers need: lookups, and saying which objects a pod uses. */
export interface PodObjects extends ObjectLookup {
  /** Records what `pod` references; resolves once each of those objects has been listed (or after a while). */
  use(pod: Pod): Promise<void>;
  /** The pod is gone: the watches only it needed stop. */
  release(podUid: string): void;
}

/** "<namespace>/<kind>:<name>" */
function objectKey(namespace: string, kind: ObjectKind, name: string): string {
  return `${namespace}/${kind}:${name}`;
}

/**
 * Which pods use which objects: set() says which keys gained their first user and which lost
 * their last, the watches to start and stop.
 */
export class References {
  private readonly byPod = new Map<string, Set<string>>();
  private readonly users = new Map<string, number>();

  set(podUid: string, keys: ReadonlySet<string>): { started: string[]; stopped: string[] } {
    const before = this.byPod.get(podUid) ?? new Set<string>();
    const started: string[] = [];
    const stopped: string[] = [];
    for (const key of keys) {
      if (before.has(key)) continue;
      const n = this.users.get(key) ?? 0;
      this.users.set(key, n + 1);
      if (n === 0) started.push(key);
    }
    for (const key of before) {
      if (keys.has(key)) continue;
      const n = (this.users.get(key) ?? 1) - 1;
      if (n > 0) this.users.set(key, n);
      else {
        this.users.delete(key);
        stopped.push(key);
      }
    }
    if (keys.size) this.byPod.set(podUid, new Set(keys));
    else this.byPod.delete(podUid);
    return { started, stopped };
  }
}

interface ObjectWatch {
  informer: Informer<KubeObject>;
  stop: AbortController;
}

export class ObjectCache implements PodObjects {
  private readonly references = new References();
  private readonly watches = new Map<string, ObjectWatch>();
  private readonly listeners = new Set<(kind: ObjectKind, namespace: string, name: string) => void>();

  constructor(
    private readonly client: KubeClient,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {}

  async use(pod: Pod): Promise<void> {
    const namespace = pod.metadata.namespace ?? "";
    const keys = new Map(referencedObjects(pod).map((r) => [objectKey(namespace, r.kind, r.name), r]));
    const { started, stopped } = this.references.set(pod.metadata.uid ?? "", new Set(keys.keys()));
    for (const key of stopped) this.stopWatch(key);
    for (const key of started) {
      const ref = keys.get(key);
      if (ref) this.startWatch(key, ref.kind, namespace, ref.name);
    }
    const lists = [...keys.keys()].map((key) => this.watches.get(key)?.informer.synced);
    const waited = new AbortController();
    await Promise.race([Promise.all(lists), abortableSleep(FIRST_LIST_WAIT_MS, AbortSignal.any([this.signal, waited.signal]))]);
    waited.abort();
  }

  release(podUid: string): void {
    for (const key of this.references.set(podUid, new Set()).stopped) this.stopWatch(key);
  }

  onChange(listener: (kind: ObjectKind, namespace: string, name: string) => void): void {
    this.listeners.add(listener);
  }

  configMap(namespace: string, name: string): ConfigMap | undefined {
    return this.cached(namespace, "configmap", name) as ConfigMap | undefined;
  }

  secret(namespace: string, name: string): Secret | undefined {
    return this.cached(namespace, "secret", name) as Secret | undefined;
  }

  private cached(namespace: string, kind: ObjectKind, name: string): KubeObject | undefined {
    return this.watches.get(objectKey(namespace, kind, name))?.informer.cache.get(`${namespace}/${name}`);
  }

  private startWatch(key: string, kind: ObjectKind, namespace: string, name: string): void {
    const notify = () => {
      for (const listener of this.listeners) listener(kind, namespace, name);
    };
    const source = httpListWatch<KubeObject>(this.client, TYPES[kind], { namespace, fieldSelector: `metadata.name=${name}` });
    const onError = (err: unknown) => this.log("warn", `watching ${kind} ${namespace}/${name}: ${errorText(err)}`);
    const informer = new Informer(source, { added: notify, updated: notify, deleted: notify }, { onError });
    const stop = new AbortController();
    this.watches.set(key, { informer, stop });
    void informer.run(AbortSignal.any([this.signal, stop.signal]));
  }

  private stopWatch(key: string): void {
    this.watches.get(key)?.stop.abort();
    this.watches.delete(key);
  }
}

/** The ConfigMaps and Secrets a pod names in env, envFrom and volumes (in its own namespace). */
export function referencedObjects(pod: Pod): { kind: ObjectKind; name: string }[] {
  const refs: { kind: ObjectKind; name: string }[] = [];
  const add = (kind: ObjectKind, name: string | undefined) => name && refs.push({ kind, name });
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const from of c.envFrom ?? []) {
      add("configmap", from.configMapRef?.name);
      add("secret", from.secretRef?.name);
    }
    for (const e of c.env ?? []) {
      add("configmap", e.valueFrom?.configMapKeyRef?.name);
      add("secret", e.valueFrom?.secretKeyRef?.name);
    }
  }
  for (const v of pod.spec?.volumes ?? []) {
    add("configmap", v.configMap?.name);
    add("secret", v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) {
      add("configmap", s.configMap?.name);
      add("secret", s.secret?.name);
    }
  }
  return refs;
}

/** The same as "kind:name" strings. */
export function podReferences(pod: Pod): Set<string> {
  return new Set(referencedObjects(pod).map((r) => `${r.kind}:${r.name}`));
}
