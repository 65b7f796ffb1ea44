// Events about pods, as the kubelet posts them (Pulled, Created, Started, Killing, BackOff,
// Unhealthy, FailedMount...), so `kubectl describe pod` tells the story. Best effort: a failed
// post is dropped. Repeats of one event within a minute are posted once, as the kubelet's
// event aggregation would show them as a count.
import type { Pod } from "../../apis/core/v1/pod";
import { rfc3339, type Clock } from "../clock";
import type { KubeClient } from "../kube/client";
import { EVENTS, createObject } from "../kube/resources";

const REPEAT_WINDOW_MS = 60_000;

let sequence = 0;

/** Unique per process: time in nanoseconds plus a counter, in hexadecimal. */
function eventSuffix(now: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return (BigInt(now) * 1_000_000n + BigInt(sequence)).toString(16);
}

export type EventSink = (pod: Pod, type: "Normal" | "Warning", reason: string, message: string, container?: string) => void;

export function eventRecorder(client: KubeClient, node: string, clock: Clock): EventSink {
  const recent = new Map<string, number>();
  return (pod, type, reason, message, container) => {
    const now = clock.now();
    const key = `${pod.metadata.uid}/${container ?? ""}/${reason}/${message}`;
    if ((recent.get(key) ?? -Infinity) > now - REPEAT_WINDOW_MS) return;
    recent.set(key, now);
    if (recent.size > 10_000) for (const [k, at] of recent) if (at <= now - REPEAT_WINDOW_MS) recent.delete(k);
    const containerIndex = (pod.spec?.containers ?? []).findIndex((c) => c.name === container);
    const fieldPath = container === undefined ? undefined : containerIndex >= 0 ? `spec.containers{${container}}` : `spec.initContainers{${container}}`;
    const at = rfc3339(now);
    void createObject(client, EVENTS, {
      apiVersion: "v1",
      kind: "Event",
      // Named as the kubelet names events: the pod's name and a unique hexadecimal suffix.
      metadata: { name: `${pod.metadata.name ?? ""}.${eventSuffix(now)}`, namespace: pod.metadata.namespace },
      involvedObject: { apiVersion: "v1", kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, ...(fieldPath ? { fieldPath } : {}) },
      reason,
      message,
      type,
      source: { component: "kubelet", host: node },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      reportingComponent: "kubelet",
      reportingInstance: node,
    }).catch(() => undefined);
  };
}

/** For tests and the simulated runtime at scale: events go nowhere. */
export const noEvents: EventSink = () => {};
