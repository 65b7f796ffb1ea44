// The agent's Kubernetes REST client: JSON requests with the kubeconfig's server, certificate
// authority and bearer token over keep-alive connections, and raw streams for watches. Node's
// fetch cannot trust a per-client certificate authority, node:https can.
import type { IncomingMessage } from "node:http";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Connection } from "./kubeconfig";

/** A non-2xx answer, with the Status the server sent (reason "NotFound", "Conflict", "Expired"...). */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function isApiError(err: unknown, code?: number): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
  signal?: AbortSignal;
  /** For the whole exchange; watches pass none and rely on the server's timeoutSeconds. */
  timeoutMs?: number;
  /**
   * A response held open for minutes (a watch): it gets a connection outside the bounded pool,
   * so that watches, one per referenced object, never leave other requests waiting for a socket.
   */
  longLived?: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export interface ClientOptions {
  userAgent?: string;
  /** Concurrent connections to the server (many simulated nodes share one client). */
  maxSockets?: number;
}

export class KubeClient {
  private readonly agent: HttpAgent;
  private readonly watchAgent: HttpAgent;
  private readonly secure: boolean;

  constructor(
    readonly connection: Connection,
    private readonly options: ClientOptions = {},
  ) {
    this.secure = connection.server.startsWith("https:");
    const makeAgent = (maxSockets: number) => {
      const common = { keepAlive: true, maxSockets };
      return this.secure ? new HttpsAgent({ ...common, ca: connection.ca, rejectUnauthorized: !connection.insecureSkipTlsVerify }) : new HttpAgent(common);
    };
    this.agent = makeAgent(options.maxSockets ?? 32);
    this.watchAgent = makeAgent(Infinity);
  }

  url(path: string, query?: Query): URL {
    const url = new URL(this.connection.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Headers for any request to the server, WebSocket upgrades included. */
  authHeaders(): Record<string, string> {
    const headers: Record<string, string> = { "user-agent": this.options.userAgent ?? "edgeplane-agent" };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    return headers;
  }

  /** The response once its status line has arrived; non-2xx becomes an ApiError. */
  async open(path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const url = this.url(path, opts.query);
    const headers: Record<string, string> = { accept: "application/json", ...this.authHeaders() };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] = opts.contentType ?? "application/json";
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    const send = this.secure ? httpsRequest : httpRequest;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method: opts.method ?? "GET", headers, agent: opts.longLived ? this.watchAgent : this.agent, signal: opts.signal }, resolve);
      if (opts.timeoutMs !== undefined) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error(`${opts.method ?? "GET"} ${path}: no answer after ${opts.timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
    const code = res.statusCode ?? 0;
    if (code >= 200 && code < 300) return res;
    throw await toApiError(code, res);
  }

  /** A JSON request; the parsed answer. */
  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.open(path, { timeoutMs: DEFAULT_TIMEOUT_MS, ...opts });
    const text = await readText(res);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}

async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function toApiError(code: number, res: IncomingMessage): Promise<ApiError> {
  const text = await readText(res).catch(() => "");
  try {
    const status = JSON.parse(text) as { reason?: string; message?: string };
    return new ApiError(code, status.reason ?? "", status.message ?? text);
  } catch {
    return new ApiError(code, "", text.trim() || `HTTP ${code}`);
  }
}
