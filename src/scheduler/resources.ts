// Resource arithmetic as kube-scheduler does it: integer millicores for cpu, integer units
// (rounded up, like resource.Quantity.Value()) for everything else, and a pod's requests computed
// by resourcehelper.PodRequests (containers summed, init containers as a running maximum with
// sidecars added, then overhead).
import { parseQuantity } from "../apis/quantity";
import type { ContainerLike, PodSpecLike, ResourceList } from "./types";

/** schedutil.DefaultMilliCPURequest and DefaultMemoryRequest: what scoring assumes for a container that requests nothing. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const CPU = "cpu";
export const MEMORY = "memory";
export const EPHEMERAL_STORAGE = "ephemeral-storage";
export const PODS = "pods";

/** What one pod asks for. `scalar` holds extended resources (example.com/gpu, hugepages-2Mi...). */
export interface PodRequests {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  scalar: Map<string, number>;
  /** With 100m / 200Mi for each container that leaves cpu or memory unset: used by LeastAllocated only. */
  nonZeroMilliCpu: number;
  nonZeroMemory: number;
}

/** Quantity → millicores, rounded up as Quantity.MilliValue() does ("0.1" → 100, "1n" → 1). */
export function milliValue(q: string | number | undefined): number {
  const v = q === undefined ? undefined : parseQuantity(q);
  if (v === undefined || v <= 0) return 0;
  return roundUp(v * 1000);
}

/** Quantity → integer units, rounded up as Quantity.Value() does ("1Gi" → 1073741824, "100m" → 1). */
export function value(q: string | number | undefined): number {
  const v = q === undefined ? undefined : parseQuantity(q);
  if (v === undefined || v <= 0) return 0;
  return roundUp(v);
}

/** Ceil that forgives binary floating point noise ("0.1" * 1000 is 100.00000000000001). */
function roundUp(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) <= 1e-9 * Math.max(1, Math.abs(v)) ? r : Math.ceil(v);
}

function emptyRequests(): PodRequests {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map(), nonZeroMilliCpu: 0, nonZeroMemory: 0 };
}

/** Adds (or, with `max`, raises to) one container's or overhead's list. `nonZero` applies the scoring defaults. */
function accumulate(into: PodRequests, list: ResourceList | undefined, op: "add" | "max", nonZero: boolean): void {
  const cpu = milliValue(list?.[CPU]);
  const mem = value(list?.[MEMORY]);
  const nzCpu = nonZero && list?.[CPU] === undefined ? DEFAULT_MILLI_CPU_REQUEST : cpu;
  const nzMem = nonZero && list?.[MEMORY] === undefined ? DEFAULT_MEMORY_REQUEST : mem;
  const combine = op === "add" ? (a: number, b: number) => a + b : Math.max;
  into.milliCpu = combine(into.milliCpu, cpu);
  into.memory = combine(into.memory, mem);
  into.ephemeralStorage = combine(into.ephemeralStorage, value(list?.[EPHEMERAL_STORAGE]));
  into.nonZeroMilliCpu = combine(into.nonZeroMilliCpu, nzCpu);
  into.nonZeroMemory = combine(into.nonZeroMemory, nzMem);
  for (const name in list) {
    if (!isScalarResource(name)) continue;
    into.scalar.set(name, combine(into.scalar.get(name) ?? 0, value(list[name])));
  }
}

/** Extended, hugepages and other non-core resources: checked for fit one by one, not scored. */
export function isScalarResource(name: string): boolean {
  return name !== CPU && name !== MEMORY && name !== EPHEMERAL_STORAGE && name !== PODS && name !== "storage";
}

function containerRequests(c: ContainerLike, nonZero: boolean): PodRequests {
  const r = emptyRequests();
  accumulate(r, c.resources?.requests, "add", nonZero);
  return r;
}

function addAll(into: PodRequests, from: PodRequests, op: "add" | "max"): void {
  const combine = op === "add" ? (a: number, b: number) => a + b : Math.max;
  into.milliCpu = combine(into.milliCpu, from.milliCpu);
  into.memory = combine(into.memory, from.memory);
  into.ephemeralStorage = combine(into.ephemeralStorage, from.ephemeralStorage);
  into.nonZeroMilliCpu = combine(into.nonZeroMilliCpu, from.nonZeroMilliCpu);
  into.nonZeroMemory = combine(into.nonZeroMemory, from.nonZeroMemory);
  for (const [name, v] of from.scalar) into.scalar.set(name, combine(into.scalar.get(name) ?? 0, v));
}

/**
 * resourcehelper.PodRequests: the sum of the app containers; sidecars (init containers with
 * restartPolicy Always) run alongside them and add to it; each regular init container runs with
 * the sidecars started before it, and the pod needs the largest of those moments; overhead last.
 * The non-zero figures go through the same arithmetic with per-container defaults, as
 * NodeInfo.NonZeroRequested does.
 */
export function podRequests(spec: PodSpecLike | undefined): PodRequests {
  const total = emptyRequests();
  for (const c of spec?.containers ?? []) addAll(total, containerRequests(c, true), "add");
  const sidecars = emptyRequests();
  const initPeak = emptyRequests();
  for (const c of spec?.initContainers ?? []) {
    const own = containerRequests(c, true);
    if (c.restartPolicy === "Always") {
      addAll(total, own, "add");
      addAll(sidecars, own, "add");
      addAll(initPeak, sidecars, "max");
    } else {
      addAll(own, sidecars, "add");
      addAll(initPeak, own, "max");
    }
  }
  addAll(total, initPeak, "max");
  if (spec?.overhead) accumulate(total, spec.overhead, "add", false);
  return total;
}

/** True when the pod requests no cpu and no memory (a BestEffort pod as far as scoring is concerned). */
export function requestsNothing(r: PodRequests): boolean {
  return r.milliCpu === 0 && r.memory === 0;
}
