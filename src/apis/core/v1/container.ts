// core/v1 Container and the types it holds (ports, env, resources, probes, lifecycle, security
// context), with the list merge keys Kubernetes' OpenAPI declares.
import { z } from "zod";
import { atomicList, intOrStringSchema, listOf, quantitySchema, resourceListSchema } from "../../meta";
import { mergeList } from "../../patchmeta";

export const containerPortSchema = z.strictObject({
  name: z.string().optional(),
  hostPort: z.int32().optional(),
  containerPort: z.int32(),
  // The default is declared so server-side apply matches a port given without it to the stored TCP one.
  protocol: z.string().meta({ default: "TCP" }).optional(),
  hostIP: z.string().optional(),
});

export const objectFieldSelectorSchema = z.strictObject({ apiVersion: z.string().optional(), fieldPath: z.string() });

export const resourceFieldSelectorSchema = z.strictObject({
  containerName: z.string().optional(),
  resource: z.string(),
  divisor: quantitySchema.optional(),
});

const keySelectorSchema = z.strictObject({ name: z.string().optional(), key: z.string(), optional: z.boolean().optional() });

export const envVarSchema = z.strictObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .strictObject({
      fieldRef: objectFieldSelectorSchema.optional(),
      resourceFieldRef: resourceFieldSelectorSchema.optional(),
      configMapKeyRef: keySelectorSchema.optional(),
      secretKeyRef: keySelectorSchema.optional(),
    })
    .optional(),
});

const envSourceSchema = z.strictObject({ name: z.string().optional(), optional: z.boolean().optional() });

export const envFromSourceSchema = z.strictObject({
  prefix: z.string().optional(),
  configMapRef: envSourceSchema.optional(),
  secretRef: envSourceSchema.optional(),
});

export const resourceRequirementsSchema = z.strictObject({
  limits: resourceListSchema.optional(),
  requests: resourceListSchema.optional(),
  claims: listOf(z.strictObject({ name: z.string(), request: z.string().optional() }), { listType: "map", listMapKeys: ["name"] }),
});

export const volumeMountSchema = z.strictObject({
  name: z.string(),
  readOnly: z.boolean().optional(),
  recursiveReadOnly: z.string().optional(),
  mountPath: z.string(),
  subPath: z.string().optional(),
  mountPropagation: z.string().optional(),
  subPathExpr: z.string().optional(),
});

export const volumeDeviceSchema = z.strictObject({ name: z.string(), devicePath: z.string() });

export const execActionSchema = z.strictObject({ command: atomicList(z.string()) });

export const httpGetActionSchema = z.strictObject({
  path: z.string().optional(),
  port: intOrStringSchema,
  host: z.string().optional(),
  scheme: z.string().optional(),
  httpHeaders: atomicList(z.strictObject({ name: z.string(), value: z.string() })),
});

export const tcpSocketActionSchema = z.strictObject({ port: intOrStringSchema, host: z.string().optional() });

export const grpcActionSchema = z.strictObject({ port: z.int32(), service: z.string().optional() });

export const probeSchema = z.strictObject({
  exec: execActionSchema.optional(),
  httpGet: httpGetActionSchema.optional(),
  tcpSocket: tcpSocketActionSchema.optional(),
  grpc: grpcActionSchema.optional(),
  initialDelaySeconds: z.int32().optional(),
  timeoutSeconds: z.int32().optional(),
  periodSeconds: z.int32().optional(),
  successThreshold: z.int32().optional(),
  failureThreshold: z.int32().optional(),
  terminationGracePeriodSeconds: z.int().optional(),
});

export const lifecycleHandlerSchema = z.strictObject({
  exec: execActionSchema.optional(),
  httpGet: httpGetActionSchema.optional(),
  tcpSocket: tcpSocketActionSchema.optional(),
  sleep: z.strictObject({ seconds: z.int() }).optional(),
});

export const lifecycleSchema = z.strictObject({
  postStart: lifecycleHandlerSchema.optional(),
  preStop: lifecycleHandlerSchema.optional(),
});

export const seLinuxOptionsSchema = z.strictObject({
  user: z.string().optional(),
  role: z.string().optional(),
  type: z.string().optional(),
  level: z.string().optional(),
});

export const windowsSecurityContextOptionsSchema = z.strictObject({
  gmsaCredentialSpecName: z.string().optional(),
  gmsaCredentialSpec: z.string().optional(),
  runAsUserName: z.string().optional(),
  hostProcess: z.boolean().optional(),
});

/** SeccompProfile and AppArmorProfile share this shape. */
export const securityProfileSchema = z.strictObject({ type: z.string(), localhostProfile: z.string().optional() });

export const securityContextSchema = z.strictObject({
  capabilities: z.strictObject({ add: atomicList(z.string()), drop: atomicList(z.string()) }).optional(),
  privileged: z.boolean().optional(),
  seLinuxOptions: seLinuxOptionsSchema.optional(),
  windowsOptions: windowsSecurityContextOptionsSchema.optional(),
  runAsUser: z.int().optional(),
  runAsGroup: z.int().optional(),
  runAsNonRoot: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  procMount: z.string().optional(),
  seccompProfile: securityProfileSchema.optional(),
  appArmorProfile: securityProfileSchema.optional(),
});

const containerFields = {
  name: z.string(),
  image: z.string().optional(),
  command: atomicList(z.string()),
  args: atomicList(z.string()),
  workingDir: z.string().optional(),
  ports: listOf(containerPortSchema, mergeList("containerPort", ["protocol"])),
  envFrom: atomicList(envFromSourceSchema),
  env: listOf(envVarSchema, mergeList("name")),
  resources: resourceRequirementsSchema.optional(),
  resizePolicy: atomicList(z.strictObject({ resourceName: z.string(), restartPolicy: z.string() })),
  restartPolicy: z.string().optional(),
  volumeMounts: listOf(volumeMountSchema, mergeList("mountPath")),
  volumeDevices: listOf(volumeDeviceSchema, mergeList("devicePath")),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional(),
  lifecycle: lifecycleSchema.optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: z.string().optional(),
  imagePullPolicy: z.string().optional(),
  securityContext: securityContextSchema.optional(),
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  tty: z.boolean().optional(),
};

export const containerSchema = z.strictObject(containerFields);

export const ephemeralContainerSchema = z.strictObject({ ...containerFields, targetContainerName: z.string().optional() });

export type Container = z.infer<typeof containerSchema>;
export type Probe = z.infer<typeof probeSchema>;
export type HttpGetAction = z.infer<typeof httpGetActionSchema>;
export type LifecycleHandler = z.infer<typeof lifecycleHandlerSchema>;
export type ResourceFieldSelector = z.infer<typeof resourceFieldSelectorSchema>;
export type ObjectFieldSelector = z.infer<typeof objectFieldSelectorSchema>;
