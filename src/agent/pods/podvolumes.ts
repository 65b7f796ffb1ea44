// Materializing a pod's volumes under <pods>/<uid>/volumes/<name> before its containers start,
// and again on every sync so configMap, secret and downwardAPI volumes follow their sources.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Pod } from "../../apis/core/v1/pod";
import { writeAtomically } from "./atomicwriter";
import type { EnvContext } from "./env";
import { volumeContent } from "./volumes";

export function volumeDir(podsDir: string, uid: string, name: string): string {
  return join(podsDir, uid, "volumes", name);
}

/** Writes every volume; the first failure's message (FailedMount), or undefined when all are in place. */
export async function prepareVolumes(podsDir: string, pod: Pod, ctx: EnvContext): Promise<string | undefined> {
  for (const volume of pod.spec?.volumes ?? []) {
    const content = volumeContent(volume, ctx);
    if (!content.ok) return content.message;
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
  return undefined;
}
