// autoscaling/v1 Scale: not a stored kind but the body of every `scale` subresource
// (deployments/scale, replicasets/scale...). Discovery lists it as those subresources' kind.
import { z } from "zod";
import { kindSchema } from "../../meta";

/** Where discovery says a scale subresource's body comes from. */
export const scaleGroupVersionKind = { group: "autoscaling", version: "v1", kind: "Scale" } as const;

export const scaleSchema = kindSchema({
  apiVersion: "autoscaling/v1",
  kind: "Scale",
  spec: z.strictObject({ replicas: z.int32().optional() }),
  status: z.strictObject({ replicas: z.int32(), selector: z.string().optional() }),
});
