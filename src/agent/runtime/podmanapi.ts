// A small client for Podman's libpod REST API over its unix socket (node:http with socketPath),
// and the reader for the multiplexed stream format its logs, attach and exec endpoints use.
// Only what the podman runtime needs: JSON requests, raw streaming responses, libpod errors.
import { setMaxListeners } from "node:events";
import http, { type IncomingMessage } from "node:http";

/** The libpod API version whose paths this client speaks; Podman 4.0 and later serve it. */
export const LIBPOD_PREFIX = "/v4.0.0/libpod";

/** An error response from Podman, with its status and the message Podman gave. */
export class PodmanApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "PodmanApiError";
  }
}

/** The Podman service could not be reached at all (not running, wrong socket). */
export class PodmanUnreachableError extends Error {
  constructor(socketPath: string, cause: unknown) {
    super(`the Podman service is not reachable on ${socketPath}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "PodmanUnreachableError";
  }
}

export type Query = Record<string, string | number | boolean | string[] | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export class PodmanClient {
  // Keep-alive saves a connect per request; streaming responses (logs, exec, wait) hold their own
  // socket while they last, so the pool has no upper bound.
  private readonly agent = new http.Agent({ keepAlive: true });
  /** Aborts every request in flight when the client closes. */
  private readonly closing = new AbortController();

  constructor(readonly socketPath: string) {
    // Every request in flight listens on it, and a node waits on each of its containers (up to
    // 110 pods' worth): without this Node warns of a leak past 10.
    setMaxListeners(0, this.closing.signal);
  }

  /** The raw response of any status; the caller reads or drains the body. */
  request(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          socketPath: this.socketPath,
          agent: this.agent,
          method,
          path: LIBPOD_PREFIX + path + queryString(options.query),
          headers: body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
          signal,
        },
        resolve,
      );
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNREFUSED" || error.code === "ENOENT" || error.code === "EACCES") reject(new PodmanUnreachableError(this.socketPath, error));
        else reject(error);
      });
      req.end(body);
    });
  }

  /** A JSON response body; throws PodmanApiError for a status of 400 or more. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, options);
    const text = await readText(res);
    if (res.statusCode !== undefined && res.statusCode >= 400) throw apiError(res.statusCode, text);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }

  /** A request whose body does not matter; throws PodmanApiError for a status of 400 or more. */
  async call(method: string, path: string, options: RequestOptions = {}): Promise<number> {
    const res = await this.request(method, path, options);
    const text = await readText(res);
    const status = res.statusCode ?? 0;
    if (status >= 400) throw apiError(status, text);
    return status;
  }

  /** A streaming response that must have succeeded; the caller consumes or destroys it. */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const res = await this.request(method, path, options);
    const status = res.statusCode ?? 0;
    if (status >= 400) throw apiError(status, await readText(res));
    return res;
  }

  close(): void {
    this.closing.abort(new Error("the Podman client was closed"));
    this.agent.destroy();
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

export async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Libpod errors are {"cause", "message", "response"}; anything else is kept as text. */
function apiError(status: number, text: string): PodmanApiError {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return new PodmanApiError(status, parsed.message);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return new PodmanApiError(status, text.trim() || `HTTP ${status}`);
}

export interface Frame {
  /** 0 stdin, 1 stdout, 2 stderr. */
  stream: number;
  payload: Buffer;
}

/**
 * The frames of Docker's multiplexed stream format, which Podman uses for the output of containers
 * without a terminal: an 8-byte header (stream type, three zero bytes, big-endian payload length),
 * then the payload. Frames may be split across chunks and chunks may hold many frames.
 */
export async function* demultiplex(source: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<Frame> {
  let pending = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      yield { stream: pending[0], payload: pending.subarray(8, 8 + size) };
      pending = pending.subarray(8 + size);
    }
  }
}
