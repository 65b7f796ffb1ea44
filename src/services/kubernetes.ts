// The `kubernetes` Service in `default`: how pods find the API server (KUBERNETES_SERVICE_HOST).
// It holds the first address of the service range, as kube-apiserver's bootstrap controller
// gives it. It has no selector and no endpoints here: the API server is the Worker, not an
// address inside the cluster; the agent's in-pod proxy sends its traffic to the control plane.
import type { KubeObject } from "../apis/types";
import { serviceConfig, type ServiceVars } from "./config";
import { ipAt } from "./ranges";

export const KUBERNETES_SERVICE = { namespace: "default", name: "kubernetes" } as const;

export function kubernetesService(vars: ServiceVars): KubeObject {
  const ip = ipAt(serviceConfig(vars).clusterIPs, 0);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: KUBERNETES_SERVICE.name, namespace: KUBERNETES_SERVICE.namespace, labels: { component: "apiserver", provider: "kubernetes" } },
    spec: {
      type: "ClusterIP",
      clusterIP: ip,
      clusterIPs: [ip],
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
      sessionAffinity: "None",
    },
  };
}
