// A kubeconfig for the local control plane: one cluster, one user with the admin token, and the
// context `edgeplane`.
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";

export const CONTEXT = "edgeplane";

export interface KubeconfigOptions {
  path: string;
  server: string;
  token: string;
}

export async function writeKubeconfig({ path, server, token }: KubeconfigOptions): Promise<void> {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: CONTEXT, cluster: { server } }],
    users: [{ name: `${CONTEXT}-admin`, user: { token } }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: `${CONTEXT}-admin`, namespace: "default" } }],
    "current-context": CONTEXT,
  };
  // The file holds a bearer token: readable by its owner only.
  await writeFile(path, stringify(config), { mode: 0o600 });
}
