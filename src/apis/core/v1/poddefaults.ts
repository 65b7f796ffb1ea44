// Pod defaults in two layers, as Kubernetes applies them:
//  - defaultPodSpec / defaultPodTemplateSpec: the v1 defaulters for PodSpec and everything in it
//    (SetDefaults_PodSpec, _Container, _Probe, _Volume...). They run on Pods and on the pod
//    templates of Deployments, Jobs, DaemonSets...
//  - admitPodSpec: what only a created Pod gets: SetDefaults_Pod (requests from limits,
//    enableServiceLinks, host ports under hostNetwork) and the admission plugins ServiceAccount,
//    Priority and DefaultTolerationSeconds.
import { type JsonObject, child, isObject, objectsIn, setDefault } from "../../defaulting";

const OBJECT_FIELD_API_VERSION = "v1";

/** The tag Kubernetes' image parser finds: "latest" when there is neither tag nor digest. */
export function imageTag(image: string): string {
  const [name, digest] = image.split("@", 2);
  const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
  if (colon >= 0) return name.slice(colon + 1);
  return digest === undefined ? "latest" : "";
}

function defaultFieldRefs(holder: JsonObject): void {
  const fieldRef = child(holder, "fieldRef");
  if (fieldRef) setDefault(fieldRef, "apiVersion", OBJECT_FIELD_API_VERSION);
  // ResourceFieldSelector.divisor is a non-pointer Quantity, so Kubernetes always serializes it.
  const resourceFieldRef = child(holder, "resourceFieldRef");
  if (resourceFieldRef) setDefault(resourceFieldRef, "divisor", "0");
}

function defaultHandler(handler: JsonObject | undefined): void {
  const httpGet = handler && child(handler, "httpGet");
  if (httpGet) {
    setDefault(httpGet, "path", "/");
    setDefault(httpGet, "scheme", "HTTP");
  }
  const grpc = handler && child(handler, "grpc");
  if (grpc && grpc.service === undefined) grpc.service = "";
}

function defaultProbe(probe: JsonObject | undefined): void {
  if (!probe) return;
  defaultHandler(probe);
  setDefault(probe, "timeoutSeconds", 1, true);
  setDefault(probe, "periodSeconds", 10, true);
  setDefault(probe, "successThreshold", 1, true);
  setDefault(probe, "failureThreshold", 3, true);
}

function defaultContainer(c: JsonObject): void {
  if (typeof c.image === "string" || c.image === undefined) {
    setDefault(c, "imagePullPolicy", imageTag(typeof c.image === "string" ? c.image : "") === "latest" ? "Always" : "IfNotPresent");
  }
  setDefault(c, "terminationMessagePath", "/dev/termination-log");
  setDefault(c, "terminationMessagePolicy", "File");
  // ResourceRequirements is a non-pointer struct: Kubernetes serializes it as {} when empty.
  setDefault(c, "resources", {});
  for (const port of objectsIn(c.ports)) setDefault(port, "protocol", "TCP");
  for (const env of objectsIn(c.env)) {
    const from = child(env, "valueFrom");
    if (from) defaultFieldRefs(from);
  }
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) defaultProbe(child(c, probe));
  const lifecycle = child(c, "lifecycle");
  if (lifecycle) for (const hook of ["postStart", "preStop"]) defaultHandler(child(lifecycle, hook));
}

const VOLUME_MODE_SOURCES = ["secret", "configMap", "downwardAPI", "projected"];
const DEFAULT_VOLUME_MODE = 0o644;

