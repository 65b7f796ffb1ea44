// Reading a kubeconfig: the current context's server, certificate authority and bearer token.
// Only what edgeplane's kubeconfigs (and ordinary token kubeconfigs) use; client certificates
// and exec plugins are out of scope until RBAC arrives.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";

export interface Connection {
  /** https://host:port, without a trailing slash. */
  server: string;
  token?: string;
  /** PEM certificate(s) to trust, when the kubeconfig names some. */
  ca?: string;
  insecureSkipTlsVerify: boolean;
  /** The context's default namespace. */
  namespace: string;
}

/** A kubeconfig list entry: { name, cluster | user | context: {...} }. */
type Named = { name: string } & Record<string, unknown>;

interface RawConfig {
  "current-context"?: string;
  contexts?: Named[];
  clusters?: Named[];
  users?: Named[];
}

function field(entry: Named | undefined, key: string): Record<string, unknown> {
  const value = entry?.[key];
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Parses kubeconfig text; relative file paths in it are resolved against `baseDir`. */
export async function parseKubeconfig(text: string, baseDir: string, contextName?: string): Promise<Connection> {
  const config = (parse(text) ?? {}) as RawConfig;
  const wanted = contextName ?? config["current-context"];
  const context = (config.contexts ?? []).find((c) => c.name === wanted) ?? (wanted ? undefined : config.contexts?.[0]);
  if (!context) throw new Error(`kubeconfig: context "${wanted ?? ""}" not found`);
  const ctx = field(context, "context");
  const cluster = field((config.clusters ?? []).find((c) => c.name === ctx.cluster), "cluster");
  const user = field((config.users ?? []).find((u) => u.name === ctx.user), "user");
  const server = str(cluster.server);
  if (!server) throw new Error(`kubeconfig: cluster "${String(ctx.cluster)}" has no server`);
  const fromFile = async (path: string | undefined): Promise<string | undefined> => (path ? readFile(resolve(baseDir, path), "utf8") : undefined);
  const caData = str(cluster["certificate-authority-data"]);
  const ca = caData ? Buffer.from(caData, "base64").toString("utf8") : await fromFile(str(cluster["certificate-authority"]));
  const tokenFile = await fromFile(str(user.tokenFile));
  return {
    server: server.replace(/\/+$/, ""),
    token: str(user.token) ?? tokenFile?.trim(),
    ca,
    insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    namespace: str(ctx.namespace) ?? "default",
  };
}

export async function loadKubeconfig(path: string, contextName?: string): Promise<Connection> {
  return parseKubeconfig(await readFile(path, "utf8"), dirname(resolve(path)), contextName);
}
