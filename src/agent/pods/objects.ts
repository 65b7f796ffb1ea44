// The ConfigMaps and Secrets pods refer to, kept current by two watches across namespaces:
// env and volumes read them from here, and a change re-syncs the pods that use it (that is how
// a configMap volume follows an edit). One watch per kind, not one per object, keeps the
// request count flat however many pods there are.
import type { ConfigMap } from "../../apis/core/v1/configmap";
import type { Pod } from "../../apis/core/v1/pod";
import type { Secret } from "../../apis/core/v1/secret";
import type { KubeObject } from "../../apis/types";
import type { KubeClient } from "../kube/client";
import { Informer, httpListWatch, objectKey } from "../kube/informer";
import { CONFIGMAPS, SECRETS } from "../kube/resources";
import { errorText, type Logger } from "../log";
import type { ObjectLookup } from "./env";

export type ObjectKind = "configmap" | "secret";

export class ObjectCache implements ObjectLookup {
  private readonly configMaps: Informer<ConfigMap>;
  private readonly secrets: Informer<Secret>;
  private readonly listeners = new Set<(kind: ObjectKind, namespace: string, name: string) => void>();

  constructor(client: KubeClient, log: Logger) {
    const notify = (kind: ObjectKind) => (obj: KubeObject) => {
      for (const listener of this.listeners) listener(kind, obj.metadata.namespace ?? "", obj.metadata.name ?? "");
    };
    const handlers = (kind: ObjectKind) => ({ added: notify(kind), updated: notify(kind), deleted: notify(kind) });
    const onError = (what: string) => (err: unknown) => log("warn", `watching ${what}: ${errorText(err)}`);
    this.configMaps = new Informer(httpListWatch<ConfigMap>(client, CONFIGMAPS), handlers("configmap"), { onError: onError("configmaps") });
    this.secrets = new Informer(httpListWatch<Secret>(client, SECRETS), handlers("secret"), { onError: onError("secrets") });
  }

  /** Starts both watches; resolves once both have listed. */
  async start(signal: AbortSignal): Promise<void> {
    void this.configMaps.run(signal);
    void this.secrets.run(signal);
    await Promise.race([Promise.all([this.configMaps.synced, this.secrets.synced]), new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))]);
  }

  onChange(listener: (kind: ObjectKind, namespace: string, name: string) => void): void {
    this.listeners.add(listener);
  }

  configMap(namespace: string, name: string): ConfigMap | undefined {
    return this.configMaps.cache.get(objectKey({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace, name } }));
  }

  secret(namespace: string, name: string): Secret | undefined {
    return this.secrets.cache.get(objectKey({ apiVersion: "v1", kind: "Secret", metadata: { namespace, name } }));
  }
}

/** The ConfigMaps and Secrets a pod names in env, envFrom and volumes (with the namespace prefix "kind:name"). */
export function podReferences(pod: Pod): Set<string> {
  const refs = new Set<string>();
  const add = (kind: ObjectKind, name: string | undefined) => name && refs.add(`${kind}:${name}`);
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
