// What a binding writes, whether it comes through POST pods/{name}/binding or the scheduler's
// bulk path: the node name and the PodScheduled=True condition, as kube-apiserver's binding does.
import type { KubeObject } from "../apis/types";
import { rfc3339, setCondition, type StatusCondition } from "../controllers/podutil";

export function bound(pod: KubeObject, nodeName: string, now: number): KubeObject {
  const status = (pod.status ?? {}) as { conditions?: StatusCondition[] };
  const conditions = setCondition(status.conditions, { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(now) } as StatusCondition);
  return { ...pod, spec: { ...(pod.spec as object), nodeName }, status: { ...status, conditions } };
}
