// A kubeconfig for the local control plane: one cluster (trusting the local certificate), one
// user with the admin token, and the context `edgeplane`.
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";

export const CONTEXT = "edgeplane";

export interface KubeconfigOptions {
  path: string;
  server: string;
  /** PEM certificate of the server, trusted as the cluster's certificate authority. */
  ca: string;
  token: string;
}

export async function writeKubeconfig({ path, server, ca, token }: KubeconfigOptions): Promise<void> {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: CONTEXT, cluster: { server, "certificate-authority-data": Buffer.from(ca).toString("base64") } }],
    users: [{ name: `${CONTEXT}-admin`, user: { token } }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: `${CONTEXT}-admin`, namespace: "default" } }],
    "current-context": CONTEXT,
  };
  // The file holds a bearer token: readable by its owner only.
  await writeFile(path, stringify(config), { mode: 0o600 });
}
