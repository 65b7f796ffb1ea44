// core/v1 Volume and its sources. The sources edgeplane's agent can serve or pass through are
// modelled; Kubernetes' deprecated in-tree cloud and network volume plugins are left out, so a
// manifest using one fails strict validation instead of being silently ignored.
import { z } from "zod";
import { atomicList, labelSelectorSchema, localObjectReferenceSchema, objectMetaSchema, quantitySchema, resourceListSchema } from "../../meta";
import { objectFieldSelectorSchema, resourceFieldSelectorSchema } from "./container";

export const keyToPathSchema = z.strictObject({ key: z.string(), path: z.string(), mode: z.int32().optional() });

export const downwardAPIVolumeFileSchema = z.strictObject({
  path: z.string(),
  fieldRef: objectFieldSelectorSchema.optional(),
  resourceFieldRef: resourceFieldSelectorSchema.optional(),
  mode: z.int32().optional(),
});

const projectionFields = { name: z.string().optional(), items: atomicList(keyToPathSchema), optional: z.boolean().optional() };

export const volumeProjectionSchema = z.strictObject({
  secret: z.strictObject(projectionFields).optional(),
  configMap: z.strictObject(projectionFields).optional(),
  downwardAPI: z.strictObject({ items: atomicList(downwardAPIVolumeFileSchema) }).optional(),
  serviceAccountToken: z
    .strictObject({ audience: z.string().optional(), expirationSeconds: z.int().optional(), path: z.string() })
    .optional(),
  clusterTrustBundle: z
    .strictObject({
      name: z.string().optional(),
      signerName: z.string().optional(),
      labelSelector: labelSelectorSchema.optional(),
      optional: z.boolean().optional(),
      path: z.string(),
    })
    .optional(),
});

const typedLocalObjectReferenceSchema = z.strictObject({ apiGroup: z.string().optional(), kind: z.string(), name: z.string() });

export const persistentVolumeClaimSpecSchema = z.strictObject({
  accessModes: atomicList(z.string()),
  selector: labelSelectorSchema.optional(),
  resources: z.strictObject({ limits: resourceListSchema.optional(), requests: resourceListSchema.optional() }).optional(),
  volumeName: z.string().optional(),
  storageClassName: z.string().optional(),
  volumeMode: z.string().optional(),
  dataSource: typedLocalObjectReferenceSchema.optional(),
  dataSourceRef: typedLocalObjectReferenceSchema.extend({ namespace: z.string().optional() }).optional(),
  volumeAttributesClassName: z.string().optional(),
});

/** The volume sources, keyed by field name; a Volume sets exactly one of them. */
export const volumeSourceShape = {
  hostPath: z.strictObject({ path: z.string(), type: z.string().optional() }).optional(),
  emptyDir: z.strictObject({ medium: z.string().optional(), sizeLimit: quantitySchema.optional() }).optional(),
  secret: z
    .strictObject({
      secretName: z.string().optional(),
      items: atomicList(keyToPathSchema),
      defaultMode: z.int32().optional(),
      optional: z.boolean().optional(),
    })
    .optional(),
  nfs: z.strictObject({ server: z.string(), path: z.string(), readOnly: z.boolean().optional() }).optional(),
  persistentVolumeClaim: z.strictObject({ claimName: z.string(), readOnly: z.boolean().optional() }).optional(),
  downwardAPI: z.strictObject({ items: atomicList(downwardAPIVolumeFileSchema), defaultMode: z.int32().optional() }).optional(),
  configMap: z.strictObject({ ...projectionFields, defaultMode: z.int32().optional() }).optional(),
  projected: z.strictObject({ sources: atomicList(volumeProjectionSchema), defaultMode: z.int32().optional() }).optional(),
  csi: z
    .strictObject({
      driver: z.string(),
      readOnly: z.boolean().optional(),
      fsType: z.string().optional(),
      volumeAttributes: z.record(z.string(), z.string()).optional(),
      nodePublishSecretRef: localObjectReferenceSchema.optional(),
    })
    .optional(),
  ephemeral: z
    .strictObject({
      volumeClaimTemplate: z.strictObject({ metadata: objectMetaSchema.optional(), spec: persistentVolumeClaimSpecSchema }).optional(),
    })
    .optional(),
  image: z.strictObject({ reference: z.string().optional(), pullPolicy: z.string().optional() }).optional(),
};

export const VOLUME_SOURCES = Object.keys(volumeSourceShape) as (keyof typeof volumeSourceShape)[];

export const volumeSchema = z.strictObject({ name: z.string(), ...volumeSourceShape });

export type Volume = z.infer<typeof volumeSchema>;
