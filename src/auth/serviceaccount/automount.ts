// The ServiceAccount admission plugin's token mount (plugin/pkg/admission/serviceaccount): a new
// pod whose ServiceAccount and own setting allow it gets a projected volume
// `kube-api-access-<random>` (a bound token, the kube-root-ca.crt ConfigMap's ca.crt, the
// namespace) mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in every init
// and regular container that has nothing mounted there yet. The agent serves the volume.
import type { KubeObject } from "../../apis/types";
import { generateNameSuffix } from "../../api/objectmeta";

export const SERVICE_ACCOUNT_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";
const VOLUME_PREFIX = "kube-api-access-";
/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: an hour and 7 s, which marks the automounted token. */
const TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

interface Mount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  volumes?: { name: string; projected?: unknown }[];
  containers?: { volumeMounts?: Mount[] }[];
  initContainers?: { volumeMounts?: Mount[] }[];
}

/** The pod's own setting wins, then the ServiceAccount's; mounted unless one says false. */
export function shouldAutomount(pod: { automountServiceAccountToken?: boolean }, serviceAccount: { automountServiceAccountToken?: boolean } | undefined): boolean {
  return pod.automountServiceAccountToken ?? serviceAccount?.automountServiceAccountToken ?? true;
}

/** TokenVolumeSource(): what the kube-api-access volume projects. */
export function tokenVolumeSource() {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { path: "token", expirationSeconds: TOKEN_EXPIRATION_SECONDS } },
      { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
    ],
  };
}

/**
 * Adds the volume and its mounts to `spec` in place (mountServiceAccountToken). A volume already
 * named kube-api-access-* is reused; `suffix` names a new one.
 */
export function mountServiceAccountToken(spec: PodSpec, suffix: string): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(VOLUME_PREFIX));
  const name = existing?.name ?? `${VOLUME_PREFIX}${suffix}`;
  let needed = false;
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    // Something the pod mounts at the path itself keeps the token out of that container.
    if ((container.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
    container.volumeMounts = [...(container.volumeMounts ?? []), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
    needed = true;
  }
  if (!existing && needed) spec.volumes = [...(spec.volumes ?? []), { name, projected: tokenVolumeSource() }];
}

/**
 * Admission of a new pod (after defaults, so serviceAccountName is set). Mirror pods get nothing,
 * as in Kubernetes. A ServiceAccount that does not exist yet does not refuse the pod (Kubernetes
 * answers 403 until the service account controller has made `default`): it counts as allowing
 * the mount, and the agent's token request waits for it.
 */
export async function admitServiceAccount(store: ServiceAccountReader, pod: KubeObject, now = Date.now()): Promise<void> {
  if ((pod.metadata.annotations ?? {})[MIRROR_ANNOTATION] !== undefined) return;
  const spec = (pod.spec ?? {}) as PodSpec;
  // The pod's own false needs no lookup.
  if (spec.automountServiceAccountToken === false) return;
  const name = spec.serviceAccountName || "default";
  const sa = spec.automountServiceAccountToken === undefined ? await serviceAccountSetting(store, pod.metadata.namespace ?? "", name, now) : undefined;
  if (shouldAutomount(spec, sa)) mountServiceAccountToken(spec, generateNameSuffix());
}

/** What admission reads of the store (src/store's Store). */
export interface ServiceAccountReader {
  get(key: { resource: string; namespace: string; name: string }): Promise<KubeObject | undefined>;
}

/**
 * A ServiceAccount's automount setting, remembered for a moment per isolate: kube-apiserver's
 * admission reads it from an informer's cache too, and a burst of pod creates (a ReplicaSet's,
 * a benchmark's) then costs one read, not one per pod. Only the setting is kept, never a token.
 */
const SETTING_TTL_MS = 2_000;
const settings = new Map<string, { at: number; setting: { automountServiceAccountToken?: boolean } | undefined }>();

async function serviceAccountSetting(store: ServiceAccountReader, namespace: string, name: string, now: number): Promise<{ automountServiceAccountToken?: boolean } | undefined> {
  const key = `${namespace}/${name}`;
  const known = settings.get(key);
  if (known && now - known.at < SETTING_TTL_MS) return known.setting;
  const sa = (await store.get({ resource: "serviceaccounts", namespace, name })) as { automountServiceAccountToken?: boolean } | undefined;
  // A missing account is not remembered: the pod waits for it, and the next one should see it.
  const setting = sa ? { automountServiceAccountToken: sa.automountServiceAccountToken } : undefined;
  if (setting) settings.set(key, { at: now, setting });
  if (settings.size > 1_000) settings.delete(settings.keys().next().value as string);
  return setting;
}
