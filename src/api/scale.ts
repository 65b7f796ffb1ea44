// The scale subresource: an autoscaling/v1 Scale view of a kind's replicas and selector.
import type { KindDef, KubeObject } from "../apis/types";
import { getPath } from "../apis/printers";
import { clone, isPlainObject } from "../util/json";
import { formatSelector, fromLabelSelector, type LabelSelectorSpec } from "./labels";
import { badRequest, invalid, type Result } from "./status";

export interface Scale {
  apiVersion: "autoscaling/v1";
  kind: "Scale";
  metadata: KubeObject["metadata"];
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(cur[key])) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

export function toScale(kind: KindDef, obj: KubeObject): Scale {
  const def = kind.scale!;
  const m = obj.metadata;
  const selector = fromLabelSelector(getPath(obj, "spec.selector") as LabelSelectorSpec | undefined);
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(getPath(obj, def.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(getPath(obj, def.statusReplicasPath) ?? 0),
      ...(selector.ok && selector.value ? { selector: formatSelector(selector.value) } : {}),
    },
  };
}

export function fromScale(kind: KindDef, old: KubeObject, scale: Scale): KubeObject {
  const next = clone(old);
  setPath(next, kind.scale!.specReplicasPath, scale.spec.replicas ?? 0);
  return next;
}

export function checkScale(body: unknown): Result<Scale> {
  if (!isPlainObject(body) || body.kind !== "Scale" || body.apiVersion !== "autoscaling/v1") {
    return { ok: false, error: badRequest(`the API version in the data (${isPlainObject(body) ? String(body.apiVersion) : ""}) does not match the expected API version (autoscaling/v1)`) };
  }
  const scale = body as unknown as Scale;
  const replicas = scale.spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
    return {
      ok: false,
      error: invalid("Scale", "autoscaling", scale.metadata?.name ?? "", [
        { reason: "FieldValueInvalid", field: "spec.replicas", message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` },
      ]),
    };
  }
  return { ok: true, value: scale };
}
