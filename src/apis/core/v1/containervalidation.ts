// Validation of containers (regular, init and ephemeral) as Kubernetes' validateContainers,
// validateInitContainers and validateContainerCommon do it.
import { duplicate, forbidden, invalid, invalidEach, notFound, notSupported, required } from "../../fielderrors";
import { inclusiveRangeError, isDns1123Label, isPortName, isPortNumber } from "../../formats";
import { validateEnum, validateNonNegative } from "../../validation";
import type { FieldCause } from "../../types";
import type { Container, HttpGetAction, LifecycleHandler, Probe } from "./container";
import { validateEnv, validateEnvFrom } from "./envvalidation";
import { validateResourceRequirements } from "./resourcesvalidation";

/** What the pod around a container offers it: volumes to mount, claims, the grace period. */
export interface ContainerContext {
  volumeNames: ReadonlySet<string>;
  /** Volumes that are persistentVolumeClaims or ephemeral (the only ones usable as block devices). */
  blockVolumeNames: ReadonlySet<string>;
  podClaimNames: readonly string[];
  gracePeriodSeconds: number;
}

export type ContainerRole = "container" | "init" | "ephemeral";

/** A port given as number or IANA name (httpGet.port, tcpSocket.port, Service targetPort). */
export function validatePortNumOrName(port: number | string, path: string): FieldCause[] {
  if (typeof port === "number") return invalidEach(path, port, isPortNumber(port));
  if (port === "") return [required(path)];
  return invalidEach(path, port, isPortName(port));
}