function defaultVolume(v: JsonObject): void {
  if (Object.keys(v).every((k) => k === "name")) v.emptyDir = {};
  for (const source of VOLUME_MODE_SOURCES) {
    const s = child(v, source);
    if (s) setDefault(s, "defaultMode", DEFAULT_VOLUME_MODE);
  }
  const hostPath = child(v, "hostPath");
  if (hostPath && hostPath.type === undefined) hostPath.type = "";
  const downwardAPI = child(v, "downwardAPI");
  if (downwardAPI) objectsIn(downwardAPI.items).forEach(defaultFieldRefs);
  for (const source of objectsIn(child(v, "projected")?.sources)) {
    const token = child(source, "serviceAccountToken");
    if (token) setDefault(token, "expirationSeconds", 3600);
    const projectedDownward = child(source, "downwardAPI");
    if (projectedDownward) objectsIn(projectedDownward.items).forEach(defaultFieldRefs);
  }
  const claimSpec = child(child(child(v, "ephemeral") ?? {}, "volumeClaimTemplate") ?? {}, "spec");
  if (claimSpec) setDefault(claimSpec, "volumeMode", "Filesystem");
}

/** The deprecated `serviceAccount` mirrors `serviceAccountName`, filling it when only it is set (v1 conversion). */
function mirrorServiceAccount(spec: JsonObject): void {
  if (typeof spec.serviceAccount === "string") setDefault(spec, "serviceAccountName", spec.serviceAccount);
  if (typeof spec.serviceAccountName === "string" && spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
}

/** The PodSpec defaulters, for Pods and pod templates alike. */
export function defaultPodSpec(spec: unknown): void {
  if (!isObject(spec)) return;
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "restartPolicy", "Always");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefault(spec, "schedulerName", "default-scheduler");
  mirrorServiceAccount(spec);
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) objectsIn(spec[list]).forEach(defaultContainer);
  objectsIn(spec.volumes).forEach(defaultVolume);
}

export function defaultPodTemplateSpec(template: unknown): void {
  if (isObject(template)) defaultPodSpec(template.spec);
}

function requestsFromLimits(c: JsonObject): void {
  const resources = child(c, "resources");
  const limits = resources && child(resources, "limits");
  if (!resources || !limits) return;
  const requests = child(resources, "requests", true);
  if (requests) for (const [name, q] of Object.entries(limits)) setDefault(requests, name, q);
}

const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

const NODE_NOT_READY = "node.kubernetes.io/not-ready";
const NODE_UNREACHABLE = "node.kubernetes.io/unreachable";
const DEFAULT_TOLERATION_SECONDS = 300;

/** DefaultTolerationSeconds: tolerate not-ready and unreachable nodes for 5 minutes unless the pod says otherwise. */
function defaultTolerations(spec: JsonObject): void {
  if (spec.tolerations !== undefined && !Array.isArray(spec.tolerations)) return;
  const tolerations = objectsIn(spec.tolerations);
  const tolerates = (key: string) =>
    tolerations.some((t) => (t.key === key || !t.key) && (t.effect === "NoExecute" || !t.effect));
  const added = [NODE_NOT_READY, NODE_UNREACHABLE]
    .filter((key) => !tolerates(key))
    .map((key) => ({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: DEFAULT_TOLERATION_SECONDS }));
  if (added.length) spec.tolerations = [...((spec.tolerations as unknown[] | undefined) ?? []), ...added];
}

/** What a Pod (not a template) gets on create: SetDefaults_Pod and the defaulting admission plugins. */
export function admitPodSpec(spec: unknown): void {
  if (!isObject(spec)) return;
  const regularAndInit = [...objectsIn(spec.containers), ...objectsIn(spec.initContainers)];
  regularAndInit.forEach(requestsFromLimits);
  setDefault(spec, "enableServiceLinks", true);
  if (spec.hostNetwork === true) {
    for (const port of regularAndInit.flatMap((c) => objectsIn(c.ports))) setDefault(port, "hostPort", port.containerPort, true);
  }
  setDefault(spec, "serviceAccountName", "default");
  mirrorServiceAccount(spec);
  if (spec.priority === undefined) {
    const className = typeof spec.priorityClassName === "string" ? spec.priorityClassName : "";
    spec.priority = SYSTEM_PRIORITY_CLASSES[className] ?? 0;
  }
  setDefault(spec, "preemptionPolicy", "PreemptLowerPriority");
  defaultTolerations(spec);
}
