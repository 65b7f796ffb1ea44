// What a pod references, the edges of the Node authorizer's graph (node <- pod <- secret,
// configmap, service account, claim): volumes, projected sources, env, envFrom and image pull
// secrets of every container, init and ephemeral containers included.
import type { KubeObject } from "../../apis/types";

interface Container {
  env?: { valueFrom?: { secretKeyRef?: { name?: string }; configMapKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string }; configMapRef?: { name?: string } }[];
}

interface Projection {
  secret?: { name?: string };
  configMap?: { name?: string };
}

interface Volume {
  secret?: { secretName?: string };
  configMap?: { name?: string };
  projected?: { sources?: Projection[] };
  persistentVolumeClaim?: { claimName?: string };
}

interface PodSpec {
  nodeName?: string;
  serviceAccountName?: string;
  volumes?: Volume[];
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  imagePullSecrets?: { name?: string }[];
}

export interface PodReferences {
  secrets: Set<string>;
  configMaps: Set<string>;
  serviceAccounts: Set<string>;
  claims: Set<string>;
}

function add(set: Set<string>, name: string | undefined): void {
  if (name) set.add(name);
}

export function podReferences(pod: KubeObject): PodReferences {
  const spec = (pod.spec ?? {}) as PodSpec;
  const refs: PodReferences = { secrets: new Set(), configMaps: new Set(), serviceAccounts: new Set(), claims: new Set() };
  add(refs.serviceAccounts, spec.serviceAccountName);
  for (const s of spec.imagePullSecrets ?? []) add(refs.secrets, s.name);
  for (const v of spec.volumes ?? []) {
    add(refs.secrets, v.secret?.secretName);
    add(refs.configMaps, v.configMap?.name);
    add(refs.claims, v.persistentVolumeClaim?.claimName);
    for (const p of v.projected?.sources ?? []) {
      add(refs.secrets, p.secret?.name);
      add(refs.configMaps, p.configMap?.name);
    }
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      add(refs.secrets, e.valueFrom?.secretKeyRef?.name);
      add(refs.configMaps, e.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add(refs.secrets, e.secretRef?.name);
      add(refs.configMaps, e.configMapRef?.name);
    }
  }
  return refs;
}

export function nodeNameOf(pod: KubeObject): string {
  return ((pod.spec ?? {}) as PodSpec).nodeName ?? "";
}
