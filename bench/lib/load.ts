// A closed-loop load generator: `clients` loops, each sending its next request as soon as the
// previous answer is read, over keep-alive connections of one undici Agent (one connection per
// client, no pipelining). It stops at `count` requests or after `maxMs`, whichever comes first,
// so every phase is bounded in both. undici's request() is used rather than fetch(): on a
// two-core machine the client shares the CPU with workerd, and fetch's WHATWG streams cost the
// client several times more per request.
import { Agent, request } from "undici";
import { summarize, type Summary } from "./stats";

export interface Call {
  method: "GET" | "POST";
  path: string;
  body?: string;
  /** The status a correct answer has; anything else stops the phase with an error. */
  expect: number;
}

export interface LoadOptions {
  origin: string;
  headers: Record<string, string>;
  agent: Agent;
  clients: number;
  count: number;
  maxMs: number;
  /** The i-th request of the phase (i counts from 0 across all clients). */
  call(i: number): Call;
  /** A numeric response header to collect per request (the floor's `x-d1-ms`). */
  header?: string;
  /** Reads the server's CPU time so far (ms), for its CPU per request. */
  serverCpuMs?: () => Promise<number>;
}

export interface LoadResult {
  done: number;
  elapsedMs: number;
  perSecond: number;
  latency: Summary;
  /** The collected header's values, when one was asked for and sent. */
  header?: Summary;
  /** The server's CPU time per request (ms), when it could be read. */
  serverCpuMs: number;
  /** This process's CPU time per request (ms): the clients' own cost, on the same machine. */
  clientCpuMs: number;
  /** The last answer's body, for callers that need one real response (a template, a check). */
  lastBody: string;
}

/** No single request may stall a phase for longer than this: a hung server fails the run instead. */
const TIMEOUT_MS = 30_000;

export function keepAliveAgent(connections: number): Agent {
  return new Agent({ connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const headerValues: number[] = [];
  let next = 0;
  let failure: Error | undefined;
  let lastBody = "";
  const serverBefore = (await o.serverCpuMs?.()) ?? NaN;
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + o.maxMs;

  const client = async (): Promise<void> => {
    while (!failure && next < o.count && performance.now() < deadline) {
      const c = o.call(next++);
      const headers = c.body === undefined ? o.headers : { ...o.headers, "content-type": "application/json" };
      const t0 = performance.now();
      const res = await request(o.origin + c.path, { method: c.method, headers, body: c.body, dispatcher: o.agent, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
      const body = await res.body.text();
      latencies.push(performance.now() - t0);
      if (res.statusCode !== c.expect) {
        failure ??= new Error(`${c.method} ${c.path} answered ${res.statusCode} (expected ${c.expect}): ${body.slice(0, 400)}`);
        return;
      }
      lastBody = body;
      const value = o.header ? Number(res.headers[o.header]) : NaN;
      if (Number.isFinite(value)) headerValues.push(value);
    }
  };

  const results = await Promise.allSettled(Array.from({ length: o.clients }, client));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure;
  if (rejected) throw rejected.reason;
  const elapsedMs = performance.now() - start;
  const clientCpu = process.cpuUsage(clientBefore);
  const serverAfter = (await o.serverCpuMs?.()) ?? NaN;
  return {
    serverCpuMs: (serverAfter - serverBefore) / latencies.length,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000 / latencies.length,
    done: latencies.length,
    elapsedMs,
    perSecond: (latencies.length / elapsedMs) * 1000,
    latency: summarize(latencies),
    header: headerValues.length ? summarize(headerValues) : undefined,
    lastBody,
  };
}
