// What an update may change in a Pod's spec (Kubernetes' ValidatePodUpdate): container images,
// activeDeadlineSeconds (set or shortened), tolerations (added), scheduling gates (removed), and
// terminationGracePeriodSeconds from negative to 1. Everything else is immutable.
import { forbidden, invalid, required } from "../../fielderrors";
import { inclusiveRangeError } from "../../formats";
import { semanticEqual } from "../../validation";
import type { FieldCause } from "../../types";
import type { PodSpec } from "./podspec";
import type { Toleration } from "./scheduling";

const MAX_INT32 = 2 ** 31 - 1;

const IMMUTABLE_MESSAGE =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`," +
  "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

function validateActiveDeadline(spec: PodSpec, old: PodSpec, path: string): FieldCause[] {
  const [next, prev] = [spec.activeDeadlineSeconds, old.activeDeadlineSeconds];
  if (next === undefined) return prev === undefined ? [] : [invalid(path, null, "must not update from a positive integer to nil value")];
  if (next < 0 || next > MAX_INT32) return [invalid(path, next, inclusiveRangeError(0, MAX_INT32))];
  return prev !== undefined && prev < next ? [invalid(path, next, "must be less than or equal to previous value")] : [];
}

/** Existing tolerations stay (a NoExecute one may shorten its tolerationSeconds); new ones may be added. */
function validateOnlyAddedTolerations(next: Toleration[], prev: Toleration[], path: string): FieldCause[] {
  const same = (a: Toleration, b: Toleration) =>
    (a.key ?? "") === (b.key ?? "") && (a.operator || "Equal") === (b.operator || "Equal") && (a.value ?? "") === (b.value ?? "") && (a.effect ?? "") === (b.effect ?? "");
  const kept = prev.every((o) =>
    next.some((n) => same(n, o) && (semanticEqual(n.tolerationSeconds, o.tolerationSeconds) || (o.effect === "NoExecute" && n.tolerationSeconds !== undefined && o.tolerationSeconds !== undefined && n.tolerationSeconds <= o.tolerationSeconds))),
  );
  return kept ? [] : [forbidden(path, "existing toleration can not be modified except its tolerationSeconds")];
}

function validateOnlyDeletedGates(spec: PodSpec, old: PodSpec, path: string): FieldCause[] {
  const prev = new Set((old.schedulingGates ?? []).map((g) => g.name));
  return (spec.schedulingGates ?? []).filter((g) => !prev.has(g.name)).map((g) => forbidden(path, `only deletion is allowed, but found new scheduling gate '${g.name}'`));
}

/** The new spec with every field an update may change put back to its old value. */
function withMutableFieldsFromOld(spec: PodSpec, old: PodSpec): PodSpec {
  const images = (list: PodSpec["containers"], oldList: PodSpec["containers"]) => list?.map((c, i) => ({ ...c, image: oldList?.[i]?.image }));
  const negativeToOne = (old.terminationGracePeriodSeconds ?? 0) < 0 && spec.terminationGracePeriodSeconds === 1;
  return {
    ...spec,
    containers: images(spec.containers, old.containers),
    initContainers: images(spec.initContainers, old.initContainers),
    activeDeadlineSeconds: old.activeDeadlineSeconds,
    tolerations: old.tolerations,
    schedulingGates: old.schedulingGates,
    terminationGracePeriodSeconds: negativeToOne ? old.terminationGracePeriodSeconds : spec.terminationGracePeriodSeconds,
  };
}

export function validatePodSpecUpdate(spec: PodSpec, old: PodSpec, path = "spec"): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const list of ["containers", "initContainers"] as const) {
    if ((spec[list] ?? []).length !== (old[list] ?? []).length) return [forbidden(`${path}.${list}`, "pod updates may not add or remove containers")];
    (spec[list] ?? []).forEach((c, i) => c.image || causes.push(required(`${path}.${list}[${i}].image`)));
  }
  causes.push(
    ...validateOnlyAddedTolerations(spec.tolerations ?? [], old.tolerations ?? [], `${path}.tolerations`),
    ...validateOnlyDeletedGates(spec, old, `${path}.schedulingGates`),
    ...validateActiveDeadline(spec, old, `${path}.activeDeadlineSeconds`),
  );
  const munged = withMutableFieldsFromOld(spec, old);
  if (!semanticEqual(munged, old)) {
    const changed = Object.keys({ ...munged, ...old }).filter((k) => !semanticEqual(munged[k as keyof PodSpec], old[k as keyof PodSpec]));
    causes.push(forbidden(path, `${IMMUTABLE_MESSAGE}\n  changed: ${changed.map((k) => `${path}.${k}`).join(", ")}`));
  }
  return causes;
}
