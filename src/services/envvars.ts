// The environment variables a pod gets for the Services that exist when it starts, as the
// kubelet makes them (pkg/kubelet/envvars and getServiceEnvVarMap). Pure, for the agent:
//
//   const serviceEnv = serviceEnvVars(services, pod.metadata.namespace, pod.spec.enableServiceLinks ?? true);
//
// where `services` are the Services of the pod's namespace and of `default` (the agent's
// informer cache). The kubelet's precedence: these are the base, available to $(VAR) expansion
// in the container's env; the container's envFrom and env come next and win; a service
// variable the container defines itself is not added again.
//
// For every Service with a cluster IP (not headless, not ExternalName), named e.g. "redis-primary":
//   REDIS_PRIMARY_SERVICE_HOST=10.96.12.7
//   REDIS_PRIMARY_SERVICE_PORT=6379                 the first port
//   REDIS_PRIMARY_SERVICE_PORT_<PORTNAME>=6379      each named port
//   REDIS_PRIMARY_PORT=tcp://10.96.12.7:6379        docker links: the first port...
//   REDIS_PRIMARY_PORT_6379_TCP=tcp://10.96.12.7:6379   ...and every port
//   REDIS_PRIMARY_PORT_6379_TCP_PROTO=tcp
//   REDIS_PRIMARY_PORT_6379_TCP_PORT=6379
//   REDIS_PRIMARY_PORT_6379_TCP_ADDR=10.96.12.7

export interface EnvVar {
  name: string;
  value: string;
}

/** The fields of a Service the variables are made of. */
export interface ServiceForEnv {
  metadata: { name?: string; namespace?: string };
  spec?: { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

/** The kubelet's masterServices: always given to every pod, whatever enableServiceLinks says. */
const MASTER_SERVICES = new Set(["kubernetes"]);
const MASTER_NAMESPACE = "default";

/** makeEnvVariableName: upper case, dashes as underscores. */
export function envVariableName(name: string): string {
  return name.toUpperCase().replaceAll("-", "_");
}

function isServiceIPSet(svc: ServiceForEnv): boolean {
  const ip = svc.spec?.clusterIP;
  return Boolean(ip) && ip !== "None";
}

function hostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** envvars.FromServices for one Service. */
export function serviceVars(svc: ServiceForEnv): EnvVar[] {
  const ip = svc.spec?.clusterIP ?? "";
  const ports = svc.spec?.ports ?? [];
  const prefix = envVariableName(svc.metadata.name ?? "");
  if (!isServiceIPSet(svc) || ports.length === 0) return [];
  const out: EnvVar[] = [
    { name: `${prefix}_SERVICE_HOST`, value: ip },
    { name: `${prefix}_SERVICE_PORT`, value: String(ports[0].port) },
  ];
  for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVariableName(p.name)}`, value: String(p.port) });
  ports.forEach((p, i) => {
    const protocol = (p.protocol || "TCP").toLowerCase();
    const url = `${protocol}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
    out.push({ name: portPrefix, value: url }, { name: `${portPrefix}_PROTO`, value: protocol }, { name: `${portPrefix}_PORT`, value: String(p.port) }, { name: `${portPrefix}_ADDR`, value: ip });
  });
  return out;
}

/**
 * The service variables of a pod in `namespace`: its namespace's Services when service links
 * are on, and the `kubernetes` Service of `default` always (a Service of the pod's own namespace
 * with that name wins). Ordered by Service name, then as the kubelet lists them.
 */
export function serviceEnvVars(services: readonly ServiceForEnv[], namespace: string, enableServiceLinks = true): EnvVar[] {
  const chosen = new Map<string, ServiceForEnv>();
  for (const svc of services) {
    if (!isServiceIPSet(svc)) continue;
    const name = svc.metadata.name ?? "";
    const ns = svc.metadata.namespace ?? "";
    if (ns === MASTER_NAMESPACE && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, svc);
    } else if (ns === namespace && enableServiceLinks) {
      chosen.set(name, svc);
    }
  }
  return [...chosen.keys()].sort().flatMap((name) => serviceVars(chosen.get(name)!));
}
