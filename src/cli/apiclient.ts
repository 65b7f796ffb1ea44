// How the CLI's administrative commands reach a control plane: the server, certificate authority
// and bearer token of a kubeconfig (--kubeconfig, $KUBECONFIG, or the local cluster's), and JSON
// requests to the API.
import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { loadKubeconfig, type Connection } from "../agent/kube/kubeconfig";

export const LOCAL_KUBECONFIG = ".edgeplane/kubeconfig";

export function kubeconfigPath(flag: string | undefined): string {
  const path = flag ?? process.env.KUBECONFIG?.split(":")[0] ?? LOCAL_KUBECONFIG;
  if (!existsSync(path)) throw new Error(`no kubeconfig at ${path} (pass --kubeconfig, set KUBECONFIG, or start a local cluster with npm start)`);
  return path;
}

export function connect(flag: string | undefined): Promise<Connection> {
  return loadKubeconfig(kubeconfigPath(flag));
}

export interface ApiReply {
  status: number;
  body: unknown;
}

/** A JSON request with the connection's token (a Status body comes back as the error's message). */
export function callApi(conn: Connection, method: string, path: string, body?: unknown): Promise<ApiReply> {
  const url = new URL(conn.server + path);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { accept: "application/json", "user-agent": "edgeplane-cli" };
  if (conn.token) headers.authorization = `Bearer ${conn.token}`;
  if (payload) headers["content-type"] = "application/json";
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, ca: conn.ca, rejectUnauthorized: !conn.insecureSkipTlsVerify, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url.href}: no answer in 30 s`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** The reply's body, or an error with the server's message. */
export async function expectOk<T>(reply: Promise<ApiReply>): Promise<T> {
  const r = await reply;
  if (r.status >= 200 && r.status < 300) return r.body as T;
  const message = typeof r.body === "object" && r.body !== null && "message" in r.body ? String((r.body as { message: unknown }).message) : String(r.body);
  throw new Error(`the server answered ${r.status}: ${message}`);
}

/** Go-style durations for --ttl: "24h", "90m", "1h30m", "45s"; "0" never expires. */
export function parseDuration(text: string): number {
  if (text === "0") return 0;
  const re = /(\d+)(h|m|s)/gy;
  let seconds = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    seconds += Number(m[1]) * { h: 3600, m: 60, s: 1 }[m[2] as "h" | "m" | "s"];
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || consumed === 0) throw new Error(`invalid duration "${text}" (use e.g. 24h, 30m, 1h30m)`);
  return seconds;
}
