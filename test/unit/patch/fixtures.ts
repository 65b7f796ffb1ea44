// A small Deployment schema carrying the patch metadata Kubernetes' OpenAPI declares, so the
// engines are tested without depending on the full API types.
import { z } from "zod";
import { mergeList, type PatchMeta } from "../../../src/apis/patchmeta";

const tag = <T extends z.ZodType>(schema: T, meta: PatchMeta): T => schema.meta({ ...meta });
const list = <T extends z.ZodType>(item: T, meta: PatchMeta) => tag(z.array(item), meta).optional();
const stringMap = z.record(z.string(), z.string()).optional();

const port = z.strictObject({
  name: z.string().optional(),
  containerPort: z.number(),
  protocol: z.string().meta({ default: "TCP" }).optional(),
});

const env = z.strictObject({ name: z.string(), value: z.string().optional() });

export const container = z.strictObject({
  name: z.string(),
  image: z.string().optional(),
  command: list(z.string(), { listType: "atomic" }),
  args: list(z.string(), { listType: "atomic" }),
  ports: list(port, mergeList("containerPort", ["protocol"])),
  env: list(env, mergeList("name")),
  imagePullPolicy: z.string().optional(),
  resources: z.strictObject({ limits: stringMap, requests: stringMap }).optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: z.string().optional(),
});

const volume = z.strictObject({
  name: z.string(),
  emptyDir: z.strictObject({ medium: z.string().optional() }).optional(),
  configMap: z.strictObject({ name: z.string().optional() }).optional(),
});

const objectMeta = z.strictObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: z.string().optional(),
  labels: stringMap,
  annotations: stringMap,
  finalizers: list(z.string(), { patchStrategy: "merge", listType: "set" }),
  ownerReferences: list(z.strictObject({ uid: z.string(), name: z.string(), kind: z.string(), apiVersion: z.string() }), mergeList("uid")),
  managedFields: list(z.record(z.string(), z.unknown()), { listType: "atomic" }),
});

const podSpec = z.strictObject({
  containers: list(container, mergeList("name")),
  initContainers: list(container, mergeList("name")),
  volumes: list(volume, { ...mergeList("name"), patchStrategy: "merge,retainKeys" }),
  nodeSelector: stringMap,
  restartPolicy: z.string().optional(),
  dnsPolicy: z.string().optional(),
  schedulerName: z.string().optional(),
  securityContext: z.strictObject({ runAsUser: z.number().optional() }).optional(),
  terminationGracePeriodSeconds: z.number().optional(),
});

const selector = tag(z.strictObject({ matchLabels: stringMap }), { mapType: "atomic" });

const strategy = tag(
  z.strictObject({
    type: z.string().optional(),
    rollingUpdate: z.strictObject({ maxSurge: z.union([z.number(), z.string()]).optional(), maxUnavailable: z.union([z.number(), z.string()]).optional() }).optional(),
  }),
  { patchStrategy: "retainKeys" },
);

export const deploymentSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMeta.optional(),
  spec: z
    .strictObject({
      replicas: z.number().optional(),
      selector: selector.optional(),
      strategy: strategy.optional(),
      template: z.strictObject({ metadata: objectMeta.optional(), spec: podSpec.optional() }).optional(),
      revisionHistoryLimit: z.number().optional(),
      progressDeadlineSeconds: z.number().optional(),
    })
    .optional(),
  status: z.strictObject({ replicas: z.number().optional(), observedGeneration: z.number().optional() }).optional(),
});

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * The live Deployment a `kubectl apply -f v1.yaml` left behind (as kube-apiserver stores it,
 * defaults included): nginx with ports 80/443 and env A, B; a busybox sidecar.
 */
export function liveDeployment(): Record<string, unknown> {
  const config = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { annotations: {}, labels: { app: "web" }, name: "web", namespace: "default" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
              image: "nginx:1.25",
              name: "nginx",
              ports: [{ containerPort: 80 }, { containerPort: 443 }],
            },
            { command: ["sleep", "infinity"], image: "busybox:1.36", name: "sidecar" },
          ],
        },
      },
    },
  };
  const defaults = { imagePullPolicy: "IfNotPresent", resources: {}, terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      annotations: { [LAST_APPLIED]: JSON.stringify(config) + "\n" },
      creationTimestamp: "2025-01-01T00:00:00Z",
      generation: 1,
      labels: { app: "web" },
      name: "web",
      namespace: "default",
      resourceVersion: "5",
      uid: "1b3c0c4e-0000-4000-8000-000000000001",
    },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 2,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: "web" } },
      strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" }, type: "RollingUpdate" },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
              image: "nginx:1.25",
              name: "nginx",
              ports: [
                { containerPort: 80, protocol: "TCP" },
                { containerPort: 443, protocol: "TCP" },
              ],
              ...defaults,
            },
            { command: ["sleep", "infinity"], image: "busybox:1.36", name: "sidecar", ...defaults },
          ],
          dnsPolicy: "ClusterFirst",
          restartPolicy: "Always",
          schedulerName: "default-scheduler",
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: { observedGeneration: 1, replicas: 2 },
  };
}

/** Read a nested field: `at(obj, "spec", "template", "spec", "containers")`. */
export function at(obj: unknown, ...path: (string | number)[]): unknown {
  let cur = obj;
  for (const p of path) cur = (cur as Record<string | number, unknown> | undefined)?.[p];
  return cur;
}
