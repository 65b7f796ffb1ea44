// Writing a pod's status: generated from what the agent knows, compared with the last status
// written (or read from the API), and patched on the status subresource only when different.
// The patch carries the pod's uid, so it can never land on a new pod that took the name.
import type { Pod } from "../../apis/core/v1/pod";
import type { PodStatus } from "../../apis/core/v1/podstatus";
import { isApiError, type KubeClient } from "../kube/client";
import { PODS, mergePatch } from "../kube/resources";
import { podStatus, type StatusInput } from "./status";

/** JSON with sorted keys and no undefined: equal values give equal strings. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** A merge patch that also removes top-level fields the new status no longer has. */
export function statusPatch(next: PodStatus, old: PodStatus | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...next };
  for (const key of Object.keys(old ?? {})) if (!(key in next)) patch[key] = null;
  return patch;
}

export class StatusWriter {
  /** The status the API holds as far as we know: what we wrote, or what the watch showed. */
  private sent: string;
  /** The last status generated, and the API's answer to our last write (its normalized copy). */
  private last?: string;
  private echo?: string;

  constructor(
    private readonly client: KubeClient,
    pod: Pod,
  ) {
    this.sent = stableJson(pod.status ?? {});
  }

  /**
   * A pod from the watch. When its status is neither ours nor the API's copy of ours, someone
   * else wrote it (the node lifecycle controller, a DisruptionTarget): compare against theirs, so
   * the next sync puts ours back. Our own writes coming back never cause another write.
   */
  seen(pod: Pod): void {
    const theirs = stableJson(pod.status ?? {});
    if (theirs !== this.last && theirs !== this.echo) this.sent = theirs;
  }

  /** Writes the status if it differs; the updated pod, or undefined when nothing was written. */
  async write(input: StatusInput): Promise<Pod | undefined> {
    const next = podStatus(input);
    const text = stableJson(next);
    this.last = text;
    if (text === this.sent) return undefined;
    const { pod } = input;
    try {
      const updated = await mergePatch<Pod>(this.client, PODS, { namespace: pod.metadata.namespace, name: pod.metadata.name, subresource: "status" }, { metadata: { uid: pod.metadata.uid }, status: statusPatch(next, pod.status) });
      this.sent = text;
      this.echo = stableJson(updated.status ?? {});
      return updated;
    } catch (err) {
      // The pod went away (or a new one took its name): the watch tells the worker soon.
      if (isApiError(err, 404) || isApiError(err, 409)) return undefined;
      throw err;
    }
  }
}
