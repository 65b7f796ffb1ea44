// The DaemonSet controller's decision logic: decideDaemonSet(observed) → Decision.
export { decideDaemonSet } from "./decide";
export { daemonPodTolerations, placementOf, pinToNode, targetNodeName, type NodeFit } from "./eligibility";
export { cleanupHistory, constructHistory, revisionData, revisionMatches, templateHash } from "./history";
export { allowsSurge, rollingLimits, surgeCount, unavailableCount } from "./rolling";
export { BURST_REPLICAS, daemonPodTemplate } from "./podcontrol";
export { daemonSetsToWake, type NodeChange } from "./wake";
export {
  REVISION_HASH_LABEL,
  Reason,
  type BackoffEntry,
  type ControllerRevision,
  type DaemonSet,
  type DaemonSetDecision,
  type DaemonSetInput,
  type DaemonSetStatus,
} from "./types";
