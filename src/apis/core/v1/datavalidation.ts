// Rules ConfigMap and Secret share: key format, the 1 MiB size limit and `immutable: true`.
import { forbidden, invalidEach, tooLong } from "../../fielderrors";
import { byteLength, isConfigMapKey } from "../../formats";
import type { FieldCause } from "../../types";
import { semanticEqual } from "../../validation";

/** core.MaxSecretSize, which ConfigMaps share. */
const MAX_DATA_SIZE = 1024 * 1024;

export function validateDataKeys(data: Record<string, unknown> | undefined, path: string): FieldCause[] {
  return Object.keys(data ?? {}).flatMap((key) => invalidEach(`${path}[${key}]`, key, isConfigMapKey(key)));
}

/** Total bytes of the values, `size` telling how many bytes one value stands for. */
export function dataSize(data: Record<string, string> | undefined, size: (value: string) => number = byteLength): number {
  return Object.values(data ?? {}).reduce((n, v) => n + size(v), 0);
}

export function validateDataSize(total: number, path: string): FieldCause[] {
  return total > MAX_DATA_SIZE ? [tooLong(path, MAX_DATA_SIZE)] : [];
}

interface Immutable {
  immutable?: boolean;
  [field: string]: unknown;
}

/** Once `immutable` is true it stays true and the data fields stay as they are. */
export function validateImmutableData(obj: Immutable, old: Immutable, dataFields: readonly string[]): FieldCause[] {
  if (!old.immutable) return [];
  const message = "field is immutable when `immutable` is set";
  const causes = obj.immutable ? [] : [forbidden("immutable", message)];
  return [...causes, ...dataFields.filter((f) => !semanticEqual(obj[f], old[f])).map((f) => forbidden(f, message))];
}
