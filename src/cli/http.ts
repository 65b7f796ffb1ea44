// HTTPS requests to the local control plane, trusting its own certificate. (Node's fetch has
// no per-request certificate authority; node:https does.)
import type { IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM certificate(s) to trust. */
  ca: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export function request(url: string, { method = "GET", headers = {}, body, ca, timeoutMs = 30_000 }: RequestOptions): Promise<HttpResponse> {
  // An explicit length: Node frames neither a DELETE's nor a GET's body by itself, and the body
  // would not reach the server.
  const framed = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers: framed, ca, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
