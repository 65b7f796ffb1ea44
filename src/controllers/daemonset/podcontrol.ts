// Creating and deleting daemon pods (daemon_controller.go syncNodes, util.CreatePodTemplate): the
// template with the daemon tolerations and the revision hash label, pinned to its node through
// required node affinity so that the scheduler binds it there. Creates go in slow-start batches
// as the ReplicaSet controller's do, at most burstReplicas per pass.
import type { Pod } from "../podutil";
import { podFromTemplate, slowStartBatchSize } from "../replicaset/decide";
import type { PodTemplate } from "../replicaset/types";
import { CREATED_NAME, type Action } from "../types";
import { daemonPodTolerations, pinToNode } from "./eligibility";
import type { Pass } from "./pass";
import { REVISION_HASH_LABEL, Reason, TEMPLATE_GENERATION_ANNOTATION, TEMPLATE_GENERATION_LABEL, type DaemonSet } from "./types";
import { clone } from "../../util/json";

/** The DaemonSet controller's burstReplicas. */
export const BURST_REPLICAS = 250;

/** CreatePodTemplate: daemon tolerations, the hash label and, for DaemonSets that carry it, the template generation. */
export function daemonPodTemplate(ds: DaemonSet, hash: string): PodTemplate {
  const template = clone(ds.spec?.template ?? {});
  const spec = (template.spec ?? {}) as Record<string, unknown>;
  template.spec = { ...spec, tolerations: daemonPodTolerations(spec) };
  const labels = { ...template.metadata?.labels };
  const generation = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (generation !== undefined && /^[+-]?\d+$/.test(generation)) labels[TEMPLATE_GENERATION_LABEL] = String(Number(generation));
  if (hash) labels[REVISION_HASH_LABEL] = hash;
  template.metadata = { ...template.metadata, labels };
  return template;
}

/** The daemon pod for one node: the template pinned there, owned by the DaemonSet. */
export function daemonPod(ds: DaemonSet, template: PodTemplate, nodeName: string): Pod {
  const pinned = { ...template, spec: pinToNode(template.spec ?? {}, nodeName) };
  return podFromTemplate({ ...ds, spec: { template: pinned } });
}

export interface PodDelete {
  pod: Pod;
  /** Set for pods whose node is gone: nothing is left to stop them gracefully. */
  gracePeriodSeconds?: number;
}

export interface Synced {
  actions: Action[];
  /** Some creates were left for the next pass (slow start or burst). */
  moreToCreate: boolean;
}

/** syncNodes: creates (one slow-start batch) each followed by its event, then deletes each followed by its event. */
export function syncNodes(pass: Pass, deletes: readonly PodDelete[], createOn: readonly string[]): Synced {
  const { ds } = pass;
  const actions: Action[] = [];
  const existing = [...pass.byNode.values()].filter((pods) => pods.length > 0).length;
  const batch = slowStartBatchSize(createOn.length, existing, BURST_REPLICAS);
  if (batch > 0) {
    const template = daemonPodTemplate(ds, pass.hash);
    for (const nodeName of createOn.slice(0, batch)) {
      actions.push({ type: "create", resource: "pods", object: daemonPod(ds, template, nodeName) });
      actions.push({ type: "event", about: ds, eventType: "Normal", reason: Reason.SuccessfulCreate, message: `Created pod: ${CREATED_NAME}` });
    }
  }
  for (const { pod, gracePeriodSeconds } of deletes.slice(0, BURST_REPLICAS)) {
    const m = pod.metadata;
    const name = m.name ?? "";
    actions.push({ type: "delete", resource: "pods", namespace: m.namespace ?? "", name, uid: m.uid, ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }) });
    actions.push({ type: "event", about: ds, eventType: "Normal", reason: Reason.SuccessfulDelete, message: `Deleted pod: ${name}` });
  }
  return { actions, moreToCreate: batch < createOn.length };
}
