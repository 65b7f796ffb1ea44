// Which backend a request goes to first, and which next when one cannot be reached.
//  - No affinity: round robin per Service port, from this isolate's counter, so a stream of
//    requests is spread evenly over the ready endpoints.
//  - sessionAffinity ClientIP: a client keeps the backend it was given while it stays a backend
//    and the affinity has not timed out; a new client's backend is chosen by rendezvous hashing
//    of its address, so every isolate of the Worker picks the same one without sharing memory.
import type { Backend } from "./proxytable";

export interface BalanceRequest {
  /** "namespace/name:port" of the Service port. */
  key: string;
  backends: readonly Backend[];
  clientIP: string;
  affinity?: { timeoutSeconds: number };
  now: number;
}

/** FNV-1a over a string: cheap and well spread for rendezvous hashing. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final mix so that inputs differing only at the end still spread.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

const addressOf = (b: Backend) => `${b.ip}:${b.port}`;

/** Backends ordered by their rendezvous score for `client`: the first is its home, the rest its fallbacks. */
export function rendezvous(backends: readonly Backend[], client: string): Backend[] {
  return [...backends].map((b) => ({ b, score: hash(`${client}|${addressOf(b)}`) })).sort((x, y) => y.score - x.score || addressOf(x.b).localeCompare(addressOf(y.b))).map((x) => x.b);
}

export class Balancer {
  private readonly counters = new Map<string, number>();
  private readonly sticky = new Map<string, { address: string; until: number }>();
  /** Bounds the affinity table; the oldest entries go first. */
  constructor(private readonly maxSticky = 10_000) {}

  /** Every backend, in the order to try them. */
  order(req: BalanceRequest): Backend[] {
    if (req.backends.length <= 1) return [...req.backends];
    return req.affinity ? this.byAffinity(req, req.affinity.timeoutSeconds) : this.roundRobin(req);
  }

  /** The backend that answered: with affinity, the client keeps it. */
  served(req: BalanceRequest, backend: Backend): void {
    if (!req.affinity) return;
    const key = `${req.key}|${req.clientIP}`;
    this.sticky.delete(key);
    this.sticky.set(key, { address: addressOf(backend), until: req.now + req.affinity.timeoutSeconds * 1000 });
    if (this.sticky.size > this.maxSticky) this.sticky.delete(this.sticky.keys().next().value!);
  }

  private roundRobin(req: BalanceRequest): Backend[] {
    const n = req.backends.length;
    const turn = this.counters.get(req.key) ?? Math.floor(Math.random() * n);
    this.counters.set(req.key, (turn + 1) % 1_000_000_007);
    const start = turn % n;
    return [...req.backends.slice(start), ...req.backends.slice(0, start)];
  }

  private byAffinity(req: BalanceRequest, timeoutSeconds: number): Backend[] {
    const ordered = rendezvous(req.backends, req.clientIP);
    const remembered = this.sticky.get(`${req.key}|${req.clientIP}`);
    if (!remembered || remembered.until < req.now || timeoutSeconds <= 0) return ordered;
    const i = ordered.findIndex((b) => addressOf(b) === remembered.address);
    return i <= 0 ? ordered : [ordered[i], ...ordered.slice(0, i), ...ordered.slice(i + 1)];
  }
}
