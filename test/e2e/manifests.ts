// Small manifests for setting tests up, created with `kubectl create -f` (JSON bodies). Tests
// that are not about `kubectl create <kind>` use these, so that they do not depend on the
// protobuf bodies those generator commands send.
import { stringify } from "yaml";
import type { Cluster } from "./harness";

type Manifest = Record<string, unknown>;

interface MetaOptions {
  namespace?: string;
  labels?: Record<string, string>;
  finalizers?: string[];
}

const meta = (name: string, { namespace, labels, finalizers }: MetaOptions) => ({ name, namespace, labels, finalizers });

export function configMap(name: string, options: MetaOptions & { data?: Record<string, string> } = {}): Manifest {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: meta(name, options), data: options.data };
}

export function namespace(name: string): Manifest {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

export function deployment(name: string, { image, replicas = 1 }: { image: string; replicas?: number }): Manifest {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "main", image }] } },
    },
  };
}

/** `kubectl create -f -` of the given manifests (one YAML stream); fails the test if kubectl does. */
export async function create(cluster: Cluster, ...manifests: Manifest[]): Promise<void> {
  // Strings double-quoted: kubectl reads YAML 1.1, where a bare y, n, on or off is a boolean.
  const yaml = manifests.map((m) => stringify(m, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
  await cluster.kubectlOk(["create", "-f", "-"], { input: yaml.join("---\n") });
}
