// The runtime's ContainerSpec and SandboxSpec for a pod's container: labels for adoption,
// resolved env, command and args with $(VAR) expanded, volume mounts pointing at the agent's
// volume directories, ports and limits.
import type { Container } from "../../apis/core/v1/container";
import type { Pod } from "../../apis/core/v1/pod";
import { parseQuantity } from "../../apis/quantity";
import type { ContainerSpec, Mount, PortMapping, SandboxSpec } from "../runtime/types";
import { expandCommand } from "./env";

export interface SpecInput {
  pod: Pod;
  container: Container;
  attempt: number;
  env: { name: string; value: string }[];
  /** Where the agent keeps the pod's volume `name`. */
  volumeDir(name: string): string;
}

function ports(c: Container): PortMapping[] {
  return (c.ports ?? []).map((p) => ({
    containerPort: p.containerPort,
    ...(p.hostPort ? { hostPort: p.hostPort } : {}),
    ...(p.hostIP ? { hostIP: p.hostIP } : {}),
    protocol: p.protocol === "UDP" || p.protocol === "SCTP" ? p.protocol : "TCP",
  }));
}

const PULL_POLICIES = new Set(["Always", "IfNotPresent", "Never"]);

export function containerSpec(input: SpecInput): { ok: true; spec: ContainerSpec } | { ok: false; message: string } {
  const { pod, container: c } = input;
  const mounts: Mount[] = [];
  for (const vm of c.volumeMounts ?? []) {
    const volume = (pod.spec?.volumes ?? []).find((v) => v.name === vm.name);
    if (!volume) return { ok: false, message: `cannot find volume "${vm.name}" to mount into container "${c.name}"` };
    mounts.push({
      hostPath: volume.hostPath ? volume.hostPath.path : input.volumeDir(vm.name),
      containerPath: vm.mountPath,
      // Secret, configMap, downwardAPI and projected volumes are read-only in Kubernetes.
      readOnly: vm.readOnly === true || Boolean(volume.secret || volume.configMap || volume.downwardAPI || volume.projected),
      ...(vm.subPath ? { subPath: vm.subPath } : {}),
    });
  }
  const { command, args } = expandCommand(c, input.env);
  const limits = c.resources?.limits ?? {};
  const cpu = limits.cpu !== undefined ? parseQuantity(limits.cpu) : undefined;
  const memory = limits.memory !== undefined ? parseQuantity(limits.memory) : undefined;
  const policy = c.imagePullPolicy && PULL_POLICIES.has(c.imagePullPolicy) ? (c.imagePullPolicy as ContainerSpec["imagePullPolicy"]) : "IfNotPresent";
  return {
    ok: true,
    spec: {
      labels: { podUid: pod.metadata.uid ?? "", podNamespace: pod.metadata.namespace ?? "", podName: pod.metadata.name ?? "", containerName: c.name, attempt: input.attempt },
      image: c.image ?? "",
      imagePullPolicy: policy,
      ...(command?.length ? { command } : {}),
      ...(args?.length ? { args } : {}),
      ...(c.workingDir ? { workingDir: c.workingDir } : {}),
      env: input.env,
      mounts,
      ports: ports(c),
      limits: {
        ...(cpu !== undefined ? { milliCpu: Math.round(cpu * 1000) } : {}),
        ...(memory !== undefined ? { memoryBytes: Math.round(memory) } : {}),
      },
      tty: c.tty === true,
      stdin: c.stdin === true,
      ...(c.terminationMessagePath ? { terminationMessagePath: c.terminationMessagePath } : {}),
      ...seccompProfile(pod, c),
    },
  };
}

/** The container's seccomp profile, else the pod's; Unconfined (or none) is left out. */
function seccompProfile(pod: Pod, c: Container): Pick<ContainerSpec, "seccompProfile"> {
  const profile = c.securityContext?.seccompProfile ?? pod.spec?.securityContext?.seccompProfile;
  if (profile?.type === "RuntimeDefault") return { seccompProfile: { type: "RuntimeDefault" } };
  if (profile?.type === "Localhost" && profile.localhostProfile) return { seccompProfile: { type: "Localhost", localhostProfile: profile.localhostProfile } };
  return {};
}

export function sandboxSpec(pod: Pod): SandboxSpec {
  const spec = pod.spec ?? {};
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  return {
    labels: { podUid: pod.metadata.uid ?? "", podNamespace: pod.metadata.namespace ?? "", podName: pod.metadata.name ?? "" },
    hostname: (spec.hostname || pod.metadata.name || "").slice(0, 63),
    hostNetwork: spec.hostNetwork === true,
    ports: all.flatMap(ports),
    ...(spec.hostAliases?.length ? { hostAliases: spec.hostAliases.map((a) => ({ ip: a.ip, hostnames: a.hostnames ?? [] })) } : {}),
    ...(spec.dnsConfig?.nameservers?.length ? { dnsServers: spec.dnsConfig.nameservers } : {}),
    ...(spec.dnsConfig?.searches?.length ? { dnsSearches: spec.dnsConfig.searches } : {}),
  };
}
