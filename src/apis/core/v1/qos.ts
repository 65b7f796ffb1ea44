// A pod's quality-of-service class (Kubernetes' qos.GetPodQOS), set in status.qosClass on create.
import { parseQuantity } from "../../quantity";
import type { Container } from "./container";
import type { PodSpec } from "./podspec";

const QOS_RESOURCES = ["cpu", "memory"];

type Totals = Map<string, number>;

function addNonZero(totals: Totals, list: Record<string, string | number> | undefined): Set<string> {
  const found = new Set<string>();
  for (const [name, q] of Object.entries(list ?? {})) {
    const value = parseQuantity(q) ?? 0;
    if (!QOS_RESOURCES.includes(name) || value === 0) continue;
    found.add(name);
    totals.set(name, (totals.get(name) ?? 0) + value);
  }
  return found;
}

/** Guaranteed when every container limits cpu and memory and requests equal limits; BestEffort with neither; else Burstable. */
export function podQOSClass(spec: PodSpec): "Guaranteed" | "Burstable" | "BestEffort" {
  const requests: Totals = new Map();
  const limits: Totals = new Map();
  let guaranteed = true;
  const containers: Container[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  for (const c of containers) {
    addNonZero(requests, c.resources?.requests);
    const limited = addNonZero(limits, c.resources?.limits);
    if (!QOS_RESOURCES.every((r) => limited.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed && [...requests].every(([name, value]) => limits.get(name) === value) && requests.size === limits.size) return "Guaranteed";
  return "Burstable";
}
