// The node lifecycle controller's decisions: health from Leases, controller taints, taint-based eviction.
export { decideNode, type NodeObservation } from "./decide";
export { DEFAULT_GRACE_PERIOD_MS, DEFAULT_STARTUP_GRACE_PERIOD_MS, healthDeadline, isSilent, silentConditions } from "./health";
export { evictionTime } from "./eviction";
export { reconcileTaints, wantedTaints } from "./taints";
