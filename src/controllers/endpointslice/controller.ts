// The Service controller's plumbing: read the Service's pods, its slices (by the controller
// index) and its Endpoints, decide, carry it out. Pod changes reach it through the ServiceIndex
// (serviceindex.ts), which wakes the Services a pod's labels match.
import type { KubeObject } from "../../apis/types";
import type { ControllerContext } from "../reconcile";
import { executeDecision, type PassResult } from "../run";
import { decideService } from "./decide";
import { hasSelector, selectorMatches } from "./podendpoint";
import { SLICES } from "./slices";
import type { EndpointSlice, Endpoints, Pod, Service } from "./types";

export async function reconcileService(ctx: ControllerContext, obj: KubeObject): Promise<PassResult> {
  const service = obj as Service;
  const namespace = service.metadata.namespace ?? "";
  const wantsEndpoints = service.spec?.type !== "ExternalName" && hasSelector(service);
  const [pods, slices, endpoints] = wantsEndpoints
    ? await Promise.all([
        ctx.client.list("pods", namespace),
        ctx.client.list(SLICES, namespace, { controllerUid: service.metadata.uid ?? "" }),
        ctx.client.get("endpoints", namespace, service.metadata.name ?? ""),
      ])
    : [[], [], undefined];
  const selected = (pods as Pod[]).filter((p) => selectorMatches(service.spec?.selector, p.metadata.labels));
  const decision = decideService({
    service,
    pods: selected,
    slices: slices as EndpointSlice[],
    endpoints: endpoints as Endpoints | undefined,
    clusterDomain: ctx.settings.clusterDomain,
  });
  return executeDecision(ctx.client, decision);
}
