// `edgeplane join`: on a new node, trade a bootstrap token (from `edgeplane token create`) for the
// node's own credential (system:node:<name>) and write a kubeconfig with it for `edgeplane agent`.
// The server and its certificate authority come from a kubeconfig that can reach the control
// plane (its user is ignored: the bootstrap token authenticates the request).
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { callApi, connect, expectOk } from "./apiclient";

export const JOIN_USAGE = `Usage: edgeplane join --token BOOTSTRAP_TOKEN --node NAME [--out FILE] [--kubeconfig PATH]

  Writes FILE (default NAME.kubeconfig) with a credential for system:node:NAME, for
  edgeplane agent --kubeconfig FILE --name NAME.`;

interface CredentialAnswer {
  status: { token: string; username: string; expirationTimestamp?: string };
}

export async function joinCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { token: { type: "string" }, node: { type: "string" }, out: { type: "string" }, kubeconfig: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help || !values.token || !values.node) {
    console.log(JOIN_USAGE);
    return values.help ? 0 : 2;
  }
  const conn = { ...(await connect(values.kubeconfig)), token: values.token };
  const request = { apiVersion: "edgeplane.dev/v1", kind: "NodeCredentialRequest", spec: { nodeName: values.node } };
  const answer = await expectOk<CredentialAnswer>(callApi(conn, "POST", "/apis/edgeplane.dev/v1/nodecredentialrequests", request));
  const name = answer.status.username;
  const cluster: Record<string, unknown> = { server: conn.server };
  if (conn.ca) cluster["certificate-authority-data"] = Buffer.from(conn.ca).toString("base64");
  if (conn.insecureSkipTlsVerify) cluster["insecure-skip-tls-verify"] = true;
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "edgeplane", cluster }],
    users: [{ name, user: { token: answer.status.token } }],
    contexts: [{ name: "edgeplane", context: { cluster: "edgeplane", user: name } }],
    "current-context": "edgeplane",
  };
  const out = values.out ?? `${values.node}.kubeconfig`;
  // The file holds the node's bearer token: readable by its owner only.
  await writeFile(out, stringify(config), { mode: 0o600 });
  console.log(`wrote ${out} for ${name}${answer.status.expirationTimestamp ? ` (valid until ${answer.status.expirationTimestamp})` : ""}`);
  return 0;
}
