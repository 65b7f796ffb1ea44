// What a dialer is given: one backend and one request. Kept free of Worker bindings so that the
// forwarding logic and its tests need none.

export interface Upstream {
  scheme: "http" | "https";
  ip: string;
  /** Absent: the scheme's default port. */
  port?: number;
  nodeName?: string;
  /** The path as the client sent it (still percent-encoded), starting with "/". */
  path: string;
  /** "" or "?..." */
  search: string;
}

export interface Outbound {
  method: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | ArrayBuffer | null;
  signal?: AbortSignal;
}

/** Sends one request to one backend; a thrown error means the backend could not be reached. */
export type Dial = (upstream: Upstream, request: Outbound) => Promise<Response>;

export function upstreamURL(u: Upstream): string {
  const host = u.ip.includes(":") ? `[${u.ip}]` : u.ip;
  return `${u.scheme}://${host}${u.port ? `:${u.port}` : ""}${u.path}${u.search}`;
}
