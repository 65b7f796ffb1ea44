// Helpers shared by the kinds' printer columns, formatted as kubectl shows them against Kubernetes.
import type { KubeObject, PrinterColumn } from "./types";

/** kubectl's HumanDuration: "45s", "5m3s", "3h15m", "6d", "2y130d". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0) return "<invalid>";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Age of a timestamp, or "<unknown>" as kubectl prints for a missing one. */
export function age(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? "<unknown>" : humanDuration(now.getTime() - t);
}

/** The AGE column every kind ends with (Kubernetes serves it as a string cell). */
export function ageColumn(): PrinterColumn {
  return {
    name: "Age",
    type: "string",
    description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
    cell: (obj: KubeObject, now: Date) => age(obj.metadata.creationTimestamp, now),
  };
}

/** Read a dotted path ("spec.replicas") out of an object; undefined when any step is missing. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** "<none>" for empty values, as kubectl prints them. */
export function orNone(value: string | undefined | null): string {
  return value === undefined || value === null || value === "" ? "<none>" : value;
}
