// Per-identity rate limiting: a token bucket for each user (anonymous clients and failed
// credentials by address) refilled at `qps` up to `burst`, so that one client cannot flood D1.
// Beyond it: 429 with Retry-After. Members of system:masters are exempt, as kube-apiserver's
// priority and fairness exempts them.
//
// The bucket of an identity is one for the cluster: it lives in a Durable Object named after the
// identity (ratelimits.ts). An isolate does not ask it for every request: it takes a lease of a
// few tokens at a time and spends them locally, so a client spread over many isolates still gets
// `qps` in all, at the cost of one Durable Object call per few requests. A lease not spent within
// a second lapses, so tokens an isolate stops using are not held back for long.
export interface Limits {
  qps: number;
  burst: number;
}

export interface Bucket {
  tokens: number;
  at: number;
}

/** What a lease request gets: tokens (0 when the bucket is empty), or when to ask again. */
export interface Lease {
  granted: number;
  retryAfterSeconds: number;
}

/** Takes up to `want` tokens from `bucket` (refilled to `now` first): the pure core of the Durable Object. */
export function lease(bucket: Bucket, want: number, limits: Limits, now: number): Lease {
  bucket.tokens = Math.min(limits.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * limits.qps);
  bucket.at = now;
  const granted = Math.min(want, Math.floor(bucket.tokens));
  bucket.tokens -= granted;
  return { granted, retryAfterSeconds: granted > 0 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / limits.qps)) };
}

/** Tokens an isolate asks for at once: a fifth of a second's worth (at least one, at most the burst). */
export function leaseSize(limits: Limits): number {
  return Math.max(1, Math.min(limits.burst, Math.ceil(limits.qps / 5)));
}

const LEASE_MS = 1_000;
const MAX_LEASES = 10_000;

/**
 * The tokens this isolate holds per identity. Requests that find none ask for a lease each (a
 * Worker's requests may not wait on each other's calls); what they get is pooled, and one that
 * got nothing looks at the pool again before it is refused, since the bucket answers in order and
 * a lease granted before it has been pooled by then.
 */
export class LeaseCache {
  private readonly held = new Map<string, { tokens: number; until: number }>();

  /** 0 when the request may go ahead, else the seconds until it may. `ask` leases tokens from the identity's bucket. */
  async take(key: string, limits: Limits, now: number, ask: (want: number) => Promise<Lease>): Promise<number> {
    if (this.spend(key, now)) return 0;
    const got = await ask(leaseSize(limits));
    if (got.granted > 0) {
      const held = this.held.get(key);
      const left = held && held.until > now ? held.tokens : 0;
      if (this.held.size >= MAX_LEASES && !held) this.held.clear();
      this.held.set(key, { tokens: left + got.granted, until: now + LEASE_MS });
    }
    return this.spend(key, now) ? 0 : Math.max(1, got.retryAfterSeconds);
  }

  private spend(key: string, now: number): boolean {
    const held = this.held.get(key);
    if (!held || held.until <= now || held.tokens < 1) return false;
    held.tokens -= 1;
    return true;
  }
}

export const TOO_MANY_REQUESTS = "Too many requests, please try again later.";
