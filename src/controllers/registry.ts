// The controllers, by the resource they reconcile. Finalization (garbage collection and
// namespace termination) is not listed: it applies to every kind.
import type { Controller } from "./reconcile";

export const CONTROLLERS: ReadonlyMap<string, Controller> = new Map<string, Controller>([]);
