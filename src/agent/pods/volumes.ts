// What each pod volume holds, decided from the pod and the objects it names: the files of
// configMap, secret, downwardAPI and projected volumes (with items, modes and optional as the
// kubelet applies them), an empty directory for emptyDir, a path for hostPath. Writing the files
// is atomicwriter's job; this module only decides.
import type { Container } from "../../apis/core/v1/container";
import type { Volume } from "../../apis/core/v1/volume";
import { fieldValue, resourceValue } from "./downward";
import { configMapEntries, type EnvContext } from "./env";
import { tokenWanted, wantedKey, type TokenProjection } from "./tokens";

export const DEFAULT_MODE = 0o644;

export interface ProjectedFile {
  /** Relative to the volume's root; may contain directories ("a/b"). */
  path: string;
  data: Buffer;
  mode: number;
}

export type VolumeContent = { kind: "emptyDir" } | { kind: "hostPath"; path: string } | { kind: "files"; files: ProjectedFile[] };

export type VolumeResult = { ok: true; content: VolumeContent } | { ok: false; message: string };

type KeyToPath = { key: string; path: string; mode?: number };

/** Files for a key/value source: every key, or just the items (a missing item key fails unless optional). */
function keyFiles(entries: Record<string, Buffer>, items: KeyToPath[] | undefined, mode: number, optional: boolean, missingKey: (key: string) => string): ProjectedFile[] | string {
  if (!items?.length) return Object.entries(entries).map(([path, data]) => ({ path, data, mode }));
  const files: ProjectedFile[] = [];
  for (const item of items) {
    const data = entries[item.key];
    if (data === undefined) {
      if (optional) continue;
      return missingKey(item.key);
    }
    files.push({ path: item.path, data, mode: item.mode ?? mode });
  }
  return files;
}

interface SourceRef {
  name?: string;
  items?: KeyToPath[];
  optional?: boolean;
}

function configMapFiles(ref: SourceRef, mode: number, ctx: EnvContext): ProjectedFile[] | string {
  const cm = ctx.objects.configMap(ctx.pod.metadata.namespace ?? "", ref.name ?? "");
  if (!cm) return ref.optional ? [] : `configmap "${ref.name ?? ""}" not found`;
  const entries = Object.fromEntries(Object.entries(configMapEntries(cm)).map(([k, v]) => [k, Buffer.from(v)]));
  // binaryData is decoded by configMapEntries as UTF-8; keep its exact bytes instead.
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) entries[k] = Buffer.from(v, "base64");
  return keyFiles(entries, ref.items, mode, ref.optional ?? false, (key) => `configmap references non-existent config key: ${key}`);
}

function secretFiles(ref: SourceRef, mode: number, ctx: EnvContext): ProjectedFile[] | string {
  const secret = ctx.objects.secret(ctx.pod.metadata.namespace ?? "", ref.name ?? "");
  if (!secret) return ref.optional ? [] : `secret "${ref.name ?? ""}" not found`;
  const entries = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")]));
  return keyFiles(entries, ref.items, mode, ref.optional ?? false, (key) => `references non-existent secret key: ${key}`);
}

type DownwardItem = NonNullable<NonNullable<Volume["downwardAPI"]>["items"]>[number];

function downwardFiles(items: DownwardItem[] | undefined, mode: number, ctx: EnvContext): ProjectedFile[] | string {
  const files: ProjectedFile[] = [];
  for (const item of items ?? []) {
    let value: { value: string } | { error: string };
    if (item.fieldRef) {
      value = fieldValue(ctx.pod, item.fieldRef.fieldPath, ctx.addresses);
    } else if (item.resourceFieldRef) {
      const ref = item.resourceFieldRef;
      const container: Container | undefined = [...(ctx.pod.spec?.containers ?? []), ...(ctx.pod.spec?.initContainers ?? [])].find((c) => c.name === ref.containerName);
      value = container ? resourceValue(container, ref.resource, ref.divisor, ctx.allocatable) : { error: `container ${ref.containerName ?? ""} not found` };
    } else {
      continue;
    }
    if ("error" in value) return value.error;
    files.push({ path: item.path, data: Buffer.from(value.value), mode: item.mode ?? mode });
  }
  return files;
}

/**
 * The token file, from the tokens fetched for this sync (by wantedKey). Without a token source
 * (simulated nodes, whose containers read no files) there is none.
 */
function tokenFiles(projection: TokenProjection, mode: number, tokens: ReadonlyMap<string, string> | undefined): ProjectedFile[] | string {
  if (!tokens) return [];
  const token = tokens.get(wantedKey(tokenWanted(projection)));
  return token === undefined ? "failed to fetch token" : [{ path: projection.path, data: Buffer.from(token), mode }];
}

function projectedFiles(volume: NonNullable<Volume["projected"]>, ctx: EnvContext, tokens: ReadonlyMap<string, string> | undefined): ProjectedFile[] | string {
  const mode = volume.defaultMode ?? DEFAULT_MODE;
  const files: ProjectedFile[] = [];
  for (const source of volume.sources ?? []) {
    let part: ProjectedFile[] | string;
    if (source.configMap) part = configMapFiles(source.configMap, mode, ctx);
    else if (source.secret) part = secretFiles(source.secret, mode, ctx);
    else if (source.downwardAPI) part = downwardFiles(source.downwardAPI.items, mode, ctx);
    else if (source.serviceAccountToken) part = tokenFiles(source.serviceAccountToken, mode, tokens);
    else part = "clusterTrustBundle projections are not supported by the edgeplane agent";
    if (typeof part === "string") return part;
    files.push(...part);
  }
  return files;
}

export function mountFailed(volume: string, why: string): string {
  return `MountVolume.SetUp failed for volume "${volume}" : ${why}`;
}

/**
 * The content of one volume, or the message the kubelet would give for a failed mount. `tokens`
 * holds the service account tokens fetched for the pod, by wantedKey.
 */
export function volumeContent(volume: Volume, ctx: EnvContext, tokens?: ReadonlyMap<string, string>): VolumeResult {
  let files: ProjectedFile[] | string;
  if (volume.emptyDir) return { ok: true, content: { kind: "emptyDir" } };
  if (volume.hostPath) return { ok: true, content: { kind: "hostPath", path: volume.hostPath.path } };
  if (volume.configMap) files = configMapFiles(volume.configMap, volume.configMap.defaultMode ?? DEFAULT_MODE, ctx);
  else if (volume.secret) files = secretFiles({ ...volume.secret, name: volume.secret.secretName }, volume.secret.defaultMode ?? DEFAULT_MODE, ctx);
  else if (volume.downwardAPI) files = downwardFiles(volume.downwardAPI.items, volume.downwardAPI.defaultMode ?? DEFAULT_MODE, ctx);
  else if (volume.projected) files = projectedFiles(volume.projected, ctx, tokens);
  else {
    const type = Object.keys(volume).find((k) => k !== "name") ?? "unknown";
    files = `${type} volumes are not supported by the edgeplane agent`;
  }
  if (typeof files === "string") return { ok: false, message: mountFailed(volume.name, files) };
  return { ok: true, content: { kind: "files", files } };
}
