// The Service env vars a pod starts with (serviceEnvVars), pointing where Services answer on
// this node. With routable cluster IPs they are Kubernetes' own. In "local" mode the cluster IPs
// lead nowhere, so each Service is shown at the node-local listener of its ports instead: HOST and
// ADDR are the local address and every port is the listener's port (the docker-link variable names
// carry that port too, so that names and values agree). A Service whose ports are not all
// listened on yet is left out rather than pointed at an address that does not answer.
import { serviceEnvVars, type EnvVar, type ServiceForEnv } from "../../services/envvars";
import { servicePortKey, type ClusterIPMode } from "./table";

export interface LocalEndpoint {
  host: string;
  port: number;
}

export function podServiceEnv(
  services: readonly ServiceForEnv[],
  namespace: string,
  enableServiceLinks: boolean,
  mode: ClusterIPMode,
  local: (servicePort: string) => LocalEndpoint | undefined,
): EnvVar[] {
  if (mode !== "local") return serviceEnvVars(services, namespace, enableServiceLinks);
  const shown: ServiceForEnv[] = [];
  for (const svc of services) {
    const ns = svc.metadata.namespace ?? "";
    const name = svc.metadata.name ?? "";
    const ports = svc.spec?.ports ?? [];
    const endpoints = ports.map((p) => local(servicePortKey(ns, name, p.name ?? "")));
    if (ports.length === 0 || endpoints.some((e) => e === undefined)) continue;
    const host = endpoints[0]!.host;
    shown.push({ metadata: svc.metadata, spec: { ...svc.spec, clusterIP: svc.spec?.clusterIP && svc.spec.clusterIP !== "None" ? host : svc.spec?.clusterIP, ports: ports.map((p, i) => ({ ...p, port: endpoints[i]!.port })) } });
  }
  return serviceEnvVars(shown, namespace, enableServiceLinks);
}
