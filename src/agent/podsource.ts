// The pods an agent runs: one watch (by spec.nodeName for one node; every pod, sorted by node,
// when playing many) feeding each node's PodManager. The first list settles what the runtime
// left behind: leftovers of pods no longer bound here are cleaned up.
import type { Pod } from "../apis/core/v1/pod";
import type { KubeClient } from "./kube/client";
import { Informer, httpListWatch } from "./kube/informer";
import { PODS } from "./kube/resources";
import { errorText, type Logger } from "./log";
import type { PodManager } from "./pods/manager";

export interface PodSourceOptions {
  client: KubeClient;
  managers: Map<string, PodManager>;
  /** Kept current for lookups by uid (the simulated runtime reads pods' annotations). */
  pods: Map<string, Pod>;
  log: Logger;
  signal: AbortSignal;
}

/** Starts the pod watch; resolves once the first list has been handled and leftovers removed. */
export function watchPods(o: PodSourceOptions): Promise<void> {
  const { managers, pods } = o;
  const only = managers.size === 1 ? [...managers.keys()][0] : undefined;
  const managerOf = (pod: Pod) => managers.get(pod.spec?.nodeName ?? "");
  const upsert = (pod: Pod) => {
    pods.set(pod.metadata.uid ?? "", pod);
    managerOf(pod)?.upsert(pod);
  };
  const informer = new Informer<Pod>(
    httpListWatch<Pod>(o.client, PODS, only ? { fieldSelector: `spec.nodeName=${only}` } : {}),
    {
      added: upsert,
      updated: upsert,
      deleted: (pod) => {
        pods.delete(pod.metadata.uid ?? "");
        managerOf(pod)?.remove(pod);
      },
    },
    { onError: (err) => o.log("warn", `watching pods: ${errorText(err)}`) },
  );
  void informer.run(o.signal);
  return informer.synced.then(async () => {
    for (const manager of managers.values()) await manager.cleanUpLeftovers();
  });
}
