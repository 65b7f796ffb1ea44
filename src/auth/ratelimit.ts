// Per-identity rate limiting: a token bucket for each user (anonymous clients and failed
// credentials by address) refilled at `qps` up to `burst`, so that one client cannot flood D1.
// Beyond it: 429 with Retry-After. Members of system:masters are exempt, as kube-apiserver's
// priority and fairness exempts them. Buckets live in the isolate: each isolate enforces the
// limit on the requests it serves.
export interface Limits {
  qps: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** 0 when the request may go ahead, else the seconds until it may. */
  take(key: string, limits: Limits, now: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: limits.burst, at: now };
    bucket.tokens = Math.min(limits.burst, bucket.tokens + ((now - bucket.at) / 1000) * limits.qps);
    bucket.at = now;
    if (this.buckets.size >= MAX_BUCKETS && !this.buckets.has(key)) this.buckets.clear();
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limits.qps));
  }
}

export const TOO_MANY_REQUESTS = "Too many requests, please try again later.";