function validateHttpGet(http: HttpGetAction, path: string): FieldCause[] {
  const causes = http.path ? [] : [required(`${path}.path`)];
  causes.push(...validatePortNumOrName(http.port, `${path}.port`), ...validateEnum(http.scheme, ["HTTP", "HTTPS"], `${path}.scheme`, true));
  for (const h of http.httpHeaders ?? []) {
    if (!/^[-A-Za-z0-9]+$/.test(h.name)) {
      causes.push(invalid(`${path}.httpHeaders`, h.name, "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
    }
  }
  return causes;
}

type Handler = LifecycleHandler & Pick<Probe, "grpc">;

function validateSleep(seconds: number, gracePeriod: number, path: string): FieldCause[] {
  if (seconds > 0 && seconds <= gracePeriod) return [];
  return [invalid(path, seconds, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod})`)];
}

/** Exactly one handler, each checked; the first one set counts and the others are Forbidden. */
function validateHandler(h: Handler, gracePeriod: number, path: string): FieldCause[] {
  const { exec, httpGet, tcpSocket, grpc, sleep } = h;
  const handlers: [string, FieldCause[] | undefined][] = [
    ["exec", exec && ((exec.command ?? []).length ? [] : [required(`${path}.exec.command`)])],
    ["httpGet", httpGet && validateHttpGet(httpGet, `${path}.httpGet`)],
    ["tcpSocket", tcpSocket && validatePortNumOrName(tcpSocket.port, `${path}.tcpSocket.port`)],
    ["grpc", grpc && invalidEach(`${path}.grpc.port`, grpc.port, isPortNumber(grpc.port))],
    ["sleep", sleep && validateSleep(sleep.seconds, gracePeriod, `${path}.sleep.seconds`)],
  ];
  const set = handlers.filter((entry): entry is [string, FieldCause[]] => entry[1] !== undefined);
  if (set.length === 0) return [required(path, "must specify a handler type")];
  return [...set[0][1], ...set.slice(1).map(([k]) => forbidden(`${path}.${k}`, "may not specify more than 1 handler type"))];
}

type ProbeKind = "livenessProbe" | "readinessProbe" | "startupProbe";

function validateProbe(probe: Probe, kind: ProbeKind, gracePeriod: number, path: string): FieldCause[] {
  const causes = validateHandler(probe, gracePeriod, path);
  for (const f of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] as const) {
    causes.push(...validateNonNegative(probe[f], `${path}.${f}`));
  }
  const tgp = probe.terminationGracePeriodSeconds;
  if (tgp !== undefined && tgp <= 0) causes.push(invalid(`${path}.terminationGracePeriodSeconds`, tgp, "must be greater than 0"));
  if (kind === "readinessProbe" && tgp !== undefined) causes.push(invalid(`${path}.terminationGracePeriodSeconds`, tgp, "must not be set for readinessProbes"));
  if (kind !== "readinessProbe" && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    causes.push(invalid(`${path}.successThreshold`, probe.successThreshold, "must be 1"));
  }
  return causes;
}

function validatePorts(ports: Container["ports"], path: string): FieldCause[] {
  const names = new Set<string>();
  return (ports ?? []).flatMap((port, i) => {
    const p = `${path}[${i}]`;
    const causes: FieldCause[] = [];
    if (port.name) {
      const msgs = isPortName(port.name);
      if (msgs.length) causes.push(...invalidEach(`${p}.name`, port.name, msgs));
      else if (names.has(port.name)) causes.push(duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    if (!port.containerPort) causes.push(required(`${p}.containerPort`));
    else causes.push(...invalidEach(`${p}.containerPort`, port.containerPort, isPortNumber(port.containerPort)));
    if (port.hostPort) causes.push(...invalidEach(`${p}.hostPort`, port.hostPort, isPortNumber(port.hostPort)));
    causes.push(...validateEnum(port.protocol, ["SCTP", "TCP", "UDP"], `${p}.protocol`, true));
    return causes;
  });
}

function validateLocalDescendingPath(value: string, path: string): FieldCause[] {
  const causes = value.startsWith("/") ? [invalid(path, value, "must be a relative path")] : [];
  if (value.split(/[\\/]/).includes("..")) causes.push(invalid(path, value, "must not contain '..'"));
  return causes;
}

function validateVolumeMounts(c: Container, ctx: ContainerContext, path: string): FieldCause[] {
  const mountPaths = new Set<string>();
  const devices = c.volumeDevices ?? [];
  const causes = (c.volumeMounts ?? []).flatMap((m, i) => {
    const p = `${path}.volumeMounts[${i}]`;
    const out: FieldCause[] = [];
    if (!m.name) out.push(required(`${p}.name`));
    if (!ctx.volumeNames.has(m.name)) out.push(notFound(`${p}.name`, m.name));
    if (!m.mountPath) out.push(required(`${p}.mountPath`));
    if (mountPaths.has(m.mountPath)) out.push(invalid(`${p}.mountPath`, m.mountPath, "must be unique"));
    mountPaths.add(m.mountPath);
    if (devices.some((d) => d.name === m.name)) out.push(invalid(`${p}.name`, m.name, "must not already exist in volumeDevices"));
    if (devices.some((d) => d.devicePath === m.mountPath)) out.push(invalid(`${p}.mountPath`, m.mountPath, "must not already exist as a path in volumeDevices"));
    if (m.subPath) out.push(...validateLocalDescendingPath(m.subPath, `${p}.subPath`));
    if (m.subPathExpr) {
      if (m.subPath) out.push(invalid(`${p}.subPathExpr`, m.subPathExpr, "subPathExpr and subPath are mutually exclusive"));
      out.push(...validateLocalDescendingPath(m.subPathExpr, `${p}.subPathExpr`));
    }
    out.push(...validateEnum(m.mountPropagation, ["Bidirectional", "HostToContainer", "None"], `${p}.mountPropagation`));
    if (m.mountPropagation === "Bidirectional" && !c.securityContext?.privileged) {
      out.push(forbidden(`${p}.mountPropagation`, "Bidirectional mount propagation is available only to privileged containers"));
    }
    out.push(...validateEnum(m.recursiveReadOnly, ["Disabled", "Enabled", "IfPossible"], `${p}.recursiveReadOnly`));
    return out;
  });
  const devicePaths = new Set<string>();
  devices.forEach((d, i) => {
    const p = `${path}.volumeDevices[${i}]`;
    if (!d.name) causes.push(required(`${p}.name`));
    else if (!ctx.blockVolumeNames.has(d.name)) causes.push(notFound(`${p}.name`, d.name));
    if (!d.devicePath) causes.push(required(`${p}.devicePath`));
    if (devicePaths.has(d.devicePath)) causes.push(invalid(`${p}.devicePath`, d.devicePath, "must be unique"));
    devicePaths.add(d.devicePath);
  });
  return causes;
}

const MAX_ID = 0xffffffff;

function validateSecurityContext(sc: Container["securityContext"], path: string): FieldCause[] {
  if (!sc) return [];
  const causes: FieldCause[] = [];
  for (const f of ["runAsUser", "runAsGroup"] as const) {
    const id = sc[f];
    if (id !== undefined && (id < 0 || id > MAX_ID)) causes.push(invalid(`${path}.${f}`, id, inclusiveRangeError(0, MAX_ID)));
  }
  causes.push(...validateEnum(sc.procMount, ["Default", "Unmasked"], `${path}.procMount`));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) causes.push(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    if (sc.capabilities?.add?.includes("CAP_SYS_ADMIN")) causes.push(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
  }
  return causes;
}

/** Lifecycle hooks and probes: allowed on regular containers and sidecars, forbidden on plain init containers. */
function validateHooksAndProbes(c: Container, role: ContainerRole, ctx: ContainerContext, path: string): FieldCause[] {
  const probes = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
  const allowed = role === "container" || (role === "init" && c.restartPolicy === "Always");
  if (!allowed) {
    const reason = role === "init" ? "may not be set for init containers without restartPolicy=Always" : "may not be set for ephemeral containers";
    return (["lifecycle", ...probes] as const).filter((f) => c[f] !== undefined).map((f) => forbidden(`${path}.${f}`, reason));
  }
  const causes: FieldCause[] = [];
  for (const hook of ["postStart", "preStop"] as const) {
    const h = c.lifecycle?.[hook];
    if (h) causes.push(...validateHandler(h, ctx.gracePeriodSeconds, `${path}.lifecycle.${hook}`));
  }
  for (const kind of probes) {
    const probe = c[kind];
    if (probe) causes.push(...validateProbe(probe, kind, ctx.gracePeriodSeconds, `${path}.${kind}`));
  }
  return causes;
}

function validateContainerRestartPolicy(c: Container, role: ContainerRole, path: string): FieldCause[] {
  if (c.restartPolicy === undefined) return [];
  if (role !== "init") return [forbidden(`${path}.restartPolicy`, "may not be set for non-init containers")];
  return c.restartPolicy === "Always" ? [] : [notSupported(`${path}.restartPolicy`, c.restartPolicy, ["Always"])];
}

export function validateContainer(c: Container, role: ContainerRole, ctx: ContainerContext, path: string): FieldCause[] {
  const causes = c.name ? invalidEach(`${path}.name`, c.name, isDns1123Label(c.name)) : [required(`${path}.name`)];
  if (!c.image) causes.push(required(`${path}.image`));
  const tmp = c.terminationMessagePolicy;
  if (tmp !== "File" && tmp !== "FallbackToLogsOnError") {
    const msg = "must be 'File' or 'FallbackToLogsOnError'";
    causes.push(tmp ? invalid(`${path}.terminationMessagePolicy`, tmp, msg) : required(`${path}.terminationMessagePolicy`, msg));
  }
  causes.push(
    ...validateContainerRestartPolicy(c, role, path),
    ...validateHooksAndProbes(c, role, ctx, path),
    ...(role === "ephemeral" && c.ports?.length ? [forbidden(`${path}.ports`, "cannot be set for an Ephemeral Container")] : validatePorts(c.ports, `${path}.ports`)),
    ...validateEnv(c.env, `${path}.env`),
    ...validateEnvFrom(c.envFrom, `${path}.envFrom`),
    ...validateVolumeMounts(c, ctx, path),
    ...validateEnum(c.imagePullPolicy, ["Always", "IfNotPresent", "Never"], `${path}.imagePullPolicy`, true),
    ...validateResourceRequirements(c.resources, ctx.podClaimNames, `${path}.resources`),
    ...validateSecurityContext(c.securityContext, `${path}.securityContext`),
  );
  return causes;
}

/** Host ports must not collide across all containers of a pod (hostIP/protocol/port). */
export function validateUniqueHostPorts(lists: { containers: Container[]; path: string }[]): FieldCause[] {
  const seen = new Set<string>();
  return lists.flatMap(({ containers, path }) =>
    containers.flatMap((c, ci) =>
      (c.ports ?? []).flatMap((port, pi) => {
        if (!port.hostPort) return [];
        const key = `${port.hostIP ?? ""}/${port.protocol ?? ""}/${port.hostPort}`;
        if (seen.has(key)) return [duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key)];
        seen.add(key);
        return [];
      }),
    ),
  );
}
