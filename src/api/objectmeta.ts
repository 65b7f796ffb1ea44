// System-owned metadata: what the server sets on create and carries over on update, whatever
// the client sent (uid, creationTimestamp, generation, deletion state), and the status/spec split.
import type { KindDef, KubeObject } from "../apis/types";
import { specChanged } from "./admission";
import { conflict, type Result } from "./status";

/** RFC 3339 at second precision, as Kubernetes serializes metav1.Time. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// Kubernetes' generateName alphabet: no vowels (no words), no confusable characters.
const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export function generateNameSuffix(random: (n: number) => number = (n) => Math.floor(Math.random() * n)): string {
  let out = "";
  for (let i = 0; i < 5; i++) out += NAME_ALPHABET[random(NAME_ALPHABET.length)];
  return out;
}

export function tracksGeneration(kind: KindDef): boolean {
  return kind.tracksGeneration ?? kind.statusField !== undefined;
}

/** Prepare a new object: the server's metadata and, for kinds with a status subresource, an empty status. */
export function prepareCreate(kind: KindDef, obj: KubeObject, now: number): void {
  const m = obj.metadata;
  if (!m.name && m.generateName) m.name = m.generateName + generateNameSuffix();
  m.uid = crypto.randomUUID();
  m.creationTimestamp = timestamp(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (tracksGeneration(kind)) m.generation = 1;
  else delete m.generation;
  if (kind.statusField && !kind.statusOnCreate) obj.status = {};
}

/**
 * Carry the server's metadata over from `old`. A write to the main resource cannot change status,
 * a write to `status` cannot change anything else; generation counts spec changes only.
 */
export function prepareUpdate(kind: KindDef, obj: KubeObject, old: KubeObject, subresource: string | undefined, deletion = false): Result<KubeObject> {
  const m = obj.metadata;
  if (m.uid && m.uid !== old.metadata.uid) {
    return { ok: false, error: conflict(kind.plural, kind.group, old.metadata.name ?? "", `Precondition failed: UID in precondition: ${m.uid}, UID in object meta: ${old.metadata.uid}`) };
  }
  let next: KubeObject;
  if (subresource === "status") {
    next = { ...old, status: obj.status, metadata: { ...old.metadata, managedFields: m.managedFields ?? old.metadata.managedFields } };
  } else {
    next = { ...obj, metadata: { ...m } };
    // A binding sets spec.nodeName and the PodScheduled condition together, as kube-apiserver does.
    if (kind.statusField && subresource !== "binding") next.status = old.status;
  }
  const meta = next.metadata;
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  const deletionFrom = deletion ? obj : old;
  meta.deletionTimestamp = deletionFrom.metadata.deletionTimestamp;
  meta.deletionGracePeriodSeconds = deletionFrom.metadata.deletionGracePeriodSeconds;
  if (!meta.deletionTimestamp) delete meta.deletionTimestamp;
  if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
  meta.name = old.metadata.name;
  meta.namespace = old.metadata.namespace;
  if (!meta.namespace) delete meta.namespace;
  delete meta.selfLink;
  if (tracksGeneration(kind)) meta.generation = (old.metadata.generation ?? 1) + (specChanged(next, old) ? 1 : 0);
  return { ok: true, value: next };
}
