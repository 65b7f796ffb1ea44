// Materializing a pod's volumes under <pods>/<uid>/volumes/<name> before its containers start,
// and again on every sync so configMap, secret and downwardAPI volumes follow their sources and
// service account tokens are renewed.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Pod } from "../../apis/core/v1/pod";
import type { Volume } from "../../apis/core/v1/volume";
import { writeAtomically } from "./atomicwriter";
import { errorText } from "../log";
import type { EnvContext } from "./env";
import { tokenProjections, wantedKey, type TokenSource } from "./tokens";
import { mountFailed, volumeContent } from "./volumes";

export function volumeDir(podsDir: string, uid: string, name: string): string {
  return join(podsDir, uid, "volumes", name);
}

export interface PreparedVolumes {
  /** The first failure's message (FailedMount); undefined when all are in place. */
  error?: string;
  /** When a service account token in them must be renewed. */
  refreshAt?: number;
}

type VolumeTokens = { ok: true; tokens?: Map<string, string>; refreshAt?: number } | { ok: false; error: string };

/** The tokens one volume projects, by wantedKey; none without a source. */
async function volumeTokens(pod: Pod, volume: Volume, source: TokenSource | undefined): Promise<VolumeTokens> {
  if (!source) return { ok: true };
  const tokens = new Map<string, string>();
  let refreshAt: number | undefined;
  for (const wanted of tokenProjections(volume)) {
    try {
      const token = await source.get(pod, wanted);
      tokens.set(wantedKey(wanted), token.token);
      refreshAt = Math.min(refreshAt ?? Infinity, token.refreshAt);
    } catch (err) {
      return { ok: false, error: mountFailed(volume.name, `failed to fetch token: ${errorText(err)}`) };
    }
  }
  return { ok: true, tokens, refreshAt };
}

/**
 * Writes every volume, with service account tokens from `tokens` (none without one). Without a
 * `podsDir` (a runtime whose containers read no files) the volumes are only checked: a missing
 * Secret still holds the pod back, but nothing is written.
 */
export async function prepareVolumes(podsDir: string | undefined, pod: Pod, ctx: EnvContext, tokens?: TokenSource): Promise<PreparedVolumes> {
  let refreshAt: number | undefined;
  for (const volume of pod.spec?.volumes ?? []) {
    const fetched = await volumeTokens(pod, volume, tokens);
    if (!fetched.ok) return { error: fetched.error };
    if (fetched.refreshAt !== undefined) refreshAt = Math.min(refreshAt ?? Infinity, fetched.refreshAt);
    const content = volumeContent(volume, ctx, fetched.tokens);
    if (!content.ok) return { error: content.message };
    if (podsDir === undefined) continue;
    const dir = volumeDir(podsDir, pod.metadata.uid ?? "", volume.name);
    switch (content.content.kind) {
      case "emptyDir":
        // Any user the container runs as may write to an emptyDir, as with the kubelet's 0777.
        await mkdir(dir, { recursive: true, mode: 0o777 });
        break;
      case "hostPath":
        if (volume.hostPath?.type === "DirectoryOrCreate") await mkdir(content.content.path, { recursive: true });
        break;
      case "files":
        await writeAtomically(dir, content.content.files);
        break;
    }
  }
  return { refreshAt };
}
